using System.Diagnostics;
using CamReview.Pipeline.Score;
using CamReview.Vision;

namespace CamReview.Pipeline.Tests;

/// <summary>Lossless test clips: raw BGR frames stored uncompressed (rawvideo bgr24 in AVI), so decoding gives the exact bytes back.</summary>
public static class LosslessClips
{
    public static string Write(string path, int width, int height, IEnumerable<byte[]> framesBgr, double fps = 10)
    {
        var info = new ProcessStartInfo("ffmpeg")
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", $"{width}x{height}",
                     "-r", fps.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", "pipe:0",
                     "-c:v", "rawvideo", "-pix_fmt", "bgr24", path,
                 })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using (var stdin = process.StandardInput.BaseStream)
            foreach (var frame in framesBgr)
                stdin.Write(frame);
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed: {stderr.Result}");
        return path;
    }

    public static byte[] Constant(int width, int height, byte b, byte g, byte r)
    {
        var frame = new byte[width * height * 3];
        for (int i = 0; i < frame.Length; i += 3) (frame[i], frame[i + 1], frame[i + 2]) = (b, g, r);
        return frame;
    }
}

/// <summary>VBench temporal flickering, (255 - mean |f_i+1 - f_i|) / 255 on all pixels and channels, against hand-computed values.</summary>
public sealed class FlickerTests
{
    private const int W = 64, H = 48;

    // A: a fixed pattern. B: A with the blue channel raised by 51 in the top half (24 of 48 rows).
    // mean |A - B| over all W*H*3 values = 51 * (W * 24) / (W * H * 3) = 51 / 6 = 8.5, so flicker = (255 - 8.5) / 255.
    private static (byte[] A, byte[] B) KnownPair()
    {
        var a = new byte[W * H * 3];
        for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
        {
            int i = (y * W + x) * 3;
            (a[i], a[i + 1], a[i + 2]) = ((byte)(x * 2), (byte)(y * 3), (byte)((x + y) % 200));
        }
        var b = (byte[])a.Clone();
        for (int y = 0; y < H / 2; y++)
        for (int x = 0; x < W; x++)
            b[(y * W + x) * 3] += 51; // x * 2 <= 126, no overflow
        return (a, b);
    }

    private const double KnownMad = 8.5;

    [Fact]
    public void AConstantClipScoresExactlyOne()
    {
        var meter = new FlickerMeter();
        byte[] frame = LosslessClips.Constant(W, H, 10, 128, 250);
        for (int i = 0; i < 6; i++)
        {
            using var image = Image.FromBgr(frame, W, H);
            meter.Add(image);
        }
        var result = meter.Result();
        Assert.Equal(1.0, result.Value);
        Assert.Equal(0.0, result.MeanAbsDiff);
        Assert.Equal(5, result.Pairs);
        Assert.Null(result.Reason);
    }

    [Fact]
    public void AlternatingFramesGiveTheHandComputedValue()
    {
        var (a, b) = KnownPair();
        Assert.Equal(KnownMad, FlickerMeter.MeanAbsDiff(a, b), 12);
        var meter = new FlickerMeter();
        for (int i = 0; i < 7; i++)
        {
            using var image = Image.FromBgr(i % 2 == 0 ? a : b, W, H);
            meter.Add(image);
        }
        var result = meter.Result();
        Assert.Equal((255 - KnownMad) / 255, result.Value!.Value, 12);
        Assert.Equal(6, result.Pairs);
        Assert.All(result.PerPair, d => Assert.Equal(KnownMad, d, 12));
        Assert.Equal(FlickerResult.PixelsCompared, result.Pixels);
    }

    [Fact]
    public void TheDecodePassMeasuresFlickerOnAllFramesOfAFile()
    {
        using var dir = new SyntheticClips.TempFolder();
        var (a, b) = KnownPair();
        string alternating = LosslessClips.Write(dir.File("alternating.avi"), W, H, [a, b, a, b, a]);
        string constant = LosslessClips.Write(dir.File("constant.avi"), W, H, Enumerable.Repeat(a, 4));

        var flicker = SceneSimilarity.Compute(alternating).Flicker;
        Assert.Equal(4, flicker.Pairs);
        Assert.Equal((255 - KnownMad) / 255, flicker.Value!.Value, 12);
        Assert.Equal(1.0, SceneSimilarity.Compute(constant).Flicker.Value);
    }

    [Fact]
    public void SimdMatchesScalarOnOddLengths()
    {
        var random = new Random(5);
        foreach (int length in new[] { 1, 15, 16, 17, 1000, 4099 })
        {
            var a = new byte[length];
            var b = new byte[length];
            random.NextBytes(a);
            random.NextBytes(b);
            double expected = a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Average();
            Assert.Equal(expected, FlickerMeter.MeanAbsDiff(a, b), 10);
        }
    }

    [Fact]
    public void TooFewFramesOrASizeChangeGiveNullWithAReason()
    {
        var single = new FlickerMeter();
        using (var image = Image.Filled(W, H, 3, 7)) single.Add(image);
        var one = single.Result();
        Assert.Null(one.Value);
        Assert.Contains("at least 2 frames", one.Reason);

        var changing = new FlickerMeter();
        using (var first = Image.Filled(W, H, 3, 7)) changing.Add(first);
        using (var second = Image.Filled(W + 2, H, 3, 7)) changing.Add(second);
        var changed = changing.Result();
        Assert.Null(changed.Value);
        Assert.Contains("frame size changed at frame 1", changed.Reason);
    }
}
