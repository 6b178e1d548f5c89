using System.Text.Json;
using CamReview.Core;
using CamReview.Pipeline.Depth;
using CamReview.Pipeline.Render;

namespace CamReview.Pipeline.Tests;

/// <summary>The one parse of a render request: defaults, every refusal, and the stored job rows it reads.</summary>
public sealed class RenderRequestTests
{
    private static readonly RenderLimits Portal = new() { MaxFrames = 600 };
    private static readonly RenderLimits Cli = new() { TrajectoryFiles = true };

    private static RenderRequest Parse(string method, RenderParameters p, RenderLimits? limits = null)
    {
        Assert.True(RenderRequest.TryParse(method, p, limits ?? Portal, out var request, out var error), error);
        return request;
    }

    private static string Refusal(string? method, RenderParameters p, RenderLimits? limits = null)
    {
        Assert.False(RenderRequest.TryParse(method, p, limits ?? Portal, out var request, out var error), $"accepted: {request}");
        return error;
    }

    [Fact]
    public void NothingGivenIsTheReferencesMoveWithBlackBordersAtTheTargetsSize()
    {
        var r = Parse("homography", new RenderParameters());
        Assert.Equal((RenderMethod.Homography, RenderMotion.Reference, (double?)null, (int?)null), (r.Method, r.Motion, r.Speed, r.Frames));
        Assert.Equal((BorderPolicy.Black, DepthKind.Depth, OutputSizeMode.Target), (r.Border, r.DepthKind, r.Size));
        Assert.Equal((null, null, null), (r.Width, r.Height, r.Fps));
        Assert.Equal("homography (black)", r.Label);
    }

    [Theory]
    [InlineData("homography", "pan-left", RenderRequest.DefaultRotationSpeed, "homography pan-left 0.5°/f (black)")]
    [InlineData("homography", "zoom-in", RenderRequest.DefaultZoomSpeed, "homography zoom-in 1.01x/f (black)")]
    [InlineData("parallax", "dolly-in", CameraMovePresets.DefaultTranslationSpeed, "parallax dolly-in 0.005×Z/f (black)")]
    [InlineData("parallax", "arc-left", CameraMovePresets.DefaultArcSpeed, "parallax arc-left 0.5°/f (black)")]
    public void APresetGetsItsDefaultSpeedAndFrames(string method, string motion, double speed, string label)
    {
        var r = Parse(method, new RenderParameters { Motion = motion });
        Assert.Equal((speed, RenderRequest.DefaultPresetFrames), (r.Speed!.Value, r.Frames!.Value));
        Assert.Equal(label, r.Label);
    }

    [Fact]
    public void NamesAreReadWhateverTheirCaseAndSpaces()
    {
        var r = Parse(" Parallax ", new RenderParameters { Motion = " Truck-Right ", Border = "Safe-Crop", DepthKind = "DISPARITY", Size = "Reference", Width = 320, Height = 240 });
        Assert.Equal((RenderMethod.Parallax, RenderMotionKind.CameraMove, CameraMovePreset.TruckRight), (r.Method, r.Motion.Kind, r.Motion.Move));
        Assert.Equal((BorderPolicy.SafeCrop, DepthKind.Disparity, OutputSizeMode.Reference), (r.Border, r.DepthKind, r.Size));
    }

    [Fact]
    public void ATrajectoryFileIsAMotionWhereFilesAreAllowed()
    {
        var r = Parse("parallax", new RenderParameters { Motion = "/data/orbit.json" }, Cli);
        Assert.Equal((RenderMotionKind.TrajectoryFile, "/data/orbit.json", (int?)null), (r.Motion.Kind, r.Motion.TrajectoryFile, r.Frames));
        Assert.Equal("parallax orbit.json (black)", r.Label);
        Assert.Contains("motion must be", Refusal("parallax", new RenderParameters { Motion = "/data/orbit.json" }));
        Assert.Contains("parallax method", Refusal("homography", new RenderParameters { Motion = "/data/orbit.json" }, Cli));
    }

    [Fact]
    public void APanAtSpeedZeroIsAStillCamera() =>
        Assert.Equal(0, Parse("homography", new RenderParameters { Motion = "pan-right", Speed = 0 }).Speed);

