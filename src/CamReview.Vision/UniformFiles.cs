using System.Buffers.Binary;
using System.Text;

namespace CamReview.Vision;

/// <summary>Makes files of one kind the same size without changing what they show: an MP4 gets a <c>free</c> box at
/// its end (ISO/IEC 14496-12: a box players skip), a JPEG comment segments after its start marker (ignored by
/// decoders). Their padding is zeros.</summary>
public static class UniformFiles
{
    /// <summary>The smallest padding an MP4 takes: a free box is at least its 8-byte header.</summary>
    public const int Mp4MinPadding = 8;

    /// <summary>The smallest padding a JPEG takes: a comment segment's marker and length.</summary>
    public const int JpegMinPadding = 4;

    private const int JpegSegmentMax = 2 + ushort.MaxValue;

    /// <summary>Appends a free box so that the file has <paramref name="size"/> bytes (at least
    /// <see cref="Mp4MinPadding"/> more than now).</summary>
    public static void PadMp4(string path, long size)
    {
        var length = new FileInfo(path).Length;
        var padding = size - length;
        if (padding < Mp4MinPadding) throw new ArgumentException($"An MP4 of {length} bytes cannot be padded to {size} bytes (a free box takes {Mp4MinPadding} or more)");
        if (padding > uint.MaxValue) throw new ArgumentException($"{padding} bytes of padding do not fit in one box");
        using var file = new FileStream(path, FileMode.Append, FileAccess.Write);
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)padding);
        "free"u8.CopyTo(header[4..]);
        file.Write(header);
        file.Write(new byte[padding - 8]);
    }

    /// <summary>Inserts comment segments after the start-of-image marker so that the file has <paramref name="size"/>
    /// bytes (at least <see cref="JpegMinPadding"/> more than now).</summary>
    public static void PadJpeg(string path, long size)
    {
        var jpeg = File.ReadAllBytes(path);
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) throw new InvalidDataException($"'{path}' is not a JPEG");
        var padding = size - jpeg.Length;
        if (padding < JpegMinPadding) throw new ArgumentException($"A JPEG of {jpeg.Length} bytes cannot be padded to {size} bytes (a comment segment takes {JpegMinPadding} or more)");
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        file.Write(jpeg, 0, 2);
        while (padding > 0)
        {
            var segment = (int)Math.Min(padding, JpegSegmentMax);
            // A rest too small for a segment of its own goes into this one's neighbour.
            if (padding - segment is > 0 and < JpegMinPadding) segment -= JpegMinPadding;
            var bytes = new byte[segment];
            bytes[0] = 0xFF;
            bytes[1] = 0xFE;
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)(segment - 2));
            file.Write(bytes);
            padding -= segment;
        }
        file.Write(jpeg, 2, jpeg.Length - 2);
    }

    /// <summary>Zeroes the compressor name of every visual sample entry (moov/trak/mdia/minf/stbl/stsd), where muxers
    /// write the encoder's name ("Lavc libx264"). Returns how many entries it blanked.</summary>
    public static int BlankCompressorName(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var blanked = 0;
        foreach (var (moovStart, moovEnd) in Boxes(file, 0, file.Length, "moov"))
        foreach (var (trakStart, trakEnd) in Boxes(file, moovStart, moovEnd, "trak"))
        foreach (var (mdiaStart, mdiaEnd) in Boxes(file, trakStart, trakEnd, "mdia"))
        foreach (var (minfStart, minfEnd) in Boxes(file, mdiaStart, mdiaEnd, "minf"))
        foreach (var (stblStart, stblEnd) in Boxes(file, minfStart, minfEnd, "stbl"))
        foreach (var (stsdStart, stsdEnd) in Boxes(file, stblStart, stblEnd, "stsd"))
        {
            // stsd is a full box (version and flags, 4 bytes) with an entry count (4 bytes) before its entries.
            foreach (var (entryStart, entryEnd) in Boxes(file, stsdStart + 8, stsdEnd, null))
            {
                // VisualSampleEntry: 8 reserved/index bytes, 16 predefined, width and height, resolutions, reserved,
                // frame count (42 bytes after the header), then the 32-byte compressor name.
                const int nameOffset = 42;
                if (entryEnd - entryStart < nameOffset + 32) continue;
                file.Position = entryStart + nameOffset;
                file.Write(new byte[32]);
                blanked++;
            }
        }
        return blanked;
    }

    /// <summary>The contents (after the header) of the boxes of a type (null: any) between two offsets.</summary>
    private static IEnumerable<(long Start, long End)> Boxes(FileStream file, long start, long end, string? type)
    {
        var header = new byte[16];
        var position = start;
        while (position + 8 <= end)
        {
            file.Position = position;
            file.ReadExactly(header, 0, 8);
            long size = BinaryPrimitives.ReadUInt32BigEndian(header);
            var headerSize = 8;
            if (size == 1)
            {
                file.ReadExactly(header, 8, 8);
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(8));
                headerSize = 16;
            }
            else if (size == 0) size = end - position;
            if (size < headerSize || position + size > end) throw new InvalidDataException($"A damaged MP4 box at byte {position}");
            var name = Encoding.ASCII.GetString(header, 4, 4);
            if (type is null || name == type) yield return (position + headerSize, position + size);
            position += size;
        }
    }
}
