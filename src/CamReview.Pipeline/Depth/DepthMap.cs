using CamReview.Core;
using CamReview.Pipeline.Render;

namespace CamReview.Pipeline.Depth;

/// <summary>How the values of an uploaded map are read: depth Z directly, or disparity d with Z = 1 / d.</summary>
public enum DepthKind
{
    Depth,
    Disparity,
}

/// <summary>
/// A per-pixel depth map Z (distance along the optical axis, camera 0, any consistent unit), row-major, pixel (x, y)
/// centred at (x + 0.5, y + 0.5). Every value is positive and finite: invalid input pixels (Z &lt;= 0 or not finite;
/// for disparity d &lt;= 0 or not finite) are counted in <see cref="InvalidPixels"/> and filled from the nearest
/// valid pixel (multi-source breadth-first fill, 4-connected), so their colour still moves with the surrounding
/// surface instead of leaving a hole; a map without any valid pixel is refused.
/// <para>Absolute scale: the parallax renderer calibrates translation by the median depth (presets) or takes it in
/// the map's units (trajectory files), so a map and a trajectory scaled by the same factor render identically.</para>
/// </summary>
public sealed class DepthMap
{
    private double? _median;

    private DepthMap(float[] values, int width, int height, int invalid)
    {
        Values = values;
        Width = width;
        Height = height;
        InvalidPixels = invalid;
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Z per pixel (positive, finite).</summary>
    public float[] Values { get; }

    /// <summary>Input pixels that were invalid and filled.</summary>
    public int InvalidPixels { get; }

    public float this[int x, int y] => Values[y * Width + x];

    /// <summary>Zbar of the map: <see cref="SceneDepth.GridMedian(ReadOnlySpan{float}, int, int)"/>, the statistic the camera path measures parallax with.</summary>
    public double Median => _median ??= SceneDepth.GridMedian(Values, Width, Height);

    /// <summary>From depth values (Z &lt;= 0 or non-finite = invalid, filled; see the type remarks).</summary>
    public static DepthMap FromDepth(ReadOnlySpan<float> z, int width, int height) => Build(z, width, height, disparity: false);

    /// <summary>From disparity values, Z = 1 / d (d &lt;= 0 or non-finite = invalid, filled).</summary>
    public static DepthMap FromDisparity(ReadOnlySpan<float> d, int width, int height) => Build(d, width, height, disparity: true);

    /// <summary>From values of the given kind.</summary>
    public static DepthMap From(ReadOnlySpan<float> v, int width, int height, DepthKind kind) => Build(v, width, height, kind == DepthKind.Disparity);

    /// <summary>The planar fallback: every pixel at depth <paramref name="depth"/> (parallax renders reduce to homography transfer).</summary>
    public static DepthMap Planar(int width, int height, float depth = 1)
    {
        if (!(depth > 0 && float.IsFinite(depth))) throw new ArgumentOutOfRangeException(nameof(depth), depth, "depth must be positive");
        CheckSize(width, height);
        var v = new float[width * height];
        Array.Fill(v, depth);
        return new DepthMap(v, width, height, 0);
    }

    /// <summary>True when every pixel has the same depth.</summary>
    public bool IsPlanar
    {
        get
        {
            float z0 = Values[0];
            foreach (float z in Values) if (z != z0) return false;
            return true;
        }
    }

    /// <summary>Every depth multiplied by <paramref name="factor"/>.</summary>
    public DepthMap Scaled(double factor)
    {
        if (!(factor > 0 && double.IsFinite(factor))) throw new ArgumentOutOfRangeException(nameof(factor), factor, "scale must be positive");
        var v = new float[Values.Length];
        for (int i = 0; i < v.Length; i++) v[i] = (float)(Values[i] * factor);
        return new DepthMap(v, Width, Height, InvalidPixels);
    }

    /// <summary>
    /// Nearest-neighbour resampling to <paramref name="width"/> x <paramref name="height"/> (pixel centres mapped
    /// proportionally). Nearest, not bilinear: interpolating across a depth edge would invent "flying" pixels
    /// halfway between foreground and background.
    /// </summary>
    public DepthMap Resized(int width, int height)
    {
        CheckSize(width, height);
        if (width == Width && height == Height) return this;
        var v = new float[width * height];
        var xs = new int[width];
        for (int x = 0; x < width; x++) xs[x] = Math.Min(Width - 1, (int)((x + 0.5) * Width / width));
        for (int y = 0; y < height; y++)
        {
            int sy = Math.Min(Height - 1, (int)((y + 0.5) * Height / height));
            for (int x = 0; x < width; x++) v[y * width + x] = Values[sy * Width + xs[x]];
        }
        return new DepthMap(v, width, height, InvalidPixels);
    }

    /// <summary>
    /// The map for a target of <paramref name="targetWidth"/> x <paramref name="targetHeight"/>: the same size is
    /// kept; a different size with the same aspect ratio (within 2%, e.g. a half-resolution map or a model's
    /// output) is resized (nearest); a different aspect ratio is refused (the map most likely belongs to another
    /// image, and stretching it would misplace every depth edge).
    /// </summary>
    public DepthMap ForTarget(int targetWidth, int targetHeight, string what = "depth map")
    {
        if (targetWidth == Width && targetHeight == Height) return this;
        double a = (double)Width / Height, b = (double)targetWidth / targetHeight;
        if (Math.Abs(a / b - 1) > 0.02)
            throw new InvalidDataException($"{what} is {Width}x{Height} but the target is {targetWidth}x{targetHeight}: the aspect ratios differ " +
                "(a map of another size is only accepted with the target's aspect ratio, and is then resized)");
        return Resized(targetWidth, targetHeight);
    }

    /// <summary>Fits the map (already at the target's size) to the output exactly as <see cref="TargetFit"/> fits the target.</summary>
    public DepthMap FitToOutput(int outputWidth, int outputHeight)
    {
        var r = TargetFit.CropRectangle(Width, Height, outputWidth, outputHeight);
        DepthMap cropped = this;
        if (r.X != 0 || r.Y != 0 || r.Width != Width || r.Height != Height)
        {
            var v = new float[r.Width * r.Height];
            for (int y = 0; y < r.Height; y++)
                Array.Copy(Values, (r.Y + y) * Width + r.X, v, y * r.Width, r.Width);
            cropped = new DepthMap(v, r.Width, r.Height, InvalidPixels);
        }
        return cropped.Resized(outputWidth, outputHeight);
    }

    private static DepthMap Build(ReadOnlySpan<float> input, int width, int height, bool disparity)
    {
        CheckSize(width, height);
        int n = width * height;
        if (input.Length != n) throw new ArgumentException($"expected {n} values for {width}x{height}, got {input.Length}");
        var v = new float[n];
        var valid = new bool[n];
        int invalid = 0;
        for (int i = 0; i < n; i++)
        {
            float x = input[i];
            float z = disparity ? 1f / x : x;
            if (float.IsFinite(x) && x > 0 && float.IsFinite(z) && z > 0) { v[i] = z; valid[i] = true; }
            else invalid++;
        }
        if (invalid == n)
            throw new InvalidDataException(disparity
                ? "the disparity map has no valid pixel (disparity must be > 0; zero or negative means unknown)"
                : "the depth map has no valid pixel (depth must be > 0; zero means unknown)");
        if (invalid > 0) FillInvalid(v, valid, width, height);
        return new DepthMap(v, width, height, invalid);
    }

    /// <summary>Multi-source BFS from the valid pixels: each invalid pixel takes the value of the pixel it was reached from.</summary>
    private static void FillInvalid(float[] v, bool[] valid, int width, int height)
    {
        int n = v.Length;
        var queue = new int[n];
        int head = 0, tail = 0;
        for (int i = 0; i < n; i++) if (valid[i]) queue[tail++] = i;
        while (head < tail)
        {
            int i = queue[head++];
            int x = i % width, y = i / width;
            void Visit(int j)
            {
                if (valid[j]) return;
                valid[j] = true;
                v[j] = v[i];
                queue[tail++] = j;
            }
            if (x > 0) Visit(i - 1);
            if (x + 1 < width) Visit(i + 1);
            if (y > 0) Visit(i - width);
            if (y + 1 < height) Visit(i + width);
        }
    }

    private static void CheckSize(int width, int height)
    {
        if (width < 1 || height < 1 || (long)width * height > int.MaxValue / 4)
            throw new ArgumentOutOfRangeException(nameof(width), $"invalid depth map size {width}x{height}");
    }
}
