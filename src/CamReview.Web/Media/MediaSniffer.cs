using System.Buffers.Binary;
using System.Text;

namespace CamReview.Web.Media;

public enum MediaFormat { Png, Jpeg, WebP, Mp4, QuickTime, WebM, Matroska, Avi }

public static class MediaFormats
{
    public static bool IsVideo(this MediaFormat format) => format is MediaFormat.Mp4 or MediaFormat.QuickTime or MediaFormat.WebM or MediaFormat.Matroska or MediaFormat.Avi;

    public static string MediaType(this MediaFormat format) => format switch
    {
        MediaFormat.Png => "image/png",
        MediaFormat.Jpeg => "image/jpeg",
        MediaFormat.WebP => "image/webp",
        MediaFormat.Mp4 => "video/mp4",
        MediaFormat.QuickTime => "video/quicktime",
        MediaFormat.WebM => "video/webm",
        MediaFormat.Matroska => "video/x-matroska",
        MediaFormat.Avi => "video/x-msvideo",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static string Describe(this MediaFormat format) => format switch
    {
        MediaFormat.Png => "a PNG image",
        MediaFormat.Jpeg => "a JPEG image",
        MediaFormat.WebP => "a WebP image",
        MediaFormat.Mp4 => "an MP4 video",
        MediaFormat.QuickTime => "a QuickTime (MOV) video",
        MediaFormat.WebM => "a WebM video",
        MediaFormat.Matroska => "a Matroska (MKV) video",
        MediaFormat.Avi => "an AVI video",
        _ => format.ToString(),
    };
}

/// <summary>What a file is, from its first bytes (never from its name or the declared content type). Only the
/// formats listed in <see cref="MediaFormat"/> are accepted; a few others are recognised to say so clearly.</summary>
public static class MediaSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> looks at.</summary>
    public const int HeadLength = 4096;

    // Not a UTF-8 literal: 0x89 is not ASCII.
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public const string Accepted = "PNG, JPEG or WebP images; MP4, MOV, WebM, MKV or AVI videos";

