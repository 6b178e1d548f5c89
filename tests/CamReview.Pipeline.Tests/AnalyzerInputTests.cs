using CamReview.Core;
using CamReview.Pipeline.Analyze;
using CamReview.Vision;
using Xunit.Abstractions;

namespace CamReview.Pipeline.Tests;

public class AnalyzerInputTests(ITestOutputHelper output)
{
    [Fact]
    public void Missing_file_is_a_clear_error()
    {
        string path = Path.Combine(Path.GetTempPath(), "camreview-no-such-clip-" + Guid.NewGuid().ToString("N") + ".mp4");
        var e = Assert.Throws<MediaInputException>(() => new ClipAnalyzer().Analyze(path));
        Assert.Equal(MediaProblem.NotFound, e.Problem);
        Assert.Equal($"Video '{path}' not found", e.Message);
    }

    [Fact]
    public void Text_file_named_mp4_is_not_a_video()
    {
        using var dir = new SyntheticClips.TempFolder();
        string path = dir.File("notes.mp4");
        File.WriteAllText(path, "this is not a video\n");
        var e = Assert.Throws<MediaInputException>(() => new ClipAnalyzer().Analyze(path));
        Assert.Equal(MediaProblem.NotMedia, e.Problem);
        Assert.Equal($"'{path}' cannot be read as a video (not a video, unsupported codec, or a damaged file whose index is missing)", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Empty_file_is_a_clear_error()
    {
        using var dir = new SyntheticClips.TempFolder();
        string path = dir.File("empty.mp4");
        File.WriteAllBytes(path, []);
        var e = Assert.Throws<MediaInputException>(() => new ClipAnalyzer().Analyze(path));
        Assert.Equal(MediaProblem.Empty, e.Problem);
        Assert.Equal($"Video '{path}' is empty (0 bytes)", e.Message);
    }

    [Fact]
    public void Truncated_mp4_is_rejected_unless_allowed()
    {
        using var dir = new SyntheticClips.TempFolder();
        string source = StandardClips.Get("pan", frames: 40).Path; // faststart MP4: the index is at the front and survives a cut
        byte[] bytes = File.ReadAllBytes(source);

        // Cut to 20% of its bytes: the index still lists 40 frames, (almost) none decode.
        string cut20 = dir.File("cut20.mp4");
        File.WriteAllBytes(cut20, bytes[..(bytes.Length / 5)]);
        var e = Assert.Throws<MediaInputException>(() => new ClipAnalyzer().Analyze(cut20));
        output.WriteLine(e.Message);
        Assert.Equal(MediaProblem.Truncated, e.Problem);
        Assert.Matches($"^'{System.Text.RegularExpressions.Regex.Escape(cut20)}' is truncated or damaged: decoding stopped after [01] of the 40 frames its index lists$", e.Message);
        // Opting in does not help when fewer than 2 frames decode.
        Assert.Equal(MediaProblem.Truncated, Assert.Throws<MediaInputException>(
            () => new ClipAnalyzer(new AnalysisOptions { AllowTruncated = true }).Analyze(cut20)).Problem);

        // Cut to 80% (the first, intra-coded frame alone is ~60% of this clip): some frames decode. Rejected by default...
        string cut80 = dir.File("cut80.mp4");
        File.WriteAllBytes(cut80, bytes[..(bytes.Length * 4 / 5)]);
        e = Assert.Throws<MediaInputException>(() => new ClipAnalyzer().Analyze(cut80));
        output.WriteLine(e.Message);
        Assert.Equal(MediaProblem.Truncated, e.Problem);
        Assert.EndsWith(" of the 40 frames its index lists", e.Message);

        // ...and opting in analyses the decodable prefix and says so.
        var analysis = new ClipAnalyzer(new AnalysisOptions { AllowTruncated = true }).Analyze(cut80);
        output.WriteLine($"allowed: {analysis.Source.FramesDecoded} frames decoded; warning: {analysis.Source.Warnings.Single()}");
        Assert.InRange(analysis.Source.FramesDecoded, 2, 35);
        Assert.Equal(40, analysis.Source.ReportedFrameCount);
        Assert.Equal(analysis.Source.FramesDecoded - 1, analysis.Pairs.Count);
        Assert.Contains("truncated", analysis.Source.Warnings.Single());
        Assert.All(analysis.Pairs, p => Assert.True(p.Ok, p.Reason));
    }

    [Fact]
    public void Truncated_mp4_without_its_index_cannot_be_opened()
    {
        using var dir = new SyntheticClips.TempFolder();
        string path = dir.File("cut-noindex.mp4");
        // ffmpeg's default muxing puts the index (moov) at the end: cutting the file loses it.
        var psi = new System.Diagnostics.ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-y", "-i", StandardClips.Get("pan").Path, "-c", "copy", path }) psi.ArgumentList.Add(a);
        using (var p = System.Diagnostics.Process.Start(psi)!) { p.WaitForExit(); Assert.Equal(0, p.ExitCode); }
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 5)]);
        var e = Assert.Throws<MediaInputException>(() => new ClipAnalyzer().Analyze(path));
        Assert.Equal(MediaProblem.NotMedia, e.Problem);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Still_image_where_a_video_is_required_is_rejected()
    {
        using var dir = new SyntheticClips.TempFolder();
        string path = dir.File("still.png");
        using (var img = SyntheticClips.Texture(1).Resize(320, 240)) img.Save(path);
        var e = Assert.Throws<MediaInputException>(() => new ClipAnalyzer().Analyze(path));
        Assert.Equal(MediaProblem.StillImage, e.Problem);
        Assert.Equal($"'{path}' is a still image; a video with at least 2 frames is required", e.Message);

        // Content decides, not the extension: the same PNG renamed .mp4 is still a still image.
        string renamed = dir.File("still.mp4");
        File.Copy(path, renamed);
        Assert.Equal(MediaProblem.StillImage, Assert.Throws<MediaInputException>(() => new ClipAnalyzer().Analyze(renamed)).Problem);
    }

