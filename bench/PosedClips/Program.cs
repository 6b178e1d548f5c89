// PosedClips OUTDIR [NAME ...]: writes NAME.mp4 (640x360, 36 frames, 24 fps, H.264 CRF 12) and NAME.truth.json
// (intrinsics and every frame's true pose relative to frame 0) for each posed clip of the camera-path tests.
using System.Text.Json;
using CamReview.Core;
using CamReview.Pipeline.Tests;
using CamReview.Vision;

var clips = new Dictionary<string, Func<PosedPlaneClips.Spec>>
{
    ["arc"] = PosedPlaneClips.Arc,
    ["dolly-pan"] = PosedPlaneClips.DollyPan,
    ["crane-tilt"] = PosedPlaneClips.CraneTilt,
    ["handheld"] = PosedPlaneClips.Handheld,
    ["near-plane"] = PosedPlaneClips.NearPlaneTruck,
};
if (args.Length < 1)
{
    Console.Error.WriteLine($"usage: PosedClips OUTDIR [{string.Join('|', clips.Keys)} ...]");
    return 2;
}
string dir = Directory.CreateDirectory(args[0]).FullName;
var names = args.Length > 1 ? args[1..] : [.. clips.Keys];
var photos = new Dictionary<string, Image>();
foreach (var name in names)
{
    if (!clips.TryGetValue(name, out var make))
    {
        Console.Error.WriteLine($"unknown clip '{name}'");
        return 2;
    }
    var spec = make();
    PosedPlaneClips.Write(spec, Path.Combine(dir, name + ".mp4"), PosedPlaneClips.PhotoLoader(photos));
    // Frame i relative to frame 0 in camera-0 coordinates (x right, y down, z forward): R holds camera i's axes as
    // columns, C its centre; the same truth the camera-path tests compare with.
    var (r0, c0) = spec.Poses[0];
    var frames = spec.Poses.Select(p => new { r = (r0.Transpose() * p.R).ToJagged(), c = ToArray(r0.Transpose() * (p.C - c0)) });
    var k = PosedPlaneClips.K(spec, 0);
    var truth = new { name, width = PosedPlaneClips.W, height = PosedPlaneClips.H, fx = k.Fx, fy = k.Fy, cx = k.Cx, cy = k.Cy, frames };
    File.WriteAllText(Path.Combine(dir, name + ".truth.json"), JsonSerializer.Serialize(truth));
    Console.WriteLine(name);
}
foreach (var p in photos.Values) p.Dispose();
return 0;

static double[] ToArray(Vec3 v) => [v.X, v.Y, v.Z];
