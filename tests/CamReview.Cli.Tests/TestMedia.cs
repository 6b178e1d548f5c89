using CamReview.Vision;

namespace CamReview.Cli.Tests;

/// <summary>Media made by the tests: procedural textured images (rich in corners, so features are plentiful)
/// in a folder of their own.</summary>
public sealed class TestMedia : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("camreview-cli-").FullName;

    public string File(string name) => Path.Combine(Dir, name);

    /// <summary>A PNG of random overlapping rectangles and ellipses on noise; the seed fixes the content.</summary>
    public string TexturedImage(string name, int width, int height, int seed)
    {
        var random = new Random(seed);
        var bgr = new byte[width * height * 3];
        random.NextBytes(bgr);
        for (int shape = 0; shape < width * height / 900; shape++)
        {
            int cx = random.Next(width), cy = random.Next(height), rx = random.Next(4, 40), ry = random.Next(4, 40);
            bool ellipse = random.Next(2) == 0;
            byte b = (byte)random.Next(256), g = (byte)random.Next(256), r = (byte)random.Next(256);
            for (int y = Math.Max(0, cy - ry); y < Math.Min(height, cy + ry); y++)
                for (int x = Math.Max(0, cx - rx); x < Math.Min(width, cx + rx); x++)
                {
                    double dx = (x - cx) / (double)rx, dy = (y - cy) / (double)ry;
                    if (ellipse && dx * dx + dy * dy > 1) continue;
                    int i = (y * width + x) * 3;
                    (bgr[i], bgr[i + 1], bgr[i + 2]) = (b, g, r);
                }
        }
        var path = File(name);
        using var image = Image.FromBgr(bgr, width, height);
        image.Save(path);
        return path;
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
