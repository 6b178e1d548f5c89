using CamReview.Vision;

namespace CamReview.Pipeline.Score;

/// <summary>
/// The scene encoder used when no ONNX model is configured: a hand-made descriptor of the same
/// <see cref="ScenePreprocessing"/> 224x224 RGB crop, compared by cosine like a learned embedding.
/// <list type="bullet">
/// <item>colour: a joint RGB histogram, 8 bins per channel (512 bins), normalized to sum 1, square-rooted
/// (Hellinger), then L2-normalized;</item>
/// <item>gradients (HOG-like): luma <c>0.299 R + 0.587 G + 0.114 B</c>, central differences, unsigned orientation in
/// 9 bins over [0, 180) degrees with linear vote splitting, magnitude-weighted, in an 8x8 grid of 28x28-pixel cells;
/// each cell L2-normalized (epsilon 1e-6, so flat cells stay zero), then the whole block L2-normalized;</item>
/// <item>the embedding is both blocks weighted <c>sqrt(1/2)</c> each (unit length when both are non-zero).</item>
/// </list>
/// All entries are non-negative, so its cosine lies in [0, 1]: identical crops give 1, unrelated natural images
/// typically 0.3-0.7. The numbers measure colour and layout overlap, not semantic content, and are NOT comparable
/// with DINO cosine similarities; every result that uses it says <c>classical</c>.
/// </summary>
public sealed class ClassicalSceneEncoder : ISceneEncoder
{
    public const string DescriptorName = "rgb-histogram+hog";
    public const int ColourBins = 8;
    public const int OrientationBins = 9;
    public const int CellGrid = 8;

    public static ClassicalSceneEncoder Instance { get; } = new();

    private ClassicalSceneEncoder() { }

    public string Kind => "classical";

    public string Label => $"classical:{DescriptorName}";

    public static int Dimension => ColourBins * ColourBins * ColourBins + CellGrid * CellGrid * OrientationBins;

    public float[] Embed(Image image) => EmbedCrop(ScenePreprocessing.CropRgb(image));

    /// <summary>The descriptor of a 224x224 RGB crop from <see cref="ScenePreprocessing.CropRgb"/>.</summary>
    public float[] EmbedCrop(ReadOnlySpan<byte> rgb)
    {
        const int size = ScenePreprocessing.CropSize, cell = size / CellGrid;
        if (rgb.Length != size * size * 3) throw new ArgumentException($"expected a {size}x{size} RGB crop", nameof(rgb));
        int colourLength = ColourBins * ColourBins * ColourBins;
        var result = new double[Dimension];

        // Colour histogram.
        const int shift = 5; // 256 / 8 = 32 levels per bin
        for (int i = 0; i < size * size; i++)
            result[((rgb[i * 3] >> shift) * ColourBins + (rgb[i * 3 + 1] >> shift)) * ColourBins + (rgb[i * 3 + 2] >> shift)] += 1;
        for (int i = 0; i < colourLength; i++) result[i] = Math.Sqrt(result[i] / (size * size));
        Normalize(result.AsSpan(0, colourLength));

        // Gradient orientation histograms.
        var luma = new double[size * size];
        for (int i = 0; i < size * size; i++) luma[i] = 0.299 * rgb[i * 3] + 0.587 * rgb[i * 3 + 1] + 0.114 * rgb[i * 3 + 2];
        var hog = result.AsSpan(colourLength);
        const double binWidth = 180.0 / OrientationBins;
        for (int y = 1; y < size - 1; y++)
        {
            int cellRow = y / cell * CellGrid;
            for (int x = 1; x < size - 1; x++)
            {
                double gx = luma[y * size + x + 1] - luma[y * size + x - 1];
                double gy = luma[(y + 1) * size + x] - luma[(y - 1) * size + x];
                double magnitude = Math.Sqrt(gx * gx + gy * gy);
                if (magnitude == 0) continue;
                double angle = Math.Atan2(gy, gx) * (180 / Math.PI);
                if (angle < 0) angle += 180;
                if (angle >= 180) angle -= 180;
                double position = angle / binWidth - 0.5; // bin centres at (k + 0.5) * binWidth
                int low = (int)Math.Floor(position);
                double fraction = position - low;
                int offset = (cellRow + x / cell) * OrientationBins;
                hog[offset + (low + OrientationBins) % OrientationBins] += magnitude * (1 - fraction);
                hog[offset + (low + 1) % OrientationBins] += magnitude * fraction;
            }
        }
        for (int c = 0; c < CellGrid * CellGrid; c++) Normalize(hog.Slice(c * OrientationBins, OrientationBins), 1e-6);
        Normalize(hog);

        var embedding = new float[Dimension];
        double half = Math.Sqrt(0.5);
        for (int i = 0; i < Dimension; i++) embedding[i] = (float)(result[i] * half);
        return embedding;
    }

    private static void Normalize(Span<double> v, double epsilon = 0)
    {
        double sum = 0;
        foreach (double x in v) sum += x * x;
        double norm = Math.Sqrt(sum + epsilon * epsilon);
        if (norm == 0) return;
        for (int i = 0; i < v.Length; i++) v[i] /= norm;
    }

    public SceneEncoderInfo Describe() => new()
    {
        Kind = Kind,
        Name = DescriptorName,
        Provider = "managed",
        Device = "cpu",
        Input = $"rgb crop {ScenePreprocessing.CropSize}x{ScenePreprocessing.CropSize}",
        Output = $"{ColourBins}x{ColourBins}x{ColourBins} colour histogram + {CellGrid}x{CellGrid}x{OrientationBins} gradient-orientation histogram",
        Dimension = Dimension,
        Note = "classical fallback (no ONNX encoder configured): colour/gradient-histogram cosine, not comparable with DINO similarities",
    };
}
