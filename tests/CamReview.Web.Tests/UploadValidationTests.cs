using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using CamReview.Data;
using CamReview.Vision;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Tests;

/// <summary>Uploads over HTTP that must be refused with a clear message and leave nothing behind, and the
/// content-hash storage (names, dedupe, shared files).</summary>
public sealed class UploadValidationTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    public static TheoryData<string, string, string, HttpStatusCode, string> BadUploads => new()
    {
        { "text named .mp4", "reference-video", "clip.mp4", HttpStatusCode.UnsupportedMediaType, "\"clip.mp4\" is not a recognised image or video" },
        { "PNG declared as a video", "reference-video", "target.png", HttpStatusCode.UnsupportedMediaType, "is a PNG image, but a reference video must be a video" },
        { "MP4 declared as an image", "target-image", "clip.mp4", HttpStatusCode.UnsupportedMediaType, "is an MP4 video, but a target image must be an image" },
        { "MP4 declared as a depth map", "depth-map", "depth.png", HttpStatusCode.UnsupportedMediaType, "a depth map must be an image" },
        { "cut MP4", "reference-video", "cut.mp4", HttpStatusCode.UnprocessableEntity, "damaged or cut short" },
        { "MP4 cut inside its header", "reference-video", "stub.mp4", HttpStatusCode.UnprocessableEntity, "damaged or cut short" },
        { "PNG bomb", "target-image", "bomb.png", HttpStatusCode.UnprocessableEntity, "100000x100000 pixels (10000 megapixels); images may have at most 50 megapixels" },
        { "cut PNG", "target-image", "cut.png", HttpStatusCode.UnprocessableEntity, "does not decode: it is damaged or cut short" },
        { "single-frame video", "reference-video", "still.mp4", HttpStatusCode.UnprocessableEntity, "a video needs at least 2" },
        { "GIF", "target-image", "anim.gif", HttpStatusCode.UnsupportedMediaType, "a GIF image (not supported" },
        { "empty file", "target-image", "empty.png", HttpStatusCode.UnsupportedMediaType, "is empty" },
        { "unknown kind", "poster", "target.png", HttpStatusCode.BadRequest, "Say what the file is" },
        { "output without a method", "output", "clip.mp4", HttpStatusCode.BadRequest, "needs the name of the method" },
    };

    [Theory]
    [MemberData(nameof(BadUploads))]
    public async Task ABadUploadIsRefusedWithAMessageAndLeavesNothingBehind(string what, string kind, string fileName, HttpStatusCode status, string message)
    {
        using var admin = await portal.ClientAsync();
        var projectId = await ProjectAsync(admin, "Validation");
        var before = await SnapshotAsync();

        using var response = await admin.UploadAsync(projectId, kind, Content(what), fileName);
        Assert.True(response.StatusCode == status, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Contains(message, await PortalClient.ErrorOf(response));
        Assert.Equal(before, await SnapshotAsync());
        Assert.Empty(portal.TempFiles());
    }

    private static byte[] Content(string what) => what switch
    {
        "text named .mp4" => "this is not a video\n"u8.ToArray(),
        "PNG declared as a video" or "unknown kind" => TestMedia.TargetImage,
        "MP4 declared as an image" or "output without a method" => TestMedia.ReferenceVideo,
        "MP4 declared as a depth map" => TestMedia.AnotherVideo,
        "cut MP4" => TestMedia.ReferenceVideo[..(TestMedia.ReferenceVideo.Length * 2 / 3)],
        "MP4 cut inside its header" => TestMedia.ReferenceVideo[..600],
        "PNG bomb" => TestMedia.PngBomb(),
        "cut PNG" => TestMedia.TargetImage[..(TestMedia.TargetImage.Length / 2)],
        "single-frame video" => SingleFrameVideo.Value,
        "GIF" => "GIF89a\x01\0\x01\0\0\0\0;"u8.ToArray(),
        "empty file" => [],
        _ => throw new ArgumentOutOfRangeException(nameof(what)),
    };

    private static readonly Lazy<byte[]> SingleFrameVideo = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"still-{Guid.NewGuid():N}.mp4");
        using (var writer = new FfmpegVideoWriter(path, 32, 32, 8))
        {
            writer.Write(new byte[32 * 32 * 3]);
            writer.Complete();
        }
        var bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return bytes;
    });

    [Fact]
    public async Task AVideoOverTheWorkBudgetIsRefusedFromItsHeaderAtOnceAndLeavesNothingBehind()
    {
        var clip = TestMedia.BigWorkVideo;
        using var admin = await portal.ClientAsync();
        var projectId = await ProjectAsync(admin, "Work budget");
        var before = await SnapshotAsync();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var response = await admin.UploadAsync(projectId, "reference-video", clip, "4k.mp4");
        clock.Stop();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var error = await PortalClient.ErrorOf(response);
        // Which dimensions, the budget, and how to come within it.
        Assert.Contains("4096x2304 pixels x 240 frames = 2,264,924,160 pixel-frames", error);
        Assert.Contains("at most 1,866,240,000, CamReview:Uploads:MaxVideoWork", error);
        // The smaller size it suggests is within the budget (both sides given, even).
        var suggested = System.Text.RegularExpressions.Regex.Match(error, @"scale=(\d+):(\d+)");
        Assert.True(suggested.Success, error);
        var (w, h) = (long.Parse(suggested.Groups[1].Value), long.Parse(suggested.Groups[2].Value));
        Assert.True(w % 2 == 0 && h % 2 == 0 && w * h * 240 <= 1_866_240_000, $"{w}x{h}");
        Assert.Contains("At 4096x2304 a video may have at most 197 frames: trim it (ffmpeg -i in.mp4 -frames:v 197 out.mp4)", error);
        Assert.Contains("or scale it to at most", error);
        // Refused from the container header, not after decoding 240 frames of 9.4 megapixels.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"refused after {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(before, await SnapshotAsync());
        Assert.Empty(portal.TempFiles());
    }

    [Fact]
    public async Task APathInTheFileNameIsDroppedAndNothingIsWrittenOutsideMedia()
    {
        using var admin = await portal.ClientAsync();
        var projectId = await ProjectAsync(admin, "Names");
        var escaped = Path.GetFullPath(Path.Combine(portal.DataDir, "..", "..", "evil.png"));
        var before = portal.StoredFiles();
        var image = TestMedia.UniqueImage(seed: 5);

        var asset = await admin.UploadOkAsync(projectId, "target-image", image, "../../evil.png");
        Assert.Equal("evil.png", asset.GetProperty("displayName").GetString());
        var sha = Convert.ToHexStringLower(SHA256.HashData(image));
        Assert.Equal(sha, asset.GetProperty("sha256").GetString());
        Assert.Equal(
            [$"media/{sha[..2]}/{sha}.png", $"media/{sha[..2]}/{sha}.poster.jpg", $"media/{sha[..2]}/{sha}.thumb.jpg"],
            portal.StoredFiles().Except(before).Order(StringComparer.Ordinal));
        Assert.False(File.Exists(escaped));
        Assert.DoesNotContain(portal.StoredFiles(), f => f.Contains("evil"));

        // Backslashes, control characters, bidi overrides and overlong names are cleaned too.
        var odd = await admin.UploadOkAsync(projectId, "depth-map", TestMedia.TargetImage, "C:\\Users\\x\\de\u202Eep\u0007th map.png");
        Assert.Equal("deepth map.png", odd.GetProperty("displayName").GetString());
        // The extension is the sniffed content's, whatever the name said.
        var renamed = await admin.UploadOkAsync(projectId, "target-image", TestMedia.UniqueImage(seed: 6), "photo.exe");
        Assert.Equal("photo.png", renamed.GetProperty("displayName").GetString());
        var longName = new string('a', 300) + ".png";
        var cut = await admin.UploadOkAsync(projectId, "target-image", TestMedia.DepthMap, longName);
        var shown = cut.GetProperty("displayName").GetString()!;
        Assert.True(shown.Length <= 120 && shown.EndsWith("….png"), shown);
    }

    [Fact]
    public async Task TheSameContentIsStoredOnceAndRemovedWithItsLastAsset()
    {
        using var admin = await portal.ClientAsync();
        var first = await ProjectAsync(admin, "Dedupe one");
        var second = await ProjectAsync(admin, "Dedupe two");
        var video = TestMedia.UniqueVideo(phase: 55);
        var sha = Convert.ToHexStringLower(SHA256.HashData(video));
        var original = Path.Combine(portal.DataDir, "media", sha[..2], $"{sha}.mp4");

        var a = await admin.UploadOkAsync(first, "reference-video", video, "orbit.mp4");
        Assert.Equal(10, a.GetProperty("frameCount").GetInt32());
        Assert.Equal(8, a.GetProperty("fps").GetDouble());
        Assert.Equal(1.25, a.GetProperty("durationSeconds").GetDouble());
        Assert.Equal("video/mp4", a.GetProperty("mediaType").GetString());

        // Twice into the same project: "already uploaded", naming the asset that is there.
        var filesBefore = portal.StoredFiles();
        using (var again = await admin.UploadAsync(first, "reference-video", video, "orbit-copy.mp4"))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            var body = JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement;
            Assert.Contains("already uploaded to this project as a reference video, named \"orbit.mp4\"", body.GetProperty("error").GetString());
            Assert.Equal(a.GetProperty("id").GetInt32(), body.GetProperty("detail").GetProperty("id").GetInt32());
        }
        Assert.Equal(filesBefore, portal.StoredFiles());

        // Into another project: a second asset, the same single file.
        var b = await admin.UploadOkAsync(second, "reference-video", video, "orbit.mp4");
        Assert.Equal(filesBefore, portal.StoredFiles());
        await using (var db = portal.OpenDb()) Assert.Equal(2, await db.Assets.CountAsync(x => x.Sha256 == sha));

        // Range requests, so that players can seek.
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"media/{b.GetProperty("id").GetInt32()}/original"))
        {
            request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(10, 109);
            using var partial = await admin.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal(video[10..110], await partial.Content.ReadAsByteArrayAsync());
            Assert.Equal("video/mp4", partial.Content.Headers.ContentType!.MediaType);
        }

        // Deleting one asset keeps the file for the other; deleting the last removes it and its previews.
        using (var deleted = await admin.Http.DeleteAsync($"api/assets/{a.GetProperty("id").GetInt32()}")) Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.True(File.Exists(original));
        using (var deleted = await admin.Http.DeleteAsync($"api/assets/{b.GetProperty("id").GetInt32()}")) Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.False(File.Exists(original));
        Assert.DoesNotContain(portal.StoredFiles(), f => f.Contains(sha));
    }

    [Fact]
    public async Task DeletingAnAssetThatOthersDependOnNeedsTheirConfirmation()
    {
        using var admin = await portal.ClientAsync();
        var projectId = await ProjectAsync(admin, "Dependents");
        var video = (await admin.UploadOkAsync(projectId, "reference-video", TestMedia.ReferenceVideo, "ref.mp4")).GetProperty("id").GetInt32();
        var image = (await admin.UploadOkAsync(projectId, "target-image", TestMedia.TargetImage, "img.png")).GetProperty("id").GetInt32();
        var pair = (await admin.PostJsonOkAsync($"api/projects/{projectId}/pairs", new { name = "ref on img", referenceAssetId = video, targetAssetId = image }))
            .GetProperty("id").GetInt32();
        var output = (await admin.UploadOkAsync(projectId, "output", TestMedia.AnotherVideo, "cammimic.mp4",
            new() { ["methodName"] = "CamMimic", ["pairId"] = pair.ToString() })).GetProperty("id").GetInt32();

        var dependents = await admin.Http.GetFromJsonAsync<JsonElement>($"api/assets/{image}/dependents");
        Assert.Equal(["ref on img"], dependents.GetProperty("pairs").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(["CamMimic"], dependents.GetProperty("outputs").EnumerateArray().Select(p => p.GetProperty("methodName").GetString()));
        var token = dependents.GetProperty("token").GetString();
        Assert.Equal($"p{pair}.a{output}", token);

        using (var unconfirmed = await admin.Http.DeleteAsync($"api/assets/{image}"))
        {
            Assert.Equal(HttpStatusCode.Conflict, unconfirmed.StatusCode);
            Assert.Contains("1 pair and 1 output use \"img.png\": confirm", await PortalClient.ErrorOf(unconfirmed));
        }
        using (var stale = await admin.Http.DeleteAsync($"api/assets/{image}?confirm=p{pair}"))
        {
            Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
            Assert.Contains("changed meanwhile", await PortalClient.ErrorOf(stale));
        }
        await using (var db = portal.OpenDb()) Assert.Equal(3, await db.Assets.CountAsync(a => a.ProjectId == projectId));

        using (var confirmed = await admin.Http.DeleteAsync($"api/assets/{image}?confirm={token}")) Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        await using (var db = portal.OpenDb())
        {
            Assert.Equal([video], await db.Assets.Where(a => a.ProjectId == projectId).Select(a => a.Id).ToListAsync());
            Assert.False(await db.Pairs.AnyAsync(p => p.ProjectId == projectId));
        }
    }

    [Fact]
    public async Task DeletingAProjectRemovesItsAssetsAndTheFilesNoOtherProjectUses()
    {
        using var admin = await portal.ClientAsync();
        var doomed = await ProjectAsync(admin, "Doomed");
        var kept = await ProjectAsync(admin, "Kept");
        var shared = Convert.ToHexStringLower(SHA256.HashData(TestMedia.SmallImage));
        var ownVideo = TestMedia.UniqueVideo(phase: 77);
        var own = Convert.ToHexStringLower(SHA256.HashData(ownVideo));
        await admin.UploadOkAsync(doomed, "target-image", TestMedia.SmallImage, "shared.png");
        await admin.UploadOkAsync(kept, "target-image", TestMedia.SmallImage, "shared.png");
        var video = (await admin.UploadOkAsync(doomed, "reference-video", ownVideo, "own.mp4")).GetProperty("id").GetInt32();
        var image = (await admin.UploadOkAsync(doomed, "target-image", TestMedia.TargetImage, "own.png")).GetProperty("id").GetInt32();
        await admin.PostJsonOkAsync($"api/projects/{doomed}/pairs", new { referenceAssetId = video, targetAssetId = image });
        var ownFiles = portal.StoredFiles().Where(f => f.Contains(own)).ToList();
        Assert.Equal(3, ownFiles.Count);

        using (var deleted = await admin.Http.DeleteAsync($"api/projects/{doomed}")) Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        using (var gone = await admin.Http.GetAsync($"api/projects/{doomed}")) Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.DoesNotContain(portal.StoredFiles(), f => f.Contains(own));
        Assert.Equal(3, portal.StoredFiles().Count(f => f.Contains(shared)));
        await using var db = portal.OpenDb();
        Assert.False(await db.Assets.AnyAsync(a => a.ProjectId == doomed));
        Assert.False(await db.Pairs.AnyAsync(p => p.ProjectId == doomed));
    }

    private static async Task<int> ProjectAsync(PortalClient admin, string name)
    {
        using var response = await admin.Http.PostAsJsonAsync("api/projects", new { teamId = 1, name = $"{name} {Guid.NewGuid():N}" });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return body.GetProperty("id").GetInt32();
    }

    private async Task<(int Assets, int Pairs, string Files)> SnapshotAsync()
    {
        await using var db = portal.OpenDb();
        return (await db.Assets.CountAsync(), await db.Pairs.CountAsync(), string.Join("\n", portal.StoredFiles()));
    }
}