    public static TheoryData<string?, RenderParameters, string> Refusals => new()
    {
        { null, new RenderParameters(), "Choose a render method" },
        { "splat", new RenderParameters(), "Choose a render method" },
        { "homography", new RenderParameters { Motion = "sideways" }, "motion must be" },
        { "parallax", new RenderParameters { Motion = "sideways" }, "motion must be" },
        { "homography", new RenderParameters { Motion = "dolly-in" }, "moves the camera" },
        { "homography", new RenderParameters { Border = "smear" }, "border must be" },
        { "homography", new RenderParameters { DepthKind = "disparity" }, "parallax method only" },
        { "parallax", new RenderParameters { DepthKind = "height" }, "depthKind must be" },
        { "homography", new RenderParameters { Motion = "pan-left", Speed = 45 }, "degrees per frame" },
        { "homography", new RenderParameters { Motion = "pan-left", Speed = -1 }, "degrees per frame" },
        { "homography", new RenderParameters { Motion = "zoom-in", Speed = 1.0 }, "scale per frame" },
        { "homography", new RenderParameters { Motion = "zoom-out", Speed = 2 }, "scale per frame" },
        { "parallax", new RenderParameters { Motion = "arc-left", Speed = 0 }, "An arc's speed" },
        { "parallax", new RenderParameters { Motion = "dolly-in", Speed = 0.5 }, "fraction of the median depth" },
        { "homography", new RenderParameters { Speed = 0.01 }, "speed applies to presets only" },
        { "homography", new RenderParameters { Motion = "pan-left", Frames = 1 }, "frames must be between 2 and 600" },
        { "homography", new RenderParameters { Frames = 601 }, "frames must be between 2 and 600" },
        { "homography", new RenderParameters { Width = 320 }, "both width and height" },
        { "homography", new RenderParameters { Height = 240 }, "both width and height" },
        { "homography", new RenderParameters { Width = 8, Height = 8 }, "between 16x16 and 3840x2160" },
        { "homography", new RenderParameters { Width = 4000, Height = 2000 }, "between 16x16 and 3840x2160" },
        { "homography", new RenderParameters { Fps = 0 }, "fps must be" },
        { "homography", new RenderParameters { Fps = 240 }, "fps must be" },
        { "homography", new RenderParameters { Size = "huge" }, "size must be" },
        { "homography", new RenderParameters { Motion = "pan-left", Size = "reference" }, "needs a reference clip" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void EveryRefusalSaysWhatIsWrong(string? method, RenderParameters parameters, string expected) =>
        Assert.Contains(expected, Refusal(method, parameters), StringComparison.Ordinal);

    [Fact]
    public void WithoutAFrameCapOnlyTooFewFramesAreRefused()
    {
        Assert.Equal(5000, Parse("homography", new RenderParameters { Frames = 5000 }, Cli).Frames);
        Assert.Equal("frames must be at least 2.", Refusal("homography", new RenderParameters { Frames = 1 }, Cli));
    }

    [Theory]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("""{"motion": "reference", "wobble": 3}""", "not valid")]
    [InlineData("""{"frames": "many"}""", "not valid")]
    public void JsonParametersMustBeAKnownObject(string json, string expected)
    {
        Assert.False(RenderRequest.TryParseJson("homography", JsonDocument.Parse(json).RootElement, Portal, out _, out var error));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void NoJsonParametersAreTheDefaults()
    {
        Assert.True(RenderRequest.TryParseJson("parallax", null, Portal, out var request, out var error), error);
        Assert.Equal(Parse("parallax", new RenderParameters()), request);
    }

    /// <summary>Job rows as the portal stored them before <see cref="RenderRequest"/> existed (homography and parallax
    /// methods each wrote their own normalized parameters).</summary>
    public static TheoryData<string, RenderRequest> StoredRows => new()
    {
        {
            """{"method":"homography","parameters":{"motion":"reference","frames":12,"border":"black"}}""",
            new RenderRequest { Method = RenderMethod.Homography, Frames = 12 }
        },
        {
            """{"method":"homography","parameters":{"motion":"pan-right","speed":1.2,"frames":24,"border":"black"}}""",
            new RenderRequest { Method = RenderMethod.Homography, Motion = new(RenderMotionKind.RotationPreset, Rotation: TrajectoryPreset.PanRight), Speed = 1.2, Frames = 24 }
        },
        {
            """{"method":"homography","parameters":{"motion":"reference","border":"safe-crop","width":320,"height":240,"fps":12}}""",
            new RenderRequest { Method = RenderMethod.Homography, Border = BorderPolicy.SafeCrop, Width = 320, Height = 240, Fps = 12 }
        },
        {
            """{"method":"parallax","parameters":{"motion":"truck-right","speed":0.005,"frames":12,"border":"black","width":320,"height":240}}""",
            new RenderRequest { Method = RenderMethod.Parallax, Motion = new(RenderMotionKind.CameraMove, Move: CameraMovePreset.TruckRight), Speed = 0.005, Frames = 12, Width = 320, Height = 240 }
        },
        {
            """{"method":"parallax","parameters":{"motion":"reference","border":"inpaint","depthKind":"disparity"}}""",
            new RenderRequest { Method = RenderMethod.Parallax, Border = BorderPolicy.Inpaint, DepthKind = DepthKind.Disparity }
        },
    };

    [Theory]
    [MemberData(nameof(StoredRows))]
    public void AStoredJobRowOfTodaysFormatIsRead(string row, RenderRequest expected)
    {
        Assert.True(RenderRequest.TryParseJob(row, Portal, out var request, out var error), error);
        Assert.Equal(expected, request);
        // Written back, it is the same row (a job retried after an upgrade reads what it stored).
        Assert.Equal(JsonDocument.Parse(row).RootElement.GetRawText().Replace(" ", ""), request.ToJobJson());
    }

    [Theory]
    [InlineData("not json", "not valid")]
    [InlineData("null", "no render parameters")]
    [InlineData("""{"method":"warp","parameters":{}}""", "Choose a render method")]
    [InlineData("""{"method":"homography","parameters":{"motion":"reference"},"extra":1}""", "not valid")]
    public void ABrokenJobRowIsRefusedWithAReason(string row, string expected)
    {
        Assert.False(RenderRequest.TryParseJob(row, Portal, out _, out var error));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void EveryRequestRoundTripsThroughItsJobRow()
    {
        foreach (var method in RenderMethodLabels.All)
        foreach (var motion in (string[])["reference", .. (method == "parallax" ? RenderRequest.Presets : TrajectoryPresetLabels.All)])
        {
            var request = Parse(method, new RenderParameters { Motion = motion, Border = "reflect", Fps = 30 });
            Assert.True(RenderRequest.TryParseJob(request.ToJobJson(), Portal, out var back, out var error), error);
            Assert.Equal(request, back);
        }
    }
}

/// <summary>A render's lens (<c>fov</c> / <c>focal</c>): checked once, stored with the job, and used by the renderers.</summary>
public sealed class RenderLensTests
{
    private static readonly RenderLimits Portal = new() { MaxFrames = 600 };

    [Theory]
    [InlineData(0.0, null, "field of view")]
    [InlineData(180.0, null, "field of view")]
    [InlineData(null, -5.0, "focal length")]
    [InlineData(null, double.PositiveInfinity, "focal length")]
    [InlineData(70.0, 500.0, "not both")]
    public void A_lens_that_cannot_be_is_refused(double? fov, double? focal, string expected)
    {
        Assert.False(RenderRequest.TryParse("parallax", new RenderParameters { Fov = fov, Focal = focal }, Portal, out _, out var error));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void A_given_lens_is_kept_in_the_job_row_and_read_back()
    {
        Assert.True(RenderRequest.TryParse("homography", new RenderParameters { Motion = "pan-right", Focal = 812.5 }, Portal, out var request, out var error), error);
        Assert.Equal(new Lens(FocalLengthPixels: 812.5), request.Lens);
        var json = request.ToJobJson();
        Assert.Contains("\"focal\":812.5", json);
        Assert.True(RenderRequest.TryParseJob(json, Portal, out var again, out error), error);
        Assert.Equal(request.Lens, again.Lens);
        // Without one, the row stays as it always was (no lens keys) and the default 60° applies.
        Assert.True(RenderRequest.TryParse("homography", new RenderParameters { Motion = "pan-right" }, Portal, out var plain, out _));
        Assert.DoesNotContain("fov", plain.ToJobJson());
        Assert.False(plain.Lens.IsGiven);
        Assert.Equal(60.0, plain.Lens.HorizontalFovAt(640), 12);
    }

    [Theory]
    [InlineData(null, 90.0, 80.0)]   // 90°: f = (160/2) / tan 45° = 80 px
    [InlineData(200.0, null, 200.0)] // a focal length in pixels of the output
    public async Task A_preset_pans_by_the_given_focal_length_times_tan_theta(double? focal, double? fov, double expectedFocal)
    {
        const int w = 160, h = 120;
        const double speed = 2.0;
        using var dir = new RenderTempDir();
        string target = RenderTestSupport.SavePng(dir.File("target.png"), RenderTestSupport.MarkerTarget(w, h, (w / 2.0, h / 2.0)), w, h);
        Assert.True(RenderRequest.TryParse("homography", new RenderParameters { Motion = "pan-right", Speed = speed, Frames = 5, Focal = focal, Fov = fov },
            Portal, out var request, out var error), error);
        var outcome = await new RenderService().RenderAsync(request with { TargetPath = target, OutputPath = dir.File("out.mp4"), PngDirectory = dir.File("png") });

        var frames = RenderTestSupport.PngFrames(outcome.Render.PngDirectory!);
        Assert.Equal(5, frames.Length);
        for (int i = 0; i < frames.Length; i++)
        {
            var (img, _, _) = RenderTestSupport.LoadPng(frames[i]);
            var (mx, _) = RenderTestSupport.BrightCentroid(img, w, h);
            double shift = expectedFocal * Math.Tan(speed * i * Math.PI / 180);
            Assert.InRange(mx, w / 2.0 - shift - 0.3, w / 2.0 - shift + 0.3);
        }
    }
}
