using CamReview.Web.Media;
using CamReview.Vision;

namespace CamReview.Web.Tests;

/// <summary>Sniffing and header sizes (no portal): the checks that run before anything is decoded.</summary>
public sealed class MediaSnifferTests
{
    [Theory]
    [InlineData("png", MediaFormat.Png)]
    [InlineData("jpg", MediaFormat.Jpeg)]
    [InlineData("webp", MediaFormat.WebP)]
    public void ImagesWrittenByOpenCvAreSniffedAndTheirHeaderSizeRead(string extension, MediaFormat format)
    {
        var path = Path.Combine(Path.GetTempPath(), $"sniff-{Guid.NewGuid():N}.{extension}");
        try
        {
            using (var image = Image.Filled(123, 45, 3, 90)) image.Save(path);
            var bytes = File.ReadAllBytes(path);
            Assert.Equal((format, (string?)null), MediaSniffer.Sniff(bytes));
            using var stream = new MemoryStream(bytes);
            Assert.Equal((123, 45, (string?)null), MediaSniffer.ReadImageSize(stream, format));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AJpegFrameHeaderIsFoundBehindLargeMetadataSegments()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sniff-{Guid.NewGuid():N}.jpg");
        byte[] jpeg;
        try
        {
            using (var image = Image.Filled(64, 33, 3, 10)) image.Save(path);
            jpeg = File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
        // SOI, then two 60 KB APP1 segments (as EXIF/XMP would be), then the rest of the original file.
        var app1 = new byte[60_000];
        app1[0] = 0xFF;
        app1[1] = 0xE1;
        app1[2] = (byte)((app1.Length - 2) >> 8);
        app1[3] = (byte)((app1.Length - 2) & 0xFF);
        byte[] padded = [.. jpeg[..2], .. app1, .. app1, .. jpeg[2..]];
        using var stream = new MemoryStream(padded);
        Assert.Equal((64, 33, (string?)null), MediaSniffer.ReadImageSize(stream, MediaFormat.Jpeg));
    }

    [Fact]
    public void HostileHeadersAreRecognisedBeforeDecoding()
    {
        using (var bomb = new MemoryStream(TestMedia.PngBomb(100_000, 100_000)))
            Assert.Equal((100_000, 100_000, (string?)null), MediaSniffer.ReadImageSize(bomb, MediaFormat.Png));
        using (var zero = new MemoryStream(TestMedia.PngBomb(0, 10)))
            Assert.Contains("impossible size", MediaSniffer.ReadImageSize(zero, MediaFormat.Png).Problem);
        using (var noFrame = new MemoryStream([0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02]))
            Assert.Contains("no frame header", MediaSniffer.ReadImageSize(noFrame, MediaFormat.Jpeg).Problem);
        using (var cut = new MemoryStream([0xFF, 0xD8, 0xFF, 0xE0, 0x10]))
            Assert.NotNull(MediaSniffer.ReadImageSize(cut, MediaFormat.Jpeg).Problem);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6F, 0x6D }, MediaFormat.Mp4)]     // ftyp isom
    [InlineData(new byte[] { 0, 0, 0, 0x14, 0x66, 0x74, 0x79, 0x70, 0x71, 0x74, 0x20, 0x20 }, MediaFormat.QuickTime)] // ftyp qt
    [InlineData(new byte[] { 0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84, 0x77, 0x65, 0x62, 0x6D }, MediaFormat.WebM)]
    [InlineData(new byte[] { 0x1A, 0x45, 0xDF, 0xA3, 0xA3, 0x42, 0x82, 0x88, 0x6D, 0x61, 0x74, 0x72, 0x6F, 0x73, 0x6B, 0x61 }, MediaFormat.Matroska)]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x41, 0x56, 0x49, 0x20 }, MediaFormat.Avi)]
    public void VideoContainersAreSniffedFromTheirMagicBytes(byte[] head, MediaFormat format) =>
        Assert.Equal(format, MediaSniffer.Sniff(head).Format);

    [Theory]
    [InlineData("ftypheic", "HEIF")]
    [InlineData("ftypavif", "AVIF")]
    [InlineData("%PDF-1.7", "PDF")]
    [InlineData("<html><body>", "not a recognised image or video")]
    public void OtherFilesAreNamedInTheRefusal(string start, string said)
    {
        byte[] head = start.StartsWith("ftyp") ? [0, 0, 0, 0x18, .. System.Text.Encoding.ASCII.GetBytes(start)] : System.Text.Encoding.ASCII.GetBytes(start);
        var (format, problem) = MediaSniffer.Sniff(head);
        Assert.Null(format);
        Assert.Contains(said, problem);
    }

    [Theory]
    [InlineData("../../etc/passwd", "passwd.png")]
    [InlineData("..\\..\\windows\\win.ini", "win.png")]
    [InlineData("clip\u0000.png", "clip.png")]
    [InlineData("my\u202Egnp.exe", "mygnp.png")]
    [InlineData("  spaced\tout   name.png ", "spaced out name.png")]
    [InlineData("..", "upload.png")]
    [InlineData("", "upload.png")]
    [InlineData(null, "upload.png")]
    [InlineData("Ünïcødé – fine.png", "Ünïcødé – fine.png")]
    [InlineData("photo.exe", "photo.png")]
    [InlineData("photo.PNG", "photo.PNG")]
    [InlineData("photo.png.exe", "photo.png.png")]
    [InlineData("report.html", "report.png")]
    [InlineData("no extension", "no extension.png")]
    [InlineData("v1.5 final", "v1.5 final.png")]
    public void DisplayNamesAreCleanedAndTakeTheSniffedExtension(string? name, string expected) => Assert.Equal(expected, DisplayNames.ForUpload(name, MediaFormat.Png));

    [Theory]
    [InlineData("IMG_1.JPEG", MediaFormat.Jpeg, "IMG_1.JPEG")]
    [InlineData("IMG_1.jpg", MediaFormat.Jpeg, "IMG_1.jpg")]
    [InlineData("clip.mp4", MediaFormat.WebM, "clip.webm")]
    [InlineData("clip.exe", MediaFormat.Mp4, "clip.mp4")]
    [InlineData("clip.svg", MediaFormat.QuickTime, "clip.mov")]
    public void TheExtensionIsTheSniffedFormats(string name, MediaFormat format, string expected) => Assert.Equal(expected, DisplayNames.ForUpload(name, format));

    [Fact]
    public void ARefusedFileIsNamedAsUploaded() => Assert.Equal("clip.mp4", DisplayNames.ForUpload("dir/clip.mp4", null));

    [Theory]
    [InlineData("org/model · Pair 1", "org\u2215model · Pair 1.mp4")]
    [InlineData("homography pan-left 0.5°/f (black) · p", "homography pan-left 0.5°\u2215f (black) · p.mp4")]
    [InlineData("CamMimic\\v2/large · p", "CamMimic\u2216v2\u2215large · p.mp4")]
    [InlineData("ReCamMaster v1.5 · street", "ReCamMaster v1.5 · street.mp4")]
    [InlineData("odd.exe", "odd.mp4")]
    [InlineData(" \u0007 ", "output.mp4")]
    public void LabelsKeepTheirTextAndTakeTheFormatsExtension(string label, string expected) => Assert.Equal(expected, DisplayNames.ForLabel(label, MediaFormat.Mp4));
}
