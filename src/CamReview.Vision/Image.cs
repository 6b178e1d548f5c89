using OpenCvSharp;

namespace CamReview.Vision;

// Values are OpenCV's own constants so they pass to OpenCV unchanged.
public enum Interpolation { Nearest = 0, Linear = 1, Cubic = 2, Area = 3, Lanczos4 = 4 }

public enum BorderMode { Constant = 0, Replicate = 1, Reflect = 2 }

public enum ImageLoadMode { Color = 1, Grayscale = 0 }

// An 8-bit BGR (3 channels) or grayscale (1 channel) image held natively as a cv::Mat.
// Immutable: every operation returns a new Image and the Mat is never handed out, so one Image may be read from
// several threads at once. Dispose it (or let the finalizer release it).
public sealed class Image : IDisposable
{
    private readonly Owned<Mat> _mat;

    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }

    // Size of the packed row-major pixel data returned by CopyBytes.
    public int ByteCount => checked(Width * Height * Channels);

    private Image(Mat mat)
    {
        _mat = new Owned<Mat>(mat);
        (Width, Height, Channels) = (mat.Cols, mat.Rows, mat.Channels());
    }

    // Takes ownership of a Mat OpenCV just produced (freeing it if it is not an image we support).
    internal static Image Adopt(Mat mat)
    {
        int depth = mat.Depth(), channels = mat.Channels();
        if (depth != MatType.CV_8U || (channels != 1 && channels != 3) || mat.Dims != 2 || mat.Empty())
        {
            mat.Dispose();
            throw new VisionException($"Unsupported image format (depth {depth}, {channels} channels): only 8-bit BGR or grayscale");
        }
        return new Image(mat);
    }

    public static Image Load(string path, ImageLoadMode mode = ImageLoadMode.Color)
    {
        ArgumentNullException.ThrowIfNull(path);
        // imread only returns "empty" for a missing file; say which problem it is.
        if (!File.Exists(path)) throw new VisionException($"Could not load image '{path}': file not found");
        string context = $"Could not load image '{path}'";
        return OpenCv.Take(context, () =>
        {
            Mat read = Cv2.ImRead(path, (ImreadModes)mode);
            if (!read.Empty()) return read;
            read.Dispose();
            throw new VisionException(context, "OpenCV could not decode the file (unsupported format or corrupt data)");
        });
    }

    // Format from the extension; PNG is lossless.
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null && !Directory.Exists(dir)) throw new VisionException($"Could not save image to '{path}': directory does not exist");
        Mat mat = Live;
        string context = $"Could not save image to '{path}'";
        OpenCv.Run(context, () =>
        {
            if (!Cv2.ImWrite(path, mat)) throw new VisionException(context, "cv::imwrite returned false");
        });
    }

    // Packed row-major BGR bytes (width * height * 3).
    public static Image FromBgr(ReadOnlySpan<byte> bgr, int width, int height) => FromBytes(bgr, width, height, 3);

    public static Image FromGray(ReadOnlySpan<byte> gray, int width, int height) => FromBytes(gray, width, height, 1);

    public static Image Filled(int width, int height, int channels, byte value)
    {
        ValidateShape(width, height, channels);
        return OpenCv.Take("Could not create image", () => new Mat(height, width, MatType.CV_8UC(channels), Scalar.All(value)));
    }

    private static unsafe Image FromBytes(ReadOnlySpan<byte> data, int width, int height, int channels)
    {
        ValidateShape(width, height, channels);
        long expected = (long)width * height * channels;
        if (data.Length != expected)
            throw new ArgumentException($"Expected {expected} bytes for {width}x{height}x{channels}, got {data.Length}", nameof(data));
        Image image = OpenCv.Take("Could not create image", () => new Mat(height, width, MatType.CV_8UC(channels)));
        // A freshly allocated Mat is continuous: one bulk copy.
        data.CopyTo(new Span<byte>((void*)image._mat.Value.Data, data.Length));
        return image;
    }

    private static void ValidateShape(int width, int height, int channels)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"Image size must be positive, got {width}x{height}");
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), "Channels must be 1 (gray) or 3 (BGR)");
    }

    public byte[] CopyBytes()
    {
        var bytes = new byte[ByteCount];
        CopyTo(bytes);
        return bytes;
    }

    public void CopyTo(Span<byte> destination)
    {
        if (destination.Length < ByteCount) throw new ArgumentException($"Need {ByteCount} bytes, got {destination.Length}", nameof(destination));
        OpenCv.CopyBytes(Live, destination);
        GC.KeepAlive(this);
    }

    public Image Clone()
    {
        Mat src = Live;
        return OpenCv.Take("Could not clone image", src.Clone);
    }

    // No argument checks on purpose: OpenCV validates sizes and its message is passed on.
    public Image Resize(int width, int height, Interpolation interpolation = Interpolation.Linear)
    {
        Mat src = Live;
        return OpenCv.Produce($"Could not resize {Width}x{Height} image to {width}x{height}",
            dst => Cv2.Resize(src, dst, new Size(width, height), 0, 0, (InterpolationFlags)interpolation));
    }

    public Image ToGray() => Channels == 1 ? Clone() : CvtColor(ColorConversionCodes.BGR2GRAY);

    public Image ToBgr() => Channels == 3 ? Clone() : CvtColor(ColorConversionCodes.GRAY2BGR);

    private Image CvtColor(ColorConversionCodes code)
    {
        Mat src = Live;
        return OpenCv.Produce("Could not convert image colour", dst => Cv2.CvtColor(src, dst, code));
    }

    // homography: 3x3 row-major, mapping source pixel coordinates to output coordinates.
    // Constant fills with black; Replicate/Reflect fill with source content.
    public unsafe Image WarpPerspective(ReadOnlySpan<double> homography, int outWidth, int outHeight,
        BorderMode border = BorderMode.Constant, Interpolation interpolation = Interpolation.Linear)
    {
        if (homography.Length != 9) throw new ArgumentException("Homography must have 9 elements (3x3 row-major)", nameof(homography));
        // OpenCV would silently substitute the source size for a non-positive one.
        if (outWidth <= 0 || outHeight <= 0) throw new ArgumentOutOfRangeException(nameof(outWidth), $"Output size must be positive, got {outWidth}x{outHeight}");
        Mat src = Live;
        using var h = new Mat(3, 3, MatType.CV_64FC1);
        homography.CopyTo(new Span<double>((void*)h.Data, 9));
        return OpenCv.Produce($"Could not warp {Width}x{Height} image to {outWidth}x{outHeight}",
            dst => Cv2.WarpPerspective(src, dst, h, new Size(outWidth, outHeight), (InterpolationFlags)interpolation, (BorderTypes)border, Scalar.All(0)));
    }

    // Same warp, plus validMask: 255 where the output pixel was interpolated only from real (and, if sourceValid is
    // given, valid) source pixels, 0 where any border fill contributed. Conservative on purpose: the blended
    // one-pixel band at the edge counts as invalid, so inpainting the complement leaves no dark fringes.
    public Image WarpPerspective(ReadOnlySpan<double> homography, int outWidth, int outHeight, BorderMode border,
        out Image validMask, Image? sourceValid = null, Interpolation interpolation = Interpolation.Linear)
    {
        if (sourceValid is not null && (sourceValid.Width != Width || sourceValid.Height != Height || sourceValid.Channels != 1))
            throw new ArgumentException("sourceValid must be a single-channel mask of the image's size", nameof(sourceValid));
        Image warped = WarpPerspective(homography, outWidth, outHeight, border, interpolation);
        try
        {
            using Image ones = sourceValid is null ? Filled(Width, Height, 1, 255) : sourceValid.Clone();
            using Image spread = ones.WarpPerspective(homography, outWidth, outHeight, BorderMode.Constant, Interpolation.Linear);
            validMask = spread.Threshold(254);
            return warped;
        }
        catch
        {
            warped.Dispose();
            throw;
        }
    }

    private Image Threshold(double thresh)
    {
        Mat src = Live;
        return OpenCv.Produce("Could not threshold image", dst => Cv2.Threshold(src, dst, thresh, 255, ThresholdTypes.Binary));
    }

    // cv::inpaint (Telea). mask: single channel, non-zero = pixels to fill.
    public Image Inpaint(Image mask, double radius = 3)
    {
        ArgumentNullException.ThrowIfNull(mask);
        Mat src = Live, m = mask.Live;
        Image result = OpenCv.Produce("Could not inpaint image", dst => Cv2.Inpaint(src, m, dst, radius, InpaintTypes.Telea));
        GC.KeepAlive(mask);
        return result;
    }

    // Mean of |gray(a) - gray(b)| in 0..255 — the flicker measure between consecutive frames.
    public static double MeanAbsDiffGray(Image a, Image b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Width != b.Width || a.Height != b.Height)
            throw new ArgumentException($"Images differ in size: {a.Width}x{a.Height} vs {b.Width}x{b.Height}");
        Image? grayA = a.Channels == 1 ? null : a.ToGray();
        Image? grayB = b.Channels == 1 ? null : b.ToGray();
        try
        {
            Mat ma = (grayA ?? a).Live, mb = (grayB ?? b).Live;
            double mean = 0;
            OpenCv.Run("Could not compare images", () =>
            {
                using var diff = new Mat();
                Cv2.Absdiff(ma, mb, diff);
                mean = Cv2.Mean(diff).Val0;
            });
            GC.KeepAlive(a);
            GC.KeepAlive(b);
            return mean;
        }
        finally
        {
            grayA?.Dispose();
            grayB?.Dispose();
        }
    }

    // The Mat for OpenCV calls. Callers keep `this` reachable (GC.KeepAlive or a later use) while OpenCV runs so the
    // counter stays exact.
    internal Mat Live
    {
        get
        {
            ObjectDisposedException.ThrowIf(_mat.IsDisposed, this);
            return _mat.Value;
        }
    }

    public void Dispose() => _mat.Dispose();
}
