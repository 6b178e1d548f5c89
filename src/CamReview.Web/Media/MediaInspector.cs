using System.Globalization;
using CamReview.Data;
using CamReview.Vision;

namespace CamReview.Web.Media;

/// <summary>What decoding an upload learnt about it.</summary>
public sealed record MediaInfo(MediaFormat Format, int Width, int Height, int? FrameCount, double? Fps, double? DurationSeconds);

/// <summary>An upload that is refused, with the message for the user (422 unless said otherwise).</summary>
public sealed class MediaRejectedException(string message) : Exception(message);

/// <summary>Decodes an upload completely before it is accepted, within the configured limits, and writes its poster
/// and thumbnail. Images: the size in the header is checked before any pixel is decoded (a 100000x100000 PNG of a
/// few bytes is refused without allocating anything), then the whole image is decoded with OpenCV. Videos: the frame
/// size is checked from the stream header, then every frame is decoded with OpenCV's FFmpeg backend, counting them
/// against the frame and duration limits, and a file that stops decoding before the frames its header announces is
/// refused as damaged or cut short.</summary>
public static class MediaInspector
{
    public static MediaInfo Inspect(string path, MediaFormat format, UploadLimits limits, string posterPath, string thumbPath, CancellationToken ct) =>
        format.IsVideo() ? InspectVideo(path, format, limits, posterPath, thumbPath, ct) : InspectImage(path, format, limits, posterPath, thumbPath);

    private static MediaInfo InspectImage(string path, MediaFormat format, UploadLimits limits, string posterPath, string thumbPath)
    {
        int width, height;
        using (var stream = File.OpenRead(path))
        {
            (width, height, var problem) = MediaSniffer.ReadImageSize(stream, format);
            if (problem is not null) throw new MediaRejectedException($"The file is {format.Describe()}, but {problem}.");
        }
        if ((long)width * height > limits.MaxImagePixels)
            throw new MediaRejectedException(
                $"The image is {width}x{height} pixels ({Megapixels((long)width * height)} megapixels); images may have at most {Megapixels(limits.MaxImagePixels)} megapixels.");

        Image image;
        try
        {
            image = Image.Load(path);
        }
        catch (VisionException)
        {
            throw new MediaRejectedException($"The file starts like {format.Describe()} but does not decode: it is damaged or cut short.");
        }
        using (image)
        {
            // JPEGs may come out rotated by their EXIF orientation; anything else means the header lied.
            var sameSize = (image.Width == width && image.Height == height) || (format == MediaFormat.Jpeg && image.Width == height && image.Height == width);
            if (!sameSize)
                throw new MediaRejectedException($"The image decodes to {image.Width}x{image.Height} pixels, but its header says {width}x{height}: the file is damaged.");
            WritePreviews(image, posterPath, thumbPath);
            return new MediaInfo(format, image.Width, image.Height, null, null, null);
        }
    }

    private static MediaInfo InspectVideo(string path, MediaFormat format, UploadLimits limits, string posterPath, string thumbPath, CancellationToken ct)
    {
        try
        {
            using var reader = VideoReader.Open(path);
            if ((long)reader.Width * reader.Height > limits.MaxVideoPixels)
                throw TooLargeFrames(reader.Width, reader.Height, limits);
            if (!reader.Read(out var first))
                throw new MediaRejectedException($"The file is {format.Describe()} without a single decodable frame: it is damaged or cut short.");
            int width, height;
            using (first)
            {
                (width, height) = (first.Width, first.Height);
                if ((long)width * height > limits.MaxVideoPixels) throw TooLargeFrames(width, height, limits);
                WritePreviews(first, posterPath, thumbPath);
            }

            double? fps = double.IsFinite(reader.Fps) && reader.Fps is > 0 and < 1000 ? reader.Fps : null;
            var frames = 1;
            while (reader.Skip())
            {
                frames++;
                if (frames > limits.MaxVideoFrames)
                    throw new MediaRejectedException($"The video has more than {limits.MaxVideoFrames} frames, the most a video may have.");
                if (fps is { } f && frames / f > limits.MaxVideoSeconds)
                    throw new MediaRejectedException($"The video is longer than {limits.MaxVideoSeconds.ToString("0.#", CultureInfo.InvariantCulture)} seconds, the longest a video may be.");
                if (frames % 32 == 0) ct.ThrowIfCancellationRequested();
            }
            if (frames < 2)
                throw new MediaRejectedException("The video has a single frame; a video needs at least 2 (upload a still picture as a target image).");

            var announced = reader.ReportedFrameCount;
            if (announced >= 2 && frames < announced - Math.Max(2, announced * 0.05))
                throw new MediaRejectedException(
                    $"The video stops decoding after {frames} of the {announced:0} frames its header announces: the file is damaged or cut short.");
            return new MediaInfo(format, width, height, frames, fps, fps is { } rate ? frames / rate : null);
        }
        catch (VisionException)
        {
            throw new MediaRejectedException(
                $"The file starts like {format.Describe()} but does not decode as a video: it is damaged or cut short, or uses a codec that is not supported.");
        }
    }

    private static MediaRejectedException TooLargeFrames(int width, int height, UploadLimits limits) =>
        new($"The video's frames are {width}x{height} pixels ({Megapixels((long)width * height)} megapixels); frames may have at most {Megapixels(limits.MaxVideoPixels)} megapixels.");

    private static string Megapixels(long pixels) => (pixels / 1e6).ToString(pixels < 10_000_000 ? "0.##" : "0", CultureInfo.InvariantCulture);

    private static void WritePreviews(Image image, string posterPath, string thumbPath)
    {
        using (var poster = FitWithin(image, MediaFiles.PosterMaxSide)) poster.Save(posterPath);
        using (var thumb = FitWithin(image, MediaFiles.ThumbMaxSide)) thumb.Save(thumbPath);
    }

    private static Image FitWithin(Image image, int maxSide)
    {
        var longest = Math.Max(image.Width, image.Height);
        if (longest <= maxSide) return image.Clone();
        var scale = (double)maxSide / longest;
        return image.Resize(Math.Max(1, (int)Math.Round(image.Width * scale)), Math.Max(1, (int)Math.Round(image.Height * scale)), Interpolation.Area);
    }
}