    [Fact]
    public void One_frame_video_is_too_short()
    {
        using var dir = new SyntheticClips.TempFolder();
        var clip = SyntheticClips.Render(dir.File("one.mp4"), new SyntheticClipSpec { Frames = 1, Motion = [] });
        var e = Assert.Throws<MediaInputException>(() => new ClipAnalyzer().Analyze(clip.Path));
        Assert.Equal(MediaProblem.TooFewFrames, e.Problem);
        Assert.Equal($"'{clip.Path}': only 1 frame(s) could be decoded; a video with at least 2 frames is required", e.Message);
    }

    [Fact]
    public void Frames_option_samples_uniformly_and_pairs_span_the_sampled_frames()
    {
        var clip = StandardClips.Get("pan");
        var analysis = new ClipAnalyzer(new AnalysisOptions { Frames = 6 }).Analyze(clip.Path);
        Assert.Equal(UniformSampling.Indices(16, 6), analysis.Source.AnalysedFrames);
        Assert.Equal([0, 3, 6, 9, 12, 15], analysis.Source.AnalysedFrames);
        Assert.Equal(16, analysis.Source.FramesDecoded);
        Assert.Equal(5, analysis.Pairs.Count);
        foreach (var p in analysis.Pairs)
        {
            Assert.True(p.Ok, p.Reason);
            Assert.Equal((p.Index * 3, p.Index * 3 + 3), (p.FromFrame, p.ToFrame));
            var truth = HomographyChain.Chain(clip.TruthPixel, p.FromFrame, p.ToFrame);
            double err = SyntheticClips.MaxCornerError(p.H!.Value, truth, 640, 360);
            Assert.True(err < 1.5, $"pair {p.Index}: corner error {err:F3} px");
        }

        var all = new ClipAnalyzer(new AnalysisOptions { Frames = 40 }).Analyze(clip.Path);
        Assert.Equal(16, all.Source.AnalysedFrames.Count);
        Assert.Contains("--frames 40 exceeds the 16 frames", all.Source.Warnings.Single());
    }

