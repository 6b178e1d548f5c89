using System.Diagnostics;
using System.Text;
using CamReview.Vision;

namespace CamReview.Vision.Tests;

// A fresh temp directory per test, removed afterwards.
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "camreview-vision-" + Guid.NewGuid().ToString("N")));

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

public static class Tools
{
    // Runs ffmpeg/ffprobe; returns stdout, throws with stderr on failure.
    public static string Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{exe} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result}");
        return stdout;
    }

    // A testsrc clip of exactly `frames` frames.
    public static void MakeClip(string path, int frames, int width = 160, int height = 120, string codecArgs = "-c:v libx264 -pix_fmt yuv420p", bool faststart = false)
    {
        var args = new List<string> { "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", $"testsrc=size={width}x{height}:rate=25", "-frames:v", frames.ToString() };
        args.AddRange(codecArgs.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (faststart) args.AddRange(["-movflags", "+faststart"]);
        args.Add(path);
        Run("ffmpeg", [.. args]);
    }

    // Top-level ISO-BMFF boxes in file order ("ftyp", "moov", "mdat", ...).
    public static List<string> Mp4TopLevelBoxes(string path)
    {
        byte[] bytes = System.IO.File.ReadAllBytes(path);
        var boxes = new List<string>();
        long pos = 0;
        while (pos + 8 <= bytes.Length)
        {
            long size = (uint)(bytes[pos] << 24 | bytes[pos + 1] << 16 | bytes[pos + 2] << 8 | bytes[pos + 3]);
            string type = Encoding.ASCII.GetString(bytes, (int)pos + 4, 4);
            if (size == 1) size = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan((int)pos + 8, 8));
            else if (size == 0) size = bytes.Length - pos;
            if (size < 8) throw new InvalidDataException($"Bad box size {size} at {pos}");
            boxes.Add(type);
            pos += size;
        }
        return boxes;
    }
}

public static class Procedural
{
    // Rich, deterministic texture: random 8x8 checker noise overlaid with random filled discs of random colours.
    public static byte[] TexturedBgr(int width, int height, int seed)
    {
        var rng = new Random(seed);
        var px = new byte[width * height * 3];
        for (int by = 0; by < height; by += 8)
        for (int bx = 0; bx < width; bx += 8)
        {
            byte v = (byte)rng.Next(40, 216);
            for (int y = by; y < Math.Min(by + 8, height); y++)
            for (int x = bx; x < Math.Min(bx + 8, width); x++)
            {
                int i = (y * width + x) * 3;
                px[i] = px[i + 1] = px[i + 2] = v;
            }
        }
        for (int d = 0; d < width * height / 600; d++)
        {
            int cx = rng.Next(width), cy = rng.Next(height), r = rng.Next(3, 28);
            byte b = (byte)rng.Next(256), g = (byte)rng.Next(256), red = (byte)rng.Next(256);
            for (int y = Math.Max(0, cy - r); y < Math.Min(height, cy + r + 1); y++)
            for (int x = Math.Max(0, cx - r); x < Math.Min(width, cx + r + 1); x++)
            {
                if ((x - cx) * (x - cx) + (y - cy) * (y - cy) > r * r) continue;
                int i = (y * width + x) * 3;
                (px[i], px[i + 1], px[i + 2]) = (b, g, red);
            }
        }
        return px;
    }

    // Every pixel distinct in a known way: B = x, G = y, R = (x * 7 + y * 13) mod 256.
    public static byte[] GradientBgr(int width, int height)
    {
        var px = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            int i = (y * width + x) * 3;
            px[i] = (byte)x;
            px[i + 1] = (byte)y;
            px[i + 2] = (byte)((x * 7 + y * 13) & 255);
        }
        return px;
    }
}
