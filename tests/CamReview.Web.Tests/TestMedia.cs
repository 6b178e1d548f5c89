using System.Buffers.Binary;
using System.IO.Compression;
using CamReview.Core;
using CamReview.Pipeline.Render;
using CamReview.Vision;

namespace CamReview.Web.Tests;

/// <summary>Small media made by the tests themselves: a procedural H.264 MP4 (FfmpegVideoWriter), PNGs
/// (OpenCV's encoder), and hostile files built byte by byte.</summary>
public static class TestMedia
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        var folder = Directory.CreateTempSubdirectory("camreview-media-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        };
        return folder;
    });
    private static readonly Lazy<byte[]> Video = new(() => MakeVideo("reference.mp4", 64, 48, 16, phase: 0));
    private static readonly Lazy<byte[]> OtherVideo = new(() => MakeVideo("other.mp4", 64, 48, 12, phase: 40));
    private static readonly Lazy<byte[]> Png = new(() => MakePng("target.png", 80, 60, seed: 1));
    private static readonly Lazy<byte[]> DepthPng = new(() => MakePng("depth.png", 80, 60, seed: 2));
    private static readonly Lazy<byte[]> TinyPng = new(() => MakePng("small.png", 16, 12, seed: 3));

    private static readonly Lazy<byte[]> TexturedPng = new(() => Texture("textured-target.png", 320, 240, seed: 5));
    private static readonly Lazy<byte[]> TexturedClip = new(() => Clip("textured-reference.mp4", TrajectoryPreset.PanRight, 0.8, 16, seed: 3));
    private static readonly Lazy<byte[]> TexturedOutputClip = new(() => Clip("textured-output.mp4", TrajectoryPreset.PanRight, 1.3, 16, seed: 9));

    /// <summary>320x240 PNG full of corners (the demo's texture generator).</summary>
    public static byte[] TexturedTarget => TexturedPng.Value;

    /// <summary>320x240, 16 frames: a textured scene filmed by a camera panning right at 0.8°/frame (a real camera move).</summary>
    public static byte[] TexturedReference => TexturedClip.Value;

    /// <summary>Another scene panning right at 1.3°/frame: an "output made elsewhere" to import.</summary>
    public static byte[] TexturedOutput => TexturedOutputClip.Value;

    /// <summary>A textured 320x240 PNG of its own.</summary>
    public static byte[] UniqueTexture(int seed) => Texture($"texture-{seed}-{Guid.NewGuid():N}.png", 320, 240, seed);

    private static byte[] Texture(string name, int width, int height, int seed)
    {
        var path = Path.Combine(Folder.Value, name);
        using (var image = Demo.DemoContent.Texture(width, height, seed, warm: seed % 2 == 0)) image.Save(path);
        return System.IO.File.ReadAllBytes(path);
    }

    private static byte[] Clip(string name, TrajectoryPreset preset, double speed, int frames, int seed)
    {
        var texture = Path.Combine(Folder.Value, $"{name}.png");
        using (var image = Demo.DemoContent.Texture(640, 480, seed, warm: true)) image.Save(texture);
        var path = Path.Combine(Folder.Value, name);
        new HomographyTransferRenderer().RenderPresetAsync(preset, speed, frames,
            new HomographyRenderOptions { TargetPath = texture, OutputPath = path, Width = 320, Height = 240, Border = BorderPolicy.SafeCrop })
            .GetAwaiter().GetResult();
        return System.IO.File.ReadAllBytes(path);
    }

    /// <summary>64x48, 16 frames at 8 fps: a gradient drifting to the right.</summary>
    public static byte[] ReferenceVideo => Video.Value;
    public static byte[] AnotherVideo => OtherVideo.Value;
    public static byte[] TargetImage => Png.Value;
    public static byte[] DepthMap => DepthPng.Value;
    public static byte[] SmallImage => TinyPng.Value;

    /// <summary>Writes bytes to a file of the given name in the media folder (for browser file inputs).</summary>
    public static string File(string name, byte[] content)
    {
        var path = Path.Combine(Folder.Value, name);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>A PNG whose IHDR declares width x height over a tiny (valid) zlib stream: a decompression bomb if
    /// anything tried to allocate its pixels.</summary>
    public static byte[] PngBomb(uint width = 100_000, uint height = 100_000)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // colour type: RGB
        WriteChunk(png, "IHDR", ihdr);
        using (var zlib = new MemoryStream())
        {
            using (var z = new ZLibStream(zlib, CompressionLevel.SmallestSize, leaveOpen: true)) z.Write(new byte[4096]);
            WriteChunk(png, "IDAT", zlib.ToArray());
        }
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        png.Write(word);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        png.Write(typeBytes);
        png.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32([.. typeBytes, .. data]));
        png.Write(word);
    }

    /// <summary>PNG's CRC-32 (ISO 3309, reflected, polynomial 0xEDB88320), bit by bit.</summary>
    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    private static readonly Lazy<byte[]> BigWorkClip = new(() => MakeBigWorkVideo("work-4096x2304x240.mp4"));

    /// <summary>4096x2304, 240 frames at 30 fps, about half a megabyte: 2.3 billion pixel-frames, over the default
    /// work budget (1920x1080x900) while within every other upload limit. Made by the ffmpeg command: 15 frames of
    /// flat grey encoded once, then their packets copied 16 times (encoding 240 such frames takes far longer).</summary>
    public static byte[] BigWorkVideo => BigWorkClip.Value;

    private static byte[] MakeBigWorkVideo(string name)
    {
        var segment = Path.Combine(Folder.Value, "segment-" + name);
        var path = Path.Combine(Folder.Value, name);
        Ffmpeg("-f", "lavfi", "-i", "color=c=gray:size=4096x2304:rate=30:duration=0.5,format=yuv420p",
            "-c:v", "libx264", "-preset", "ultrafast", "-crf", "51", "-g", "600", segment);
        Ffmpeg("-stream_loop", "15", "-i", segment, "-c", "copy", path);
        return System.IO.File.ReadAllBytes(path);
    }

    /// <summary>A file of OpenCV's samples in Debian's opencv-doc (Megamind.avi, tree.avi, fruits.jpg, ...); null
    /// where the package is not installed.</summary>
    public static string? OpenCvSample(string name)
    {
        var path = Path.Combine("/usr/share/doc/opencv-doc/examples/data", name);
        return System.IO.File.Exists(path) ? path : null;
    }

    /// <summary>A file written by the ffmpeg command: <paramref name="args"/> (inputs, filters, codec), then the output
    /// named <paramref name="name"/>.</summary>
    public static byte[] FromFfmpeg(string name, params string[] args)
    {
        var path = Path.Combine(Folder.Value, $"{Guid.NewGuid():N}-{name}");
        Ffmpeg([.. args, path]);
        return System.IO.File.ReadAllBytes(path);
    }

    private static void Ffmpeg(params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["-hide_banner", "-loglevel", "error", "-y", .. args]) start.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(start)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg {string.Join(' ', args)}: {errors}");
    }

    /// <summary>A video of its own (a different phase gives different bytes), for tests that must not share files.</summary>
    public static byte[] UniqueVideo(int phase) => MakeVideo($"unique-{phase}-{Guid.NewGuid():N}.mp4", 64, 48, 10, phase);

    /// <summary>An 80x60 PNG of its own (each seed gives different bytes).</summary>
    public static byte[] UniqueImage(int seed) => MakePng($"unique-{seed}-{Guid.NewGuid():N}.png", 80, 60, seed);

    private static byte[] MakeVideo(string name, int width, int height, int frames, int phase)
    {
        var path = Path.Combine(Folder.Value, name);
        using (var writer = new FfmpegVideoWriter(path, width, height, 8, new FfmpegEncodeOptions { Preset = "ultrafast" }))
        {
            var bgr = new byte[width * height * 3];
            for (var i = 0; i < frames; i++)
            {
                for (var y = 0; y < height; y++)
                for (var x = 0; x < width; x++)
                {
                    var o = (y * width + x) * 3;
                    bgr[o] = (byte)((x * 4 + i * 3 + phase) & 255);
                    bgr[o + 1] = (byte)((y * 5 + phase) & 255);
                    bgr[o + 2] = (byte)((x + y + i * 7) & 255);
                }
                writer.Write(bgr);
            }
            writer.Complete();
        }
        return System.IO.File.ReadAllBytes(path);
    }

    private static byte[] MakePng(string name, int width, int height, int seed)
    {
        var path = Path.Combine(Folder.Value, name);
        var bgr = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            var o = (y * width + x) * 3;
            bgr[o] = (byte)(x * 3 * seed);
            bgr[o + 1] = (byte)(y * 4);
            bgr[o + 2] = (byte)((x ^ y) * seed);
        }
        using (var image = Image.FromBgr(bgr, width, height)) image.Save(path);
        return System.IO.File.ReadAllBytes(path);
    }
}
