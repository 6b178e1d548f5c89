using System.Buffers.Binary;
using System.IO.Compression;

namespace CamReview.Pipeline.Depth;

/// <summary>
/// A small managed PNG reader/writer for depth maps: 8- and 16-bit samples (OpenCV's default imread would reduce
/// 16-bit maps to 8 bits). Reads non-interlaced greyscale (type 0), greyscale+alpha (4), RGB (2) and RGBA (6) at bit
/// depth 8 or 16, returning the FIRST channel (a grey map saved as RGB has R = G = B; alpha is ignored) as raw
/// integer values; palette and interlaced images are refused with a clear message. Writes 8/16-bit greyscale.
/// </summary>
public static class DepthPng
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>True when the file starts with the PNG signature.</summary>
    public static bool IsPng(ReadOnlySpan<byte> head) => head.Length >= 8 && head[..8].SequenceEqual(Signature);

    /// <summary>Decoded first channel: raw values (0..255 or 0..65535), row-major.</summary>
    public sealed record Decoded(int Width, int Height, int BitDepth, int Channels, ushort[] Values);

    public static Decoded Read(byte[] file)
    {
        if (!IsPng(file)) throw new InvalidDataException("not a PNG file");
        int pos = 8, width = 0, height = 0, bitDepth = 0, colorType = -1;
        using var idat = new MemoryStream();
        bool ended = false;
        while (pos + 8 <= file.Length && !ended)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(file, pos + 4, 4);
            if (len < 0 || pos + 12 + (long)len > file.Length) throw new InvalidDataException("PNG is truncated");
            var data = file.AsSpan(pos + 8, len);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    bitDepth = data[8];
                    colorType = data[9];
                    if (data[12] != 0) throw new InvalidDataException("interlaced PNG depth maps are not supported");
                    break;
                case "IDAT": idat.Write(data); break;
                case "IEND": ended = true; break;
            }
            pos += 12 + len;
        }
        if (width <= 0 || height <= 0) throw new InvalidDataException("PNG has no valid IHDR");
        int channels = colorType switch
        {
            0 => 1, 4 => 2, 2 => 3, 6 => 4,
            3 => throw new InvalidDataException("palette PNG depth maps are not supported (save it as greyscale)"),
            _ => throw new InvalidDataException($"unknown PNG colour type {colorType}"),
        };
        if (bitDepth is not (8 or 16)) throw new InvalidDataException($"PNG bit depth {bitDepth} is not supported (use 8 or 16)");
        int bpp = channels * bitDepth / 8;
        long stride = (long)width * bpp;
        long need = (stride + 1) * height;
        if (need > int.MaxValue) throw new InvalidDataException("PNG is too large");
        var raw = new byte[need];
        idat.Position = 0;
        using (var z = new ZLibStream(idat, CompressionMode.Decompress))
        {
            int read = 0;
            try
            {
                while (read < raw.Length)
                {
                    int n = z.Read(raw, read, raw.Length - read);
                    if (n == 0) break;
                    read += n;
                }
            }
            catch (InvalidDataException e) { throw new InvalidDataException($"PNG image data is corrupt: {e.Message}"); }
            if (read < raw.Length) throw new InvalidDataException("PNG image data is truncated");
        }
        int s = (int)stride;
        var prev = new byte[s];
        var cur = new byte[s];
        var values = new ushort[width * height];
        for (int y = 0; y < height; y++)
        {
            int rowStart = y * (s + 1);
            byte filter = raw[rowStart];
            Buffer.BlockCopy(raw, rowStart + 1, cur, 0, s);
            Unfilter(filter, cur, prev, bpp);
            for (int x = 0; x < width; x++)
            {
                int o = x * bpp;
                values[y * width + x] = bitDepth == 8 ? cur[o] : (ushort)(cur[o] << 8 | cur[o + 1]);
            }
            (prev, cur) = (cur, prev);
        }
        return new Decoded(width, height, bitDepth, channels, values);
    }

    private static void Unfilter(byte filter, byte[] cur, byte[] prev, int bpp)
    {
        int n = cur.Length;
        switch (filter)
        {
            case 0: break;
            case 1: for (int i = bpp; i < n; i++) cur[i] += cur[i - bpp]; break;
            case 2: for (int i = 0; i < n; i++) cur[i] += prev[i]; break;
            case 3:
                for (int i = 0; i < n; i++) cur[i] += (byte)(((i >= bpp ? cur[i - bpp] : 0) + prev[i]) >> 1);
                break;
            case 4:
                for (int i = 0; i < n; i++)
                {
                    int a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
                    int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                    cur[i] += (byte)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
                }
                break;
            default: throw new InvalidDataException($"PNG uses unknown row filter {filter}");
        }
    }

    /// <summary>Writes a greyscale PNG with 8- or 16-bit samples (values above 255 need 16 bits).</summary>
    public static void WriteGray(string path, ReadOnlySpan<ushort> values, int width, int height, int bitDepth)
    {
        if (bitDepth is not (8 or 16)) throw new ArgumentOutOfRangeException(nameof(bitDepth), bitDepth, "8 or 16");
        if (values.Length != width * height) throw new ArgumentException("values must hold width x height samples");
        int bps = bitDepth / 8, stride = width * bps;
        var raw = new byte[(stride + 1) * height];
        for (int y = 0; y < height; y++)
        {
            int o = y * (stride + 1) + 1;
            for (int x = 0; x < width; x++)
            {
                ushort v = values[y * width + x];
                if (bitDepth == 8)
                {
                    if (v > 255) throw new ArgumentException("8-bit PNG values must be at most 255");
                    raw[o + x] = (byte)v;
                }
                else { raw[o + 2 * x] = (byte)(v >> 8); raw[o + 2 * x + 1] = (byte)v; }
            }
        }
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) z.Write(raw);
        using var f = File.Create(path);
        f.Write(Signature);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)bitDepth;
        Chunk(f, "IHDR", ihdr);
        Chunk(f, "IDAT", compressed.ToArray());
        Chunk(f, "IEND", []);
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> b4 = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b4, data.Length);
        s.Write(b4);
        var t = System.Text.Encoding.ASCII.GetBytes(type);
        s.Write(t);
        s.Write(data);
        uint crc = Crc(t, 0xFFFFFFFFu);
        crc = Crc(data, crc) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(b4, crc);
        s.Write(b4);
    }

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    private static uint Crc(ReadOnlySpan<byte> data, uint crc)
    {
        foreach (byte b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }
}
