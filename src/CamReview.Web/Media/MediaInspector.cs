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
/// size and the work budget (width x height x the frames the container announces) are checked from the stream header,
/// before any frame is decoded; then every frame is decoded with OpenCV's FFmpeg backend, counting them against the
/// frame, duration and work limits (so a header that understates its frames still stops at the budget), and a file
/// that stops decoding before the frames its header announces is refused as damaged or cut short, unless its frames
/// reach the end its header announces (a variable-frame-rate file, whose rate is then the average of its frames).</summary>
public static class MediaInspector
{
    /// <param name="workBudget">Whether <see cref="UploadLimits.MaxVideoWork"/> applies: for uploads; not for the files
    /// the portal made itself (a render's work is bounded by the render limits, and is done by then).</param>
    public static MediaInfo Inspect(string path, MediaFormat format, UploadLimits limits, string posterPath, string thumbPath, CancellationToken ct,
        bool workBudget = true) =>
        format.IsVideo() ? InspectVideo(path, format, limits, workBudget ? limits.MaxVideoWork : long.MaxValue, posterPath, thumbPath, ct)
            : InspectImage(path, format, limits, posterPath, thumbPath);

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

    private static MediaInfo InspectVideo(string path, MediaFormat format, UploadLimits limits, long maxWork, string posterPath, string thumbPath, CancellationToken ct)
    {
        try
        {
            using var reader = VideoReader.Open(path);
            if ((long)reader.Width * reader.Height > limits.MaxVideoPixels)
                throw TooLargeFrames(reader.Width, reader.Height, limits);
            // The container's frame count (or its duration x frame rate) is known before decoding: a video whose
            // announced work is over the budget is refused without decoding a frame.
            if (reader.ReportedFrameCount is > 0 and < int.MaxValue && reader.Width > 0 && reader.Height > 0
                && (long)reader.Width * reader.Height * (long)reader.ReportedFrameCount > maxWork)
                throw TooMuchWork(reader.Width, reader.Height, (long)reader.ReportedFrameCount, maxWork, exact: true);
            if (!reader.Read(out var first))
                throw new MediaRejectedException($"The file is {format.Describe()} without a single decodable frame: it is damaged or cut short.");
            int width, height;
            var firstMs = reader.PositionMs;
            var lastMs = firstMs;
            using (first)
            {
                (width, height) = (first.Width, first.Height);
                if ((long)width * height > limits.MaxVideoPixels) throw TooLargeFrames(width, height, limits);
                WritePreviews(first, posterPath, thumbPath);
            }

            double? fps = double.IsFinite(reader.Fps) && reader.Fps is > 0 and < 1000 ? reader.Fps : null;
            var frames = 1;
            var pixels = (long)width * height;
            while (reader.Skip())
            {
                frames++;
                lastMs = reader.PositionMs;
                if (pixels * frames > maxWork) throw TooMuchWork(width, height, frames, maxWork, exact: false);
                if (frames > limits.MaxVideoFrames)
                    throw new MediaRejectedException($"The video has more than {limits.MaxVideoFrames} frames, the most a video may have.");
                if ((fps is { } f && frames / f > limits.MaxVideoSeconds) || (lastMs - firstMs) / 1000 > limits.MaxVideoSeconds)
                    throw new MediaRejectedException($"The video is longer than {limits.MaxVideoSeconds.ToString("0.#", CultureInfo.InvariantCulture)} seconds, the longest a video may be.");
                if (frames % 32 == 0) ct.ThrowIfCancellationRequested();
            }
            if (frames < 2)
                throw new MediaRejectedException("The video has a single frame; a video needs at least 2 (upload a still picture as a target image).");

            var announced = reader.ReportedFrameCount;
            if (announced >= 2 && frames < announced - Math.Max(2, announced * 0.05))
            {
                // Fewer frames than the header counts: a file cut short stops early in time too, but a valid
                // variable-frame-rate file (an AVI counts frame slots at its nominal rate, and leaves the slots of
                // frames it skips empty) has frames up to its end.
                var announcedSeconds = fps is { } nominal ? announced / nominal : 0;
                var reachedSeconds = (lastMs - firstMs) / 1000 + (fps is { } n ? 1 / n : 0);
                if (fps is not { } rateOf || reachedSeconds < announcedSeconds - Math.Max(2 / rateOf, announcedSeconds * 0.05))
                    throw new MediaRejectedException(
                        $"The video stops decoding after {frames} of the {announced:0} frames its header announces: the file is damaged or cut short.");
                // Its real rate is the average over its frames' timestamps.
                var span = (lastMs - firstMs) / 1000;
                if (span > 0) fps = (frames - 1) / span;
            }
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

    /// <summary>Which way the video is over the budget, and how to bring it within: fewer frames at this size, or
    /// smaller frames at this length (with the ffmpeg command for each).</summary>
    private static MediaRejectedException TooMuchWork(int width, int height, long frames, long maxWork, bool exact)
    {
        var pixels = (long)width * height;
        var maxFrames = maxWork / pixels;
        var scale = Math.Sqrt((double)maxWork / frames / pixels);
        // Even sizes (H.264), rounded down so that the smaller video is within the budget; both given to ffmpeg, since
        // letting it round one side (scale=w:-2) can round it up, over the budget.
        var (w, h) = ((int)(width * scale) & ~1, (int)(height * scale) & ~1);
        var framesText = exact ? $"{frames} frames" : $"at least {frames} frames";
        var smaller = w >= 16 && h >= 16
            ? $" or scale it to at most {w}x{h} (ffmpeg -i in.mp4 -vf scale={w}:{h} out.mp4)"
            : "";
        return new MediaRejectedException(
            $"The video is {width}x{height} pixels x {framesText} = {Count(pixels * frames)} pixel-frames, more work than an upload may cause " +
            $"(at most {Count(maxWork)}, CamReview:Uploads:MaxVideoWork). At {width}x{height} a video may have at most {maxFrames} frames: " +
            $"trim it (ffmpeg -i in.mp4 -frames:v {maxFrames} out.mp4){smaller}.");
    }

    // Whole numbers: near the budget, rounded ones would read "1.87 billion, at most 1.87 billion".
    private static string Count(long work) => work.ToString("N0", CultureInfo.InvariantCulture);

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