    [Fact]
    public void Reported_homographies_are_at_the_original_resolution()
    {
        // 1280x720 analysed at 640x360 (default), and at full size (MaxSide 0): both must match the 1280x720 truth.
        var clip = StandardClips.Get("combined", 1280, 720);
        foreach (int maxSide in new[] { AnalysisOptions.DefaultMaxSide, 0 })
        {
            var analysis = new ClipAnalyzer(new AnalysisOptions { MaxSide = maxSide }).Analyze(clip.Path);
            Assert.Equal((1280, 720), (analysis.Source.Width, analysis.Source.Height));
            Assert.Equal(maxSide == 0 ? (1280, 720) : (640, 360), (analysis.Source.AnalysisWidth, analysis.Source.AnalysisHeight));
            double worst = analysis.Pairs.Max(p => SyntheticClips.MaxCornerError(p.H!.Value, clip.TruthPixel[p.Index], 1280, 720));
            output.WriteLine($"1280x720, max side {maxSide}: max corner error {worst:F3} px (at 1280x720)");
            Assert.True(worst < 3.0, $"max corner error {worst:F3} px at 1280x720");
            // Normalized homographies agree with the normalized truth.
            double worstN = analysis.Pairs.Max(p => p.Hn!.Value.MaxAbsDifference(clip.TruthNormalized[p.Index]));
            Assert.True(worstN < 0.005, $"normalized entries differ by {worstN:G3}");
        }
    }

    [Fact]
    public void Homography_between_two_images_of_different_sizes()
    {
        using var dir = new SyntheticClips.TempFolder();
        using var texture = SyntheticClips.Texture(1);
        // A: 640x360 window of the texture; B: 960x540 view of an overlapping, rotated and zoomed window.
        var pa = new Mat3(0.8, 0, -250, 0, 0.8, -300, 0, 0, 1);                  // texture -> A pixels
        var pb = new Mat3(1.1, 0.12, -500, -0.12, 1.1, -420, 0.00002, -0.00001, 1); // texture -> B pixels
        string a = dir.File("a.png"), b = dir.File("b.png");
        using (var ia = texture.WarpPerspective(pa.ToArray(), 640, 360)) ia.Save(a);
        using (var ib = texture.WarpPerspective(pb.ToArray(), 960, 540)) ib.Save(b);
        var truth = (pb * pa.Inverse()).ScaledToUnitCorner();

        var result = new ClipAnalyzer().HomographyBetween(a, b);
        Assert.True(result.Ok, result.Reason);
        Assert.Equal((640, 360, 960, 540), (result.WidthA, result.HeightA, result.WidthB, result.HeightB));
        Assert.Equal(1.0, result.H!.Value.M22, 12);
        double err = SyntheticClips.MaxCornerError(result.H.Value, truth, 640, 360);
        output.WriteLine($"A->B: corner error {err:F3} px (in B), {result.Inliers} inliers of {result.Matches} matches");
        Assert.True(err < 1.5, $"corner error {err:F3} px");

        // Unrelated pictures: no homography, with a reason.
        string c = dir.File("c.png");
        using (var other = SyntheticClips.Texture(2)) using (var ic = other.WarpPerspective(pa.ToArray(), 640, 360)) ic.Save(c);
        var none = new ClipAnalyzer().HomographyBetween(a, c);
        Assert.False(none.Ok);
        Assert.Null(none.H);
        Assert.StartsWith("no reliable homography", none.Reason);

        // A file that is not an image.
        string txt = dir.File("x.png");
        File.WriteAllText(txt, "hello");
        var e = Assert.Throws<MediaInputException>(() => new ClipAnalyzer().HomographyBetween(txt, b));
        Assert.Contains(txt, e.Message);
    }
}