    /// <summary>The format, or null with a message saying what the file seems to be.</summary>
    public static (MediaFormat? Format, string? Problem) Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(PngSignature)) return (MediaFormat.Png, null);
        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) return (MediaFormat.Jpeg, null);
        if (head.Length >= 12 && head.StartsWith("RIFF"u8))
        {
            var type = head.Slice(8, 4);
            if (type.SequenceEqual("WEBP"u8)) return (MediaFormat.WebP, null);
            if (type.SequenceEqual("AVI "u8)) return (MediaFormat.Avi, null);
            return (null, "a RIFF file that is neither WebP nor AVI");
        }
        if (head.Length >= 12 && head.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            var brand = Encoding.ASCII.GetString(head.Slice(8, 4));
            if (brand is "avif" or "avis") return (null, "an AVIF image (not supported: convert it to PNG or JPEG)");
            if (brand is "heic" or "heix" or "heim" or "heis" or "hevc" or "hevx" or "mif1" or "msf1")
                return (null, "a HEIF/HEIC image (not supported: convert it to PNG or JPEG)");
            return (brand == "qt  " ? MediaFormat.QuickTime : MediaFormat.Mp4, null);
        }
        if (head.StartsWith(new byte[] { 0x1A, 0x45, 0xDF, 0xA3 }))
        {
            // The EBML header names the document type near the start ("webm" or "matroska").
            var start = head[..Math.Min(head.Length, 64)];
            return (start.IndexOf("webm"u8) >= 0 ? MediaFormat.WebM : MediaFormat.Matroska, null);
        }
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)) return (null, "a GIF image (not supported: convert it to PNG, or to a video)");
        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8)) return (null, "a TIFF image (not supported: convert it to PNG)");
        if (head.StartsWith("%PDF"u8)) return (null, "a PDF document");
        if (head.StartsWith("PK\x03\x04"u8)) return (null, "a ZIP archive");
        if (head.IsEmpty) return (null, "empty");
        return (null, "not a recognised image or video");
    }

    /// <summary>Width and height from an image file's header, without decoding it: PNG's IHDR, JPEG's SOFn
    /// segment, WebP's VP8/VP8L/VP8X header. Null with a reason when the header is missing or malformed.</summary>
    public static (int Width, int Height, string? Problem) ReadImageSize(Stream stream, MediaFormat format) => format switch
    {
        MediaFormat.Png => PngSize(stream),
        MediaFormat.Jpeg => JpegSize(stream),
        MediaFormat.WebP => WebPSize(stream),
        _ => throw new ArgumentOutOfRangeException(nameof(format), "not an image format"),
    };

    private static (int, int, string?) PngSize(Stream stream)
    {
        Span<byte> header = stackalloc byte[24];
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length) return (0, 0, "the PNG header is cut short");
        // signature (8), IHDR length (4) = 13, "IHDR", width, height (big-endian)
        if (BinaryPrimitives.ReadUInt32BigEndian(header[8..]) != 13 || !header.Slice(12, 4).SequenceEqual("IHDR"u8))
            return (0, 0, "the PNG has no IHDR header");
        var width = BinaryPrimitives.ReadUInt32BigEndian(header[16..]);
        var height = BinaryPrimitives.ReadUInt32BigEndian(header[20..]);
        return Checked(width, height);
    }

    private static (int, int, string?) JpegSize(Stream stream)
    {
        const int maxSegments = 4096;
        if (stream.ReadByte() != 0xFF || stream.ReadByte() != 0xD8) return (0, 0, "the JPEG has no start marker");
        for (var segment = 0; segment < maxSegments; segment++)
        {
            int b;
            // Find the next marker: 0xFF (possibly several, as fill) followed by the marker code.
            do { b = stream.ReadByte(); } while (b is >= 0 and not 0xFF);
            do { b = stream.ReadByte(); } while (b == 0xFF);
            if (b < 0) break;
            var marker = b;
            if (marker is >= 0xD0 and <= 0xD7 or 0x01 or 0x00) continue; // no length
            if (marker is 0xD9 or 0xDA) return (0, 0, "the JPEG has no frame header before its image data");
            int hi = stream.ReadByte(), lo = stream.ReadByte();
            if (hi < 0 || lo < 0) break;
            var length = (hi << 8) | lo;
            if (length < 2) return (0, 0, "the JPEG has a malformed segment");
            var isFrame = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (isFrame)
            {
                Span<byte> frame = stackalloc byte[5];
                if (stream.ReadAtLeast(frame, 5, throwOnEndOfStream: false) < 5) break;
                int height = (frame[1] << 8) | frame[2], width = (frame[3] << 8) | frame[4];
                return Checked((uint)width, (uint)height);
            }
            if (stream.CanSeek) stream.Seek(length - 2, SeekOrigin.Current);
            else for (var i = 0; i < length - 2 && stream.ReadByte() >= 0; i++) { }
        }
        return (0, 0, "the JPEG header is cut short");
    }

    private static (int, int, string?) WebPSize(Stream stream)
    {
        Span<byte> header = stackalloc byte[30];
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length) return (0, 0, "the WebP header is cut short");
        var chunk = header.Slice(12, 4);
        if (chunk.SequenceEqual("VP8 "u8))
        {
            // Lossy: frame tag (3), start code 9D 01 2A, then 14-bit width and height.
            if (header[23] != 0x9D || header[24] != 0x01 || header[25] != 0x2A) return (0, 0, "the WebP (VP8) header is malformed");
            return Checked(BinaryPrimitives.ReadUInt16LittleEndian(header[26..]) & 0x3FFFu, BinaryPrimitives.ReadUInt16LittleEndian(header[28..]) & 0x3FFFu);
        }
        if (chunk.SequenceEqual("VP8L"u8))
        {
            if (header[20] != 0x2F) return (0, 0, "the WebP (VP8L) header is malformed");
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(header[21..]);
            return Checked((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
        }
        if (chunk.SequenceEqual("VP8X"u8))
        {
            if ((header[20] & 0x02) != 0) return (0, 0, "animated WebP is not supported (upload it as a video)");
            uint width = (uint)(header[24] | header[25] << 8 | header[26] << 16) + 1;
            uint height = (uint)(header[27] | header[28] << 8 | header[29] << 16) + 1;
            return Checked(width, height);
        }
        return (0, 0, "the WebP has no image header");
    }

    private static (int, int, string?) Checked(uint width, uint height) =>
        width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue
            ? (0, 0, $"the header declares an impossible size ({width}x{height})")
            : ((int)width, (int)height, null);
}
