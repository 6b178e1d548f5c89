using CamReview.Vision.Interop;

namespace CamReview.Vision;

// Values are OpenCV's own constants so they pass through the shim unchanged.
public enum Interpolation { Nearest = 0, Linear = 1, Cubic = 2, Area = 3, Lanczos4 = 4 }

public enum BorderMode { Constant = 0, Replicate = 1, Reflect = 2 }

public enum ImageLoadMode { Color = 1, Grayscale = 0 }

// An 8-bit BGR (3 channels) or grayscale (1 channel) image held natively as a cv::Mat.
// Immutable: every operation returns a new Image, so one Image may be read from several threads at once.
// Dispose it (or let the finalizer of its SafeHandle free it).
public sealed class Image : IDisposable
{
    private const int CvDepth8U = 0;
    private const int ColorBgr2Gray = 6, ColorGray2Bgr = 8;
    private const int ThreshBinary = 0;

    internal MatHandle Handle { get; }

    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }

    // Size of the packed row-major pixel data returned by CopyBytes.
    public int ByteCount => checked(Width * Height * Channels);

    private Image(MatHandle handle)
    {
        Handle = handle;
        NativeMethods.Check(NativeMethods.cvr_mat_info(handle, out int w, out int h, out int c, out int depth), "Could not inspect image");
        if (depth != CvDepth8U || (c != 1 && c != 3))
        {
            handle.Dispose();
            throw new VisionException($"Unsupported image format (depth {depth}, {c} channels): only 8-bit BGR or grayscale");
        }
        (Width, Height, Channels) = (w, h, c);
    }

    // Takes ownership of a handle the shim just returned, releasing it if the status says failure.
    internal static Image FromNative(int status, MatHandle handle, string context)
    {
        if (status != NativeMethods.StatusOk)
        {
            handle.Dispose();
            NativeMethods.Check(status, context);
        }
        return new Image(handle);
    }

    public static Image Load(string path, ImageLoadMode mode = ImageLoadMode.Color)
    {
        ArgumentNullException.ThrowIfNull(path);
        // imread only returns "empty" for a missing file; say which problem it is.
        if (!File.Exists(path)) throw new VisionException($"Could not load image '{path}': file not found");
        int status = NativeMethods.cvr_imread(path, (int)mode, out MatHandle h);
        return FromNative(status, h, $"Could not load image '{path}'");
    }

    // Format from the extension; PNG is lossless.
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null && !Directory.Exists(dir)) throw new VisionException($"Could not save image to '{path}': directory does not exist");
        NativeMethods.Check(NativeMethods.cvr_imwrite(Live, path), $"Could not save image to '{path}'");
    }

    // Packed row-major BGR bytes (width * height * 3).
    public static Image FromBgr(ReadOnlySpan<byte> bgr, int width, int height) => FromBytes(bgr, width, height, 3);

    public static Image FromGray(ReadOnlySpan<byte> gray, int width, int height) => FromBytes(gray, width, height, 1);

    public static Image Filled(int width, int height, int channels, byte value)
    {
        ValidateShape(width, height, channels);
        int status = NativeMethods.cvr_mat_filled(width, height, channels, value, out MatHandle h);
        return FromNative(status, h, "Could not create image");
    }

    private static unsafe Image FromBytes(ReadOnlySpan<byte> data, int width, int height, int channels)
    {
        ValidateShape(width, height, channels);
        long expected = (long)width * height * channels;
        if (data.Length != expected)
            throw new ArgumentException($"Expected {expected} bytes for {width}x{height}x{channels}, got {data.Length}", nameof(data));
        fixed (byte* p = data)
        {
            int status = NativeMethods.cvr_mat_from_bytes(p, width, height, channels, out MatHandle h);
            return FromNative(status, h, "Could not create image");
        }
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

    public unsafe void CopyTo(Span<byte> destination)
    {
        if (destination.Length < ByteCount) throw new ArgumentException($"Need {ByteCount} bytes, got {destination.Length}", nameof(destination));
        fixed (byte* p = destination)
            NativeMethods.Check(NativeMethods.cvr_mat_copy_to(Live, p, destination.Length), "Could not copy image pixels");
    }

    public Image Clone()
    {
        int status = NativeMethods.cvr_mat_clone(Live, out MatHandle h);
        return FromNative(status, h, "Could not clone image");
    }

    // No argument checks on purpose: OpenCV validates sizes and its message is passed on.
    public Image Resize(int width, int height, Interpolation interpolation = Interpolation.Linear)
    {
        int status = NativeMethods.cvr_resize(Live, width, height, (int)interpolation, out MatHandle h);
        return FromNative(status, h, $"Could not resize {Width}x{Height} image to {width}x{height}");
    }

    public Image ToGray() => Channels == 1 ? Clone() : CvtColor(ColorBgr2Gray);

    public Image ToBgr() => Channels == 3 ? Clone() : CvtColor(ColorGray2Bgr);

    private Image CvtColor(int code)
    {
        int status = NativeMethods.cvr_cvt_color(Live, code, out MatHandle h);
        return FromNative(status, h, "Could not convert image colour");
    }

    // homography: 3x3 row-major, mapping source pixel coordinates to output coordinates.
    // Constant fills with black; Replicate/Reflect fill with source content.
    public unsafe Image WarpPerspective(ReadOnlySpan<double> homography, int outWidth, int outHeight,
        BorderMode border = BorderMode.Constant, Interpolation interpolation = Interpolation.Linear)
    {
        if (homography.Length != 9) throw new ArgumentException("Homography must have 9 elements (3x3 row-major)", nameof(homography));
        // OpenCV would silently substitute the source size for a non-positive one.
        if (outWidth <= 0 || outHeight <= 0) throw new ArgumentOutOfRangeException(nameof(outWidth), $"Output size must be positive, got {outWidth}x{outHeight}");
        fixed (double* hp = homography)
        {
            int status = NativeMethods.cvr_warp_perspective(Live, hp, outWidth, outHeight, (int)interpolation, (int)border, out MatHandle h);
            return FromNative(status, h, $"Could not warp {Width}x{Height} image to {outWidth}x{outHeight}");
        }
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
            validMask = spread.Threshold(254, ThreshBinary);
            return warped;
        }
        catch
        {
            warped.Dispose();
            throw;
        }
    }

    private Image Threshold(double thresh, int type)
    {
        int status = NativeMethods.cvr_threshold(Live, thresh, 255, type, out MatHandle h);
        return FromNative(status, h, "Could not threshold image");
    }

    // cv::inpaint (Telea). mask: single channel, non-zero = pixels to fill.
    public Image Inpaint(Image mask, double radius = 3)
    {
        ArgumentNullException.ThrowIfNull(mask);
        int status = NativeMethods.cvr_inpaint(Live, mask.Live, radius, out MatHandle h);
        return FromNative(status, h, "Could not inpaint image");
    }

    // Mean of |gray(a) - gray(b)| in 0..255 — the flicker measure between consecutive frames.
    public static unsafe double MeanAbsDiffGray(Image a, Image b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Width != b.Width || a.Height != b.Height)
            throw new ArgumentException($"Images differ in size: {a.Width}x{a.Height} vs {b.Width}x{b.Height}");
        Image? grayA = a.Channels == 1 ? null : a.ToGray();
        Image? grayB = b.Channels == 1 ? null : b.ToGray();
        try
        {
            double* means = stackalloc double[4];
            int status = NativeMethods.cvr_mean_abs_diff((grayA ?? a).Live, (grayB ?? b).Live, means);
            NativeMethods.Check(status, "Could not compare images");
            return means[0];
        }
        finally
        {
            grayA?.Dispose();
            grayB?.Dispose();
        }
    }

    internal MatHandle Live
    {
        get
        {
            ObjectDisposedException.ThrowIf(Handle.IsClosed, this);
            return Handle;
        }
    }

    public void Dispose() => Handle.Dispose();
}
