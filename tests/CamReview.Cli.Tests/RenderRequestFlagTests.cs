using CamReview.Cli.Commands;
using CamReview.Pipeline.Render;

namespace CamReview.Cli.Tests;

/// <summary>The render command's flags make the same <see cref="RenderRequest"/> as a portal render job with the same
/// parameters (both go through <see cref="RenderRequest.TryParse"/>).</summary>
public sealed class RenderRequestFlagTests
{
    private static RenderRequest FromFlags(params string[] flags)
    {
        var parse = RenderCommand.Create().Parse(["--target", "t.png", "--out", "o.mp4", .. flags]);
        Assert.Empty(parse.Errors);
        return RenderCommand.ToRequest(parse);
    }

    private static RenderRequest FromJob(string row)
    {
        Assert.True(RenderRequest.TryParseJob(row, RenderCommand.Limits, out var request, out var error), error);
        return request;
    }

    [Theory]
    [InlineData("""{"method":"homography","parameters":{"motion":"reference","frames":12,"border":"black"}}""",
        "--reference", "r.mp4", "--frames", "12")]
    [InlineData("""{"method":"homography","parameters":{"motion":"pan-right","speed":1.2,"frames":24,"border":"black"}}""",
        "--trajectory", "pan-right", "--speed", "1.2", "--frames", "24")]
    [InlineData("""{"method":"homography","parameters":{"motion":"zoom-in","border":"safe-crop","width":320,"height":240,"fps":12}}""",
        "--trajectory", "zoom-in", "--border", "safe-crop", "--width", "320", "--height", "240", "--fps", "12")]
    [InlineData("""{"method":"parallax","parameters":{"motion":"truck-right","speed":0.005,"frames":12,"border":"black"}}""",
        "--method", "parallax", "--trajectory", "truck-right", "--frames", "12")]
    [InlineData("""{"method":"parallax","parameters":{"motion":"reference","border":"inpaint","depthKind":"disparity"}}""",
        "--method", "parallax", "--reference", "r.mp4", "--border", "inpaint", "--depth-kind", "disparity", "--depth", "d.png")]
    public void FlagsAndAJobRowMakeTheSameRequest(string row, params string[] flags)
    {
        var cli = FromFlags(flags);
        var job = FromJob(row);
        // The files come from the flags, or from the job's pair: the rest is the same request.
        Assert.Equal(job, cli with { ReferencePath = null, TargetPath = "", OutputPath = "", DepthPath = null, DepthModelPath = null });
        Assert.Equal(job.ToJobJson(), cli.ToJobJson());
    }

    [Fact]
    public void TheFlagsNameTheFiles()
    {
        var r = FromFlags("--method", "parallax", "--reference", "r.mp4", "--depth", "d.png", "--png-dir", "frames");
        Assert.Equal(("r.mp4", "t.png", "o.mp4", "d.png", "frames", (string?)null),
            (r.ReferencePath, r.TargetPath, r.OutputPath, r.DepthPath, r.PngDirectory, r.DepthModelPath));
        Assert.Equal("depth.onnx", FromFlags("--method", "parallax", "--trajectory", "dolly-in", "--depth-model", "depth.onnx").DepthModelPath);
    }

    [Fact]
    public void AFlagValueTheRequestRefusesIsACliError()
    {
        var parse = RenderCommand.Create().Parse(["--target", "t.png", "--out", "o.mp4", "--trajectory", "pan-left", "--speed", "45"]);
        var e = Assert.Throws<CliException>(() => RenderCommand.ToRequest(parse));
        Assert.Contains("degrees per frame", e.Message);
    }
}