/// <summary>A portal whose upload limit is 4 KB: larger files are refused while they stream in.</summary>
public sealed class UploadLimitTests(TinyUploadLimitPortalFixture portal) : IClassFixture<TinyUploadLimitPortalFixture>
{
    [Fact]
    public async Task AFileOverTheByteLimitIsRefusedWith413AndLeavesNothingBehind()
    {
        using var admin = await portal.ClientAsync();
        var project = await admin.PostJsonOkAsync("api/projects", new { teamId = 1, name = "Small files" });
        var projectId = project.GetProperty("id").GetInt32();
        var before = portal.StoredFiles();
        Assert.True(TestMedia.ReferenceVideo.Length > TinyUploadLimitPortalFixture.MaxBytes);

        // Just over the limit: read until the limit is passed, then refused.
        using (var response = await admin.UploadAsync(projectId, "reference-video", TestMedia.ReferenceVideo, "big.mp4"))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal("The file is larger than the upload limit of 4 KB.", await PortalClient.ErrorOf(response));
        }
        // Far over it: refused from the declared length, before reading.
        using (var response = await admin.UploadAsync(projectId, "reference-video", new byte[1 << 20], "huge.mp4"))
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);

        Assert.Equal(before, portal.StoredFiles());
        await using (var db = portal.OpenDb()) Assert.Equal(0, await db.Assets.CountAsync());

        // Under the limit is fine.
        Assert.True(TestMedia.SmallImage.Length < TinyUploadLimitPortalFixture.MaxBytes);
        await admin.UploadOkAsync(projectId, "target-image", TestMedia.SmallImage, "small.png");
    }
}
