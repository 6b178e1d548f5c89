using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Tests;

/// <summary>Comment threads over the API: replies join their thread at its time code, a thread is resolved as a whole,
/// and a bad reply or resolve changes nothing.</summary>
public sealed class CommentThreadTests(SecurityWorld world) : IClassFixture<SecurityWorld>
{
    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>A property's number, or null where it is null or left out (the API leaves out nulls).</summary>
    private static int? NumberOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    [Fact]
    public async Task RepliesJoinTheirThreadAndTheThreadIsResolvedAsAWhole()
    {
        using var admin = await world.ClientAsync();
        var comments = $"api/pairs/{world.PairId}/comments";
        var first = await admin.PostJsonOkAsync(comments, new { timeSeconds = 1.25, body = "The horizon tilts here.", assetId = world.OutputId });
        var firstId = first.GetProperty("id").GetInt32();
        Assert.Null(NumberOf(first, "replyTo"));

        // A reply's own time code and output are not read: it is at its thread's.
        var reply = await admin.PostJsonOkAsync(comments, new { timeSeconds = 9.0, body = "Agreed, about two degrees.", replyTo = firstId });
        Assert.Equal(firstId, reply.GetProperty("replyTo").GetInt32());
        Assert.Equal(1.25, reply.GetProperty("timeSeconds").GetDouble());
        Assert.Equal(world.OutputId, reply.GetProperty("assetId").GetInt32());
        // A reply to a reply joins the same thread (one level).
        var replyId = reply.GetProperty("id").GetInt32();
        var second = await admin.PostJsonOkAsync(comments, new { timeSeconds = 0, body = "Fixed in the next render.", replyTo = replyId });
        Assert.Equal(firstId, second.GetProperty("replyTo").GetInt32());

        // Only the thread's first comment carries the state.
        using (var refused = await admin.Http.PutAsJsonAsync($"api/comments/{replyId}/resolved", new { resolved = true }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("resolved with its thread", await PortalClient.ErrorOf(refused));
        }
        using (var resolved = await admin.Http.PutAsJsonAsync($"api/comments/{firstId}/resolved", new { resolved = true }))
        {
            Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
            var view = await JsonOf(resolved);
            Assert.True(view.GetProperty("isResolved").GetBoolean());
            Assert.Equal(PortalFixture.AdminName, view.GetProperty("resolvedBy").GetString());
        }
        var listed = await admin.Http.GetFromJsonAsync<JsonElement>(comments);
        var thread = listed.EnumerateArray().Where(c => c.GetProperty("id").GetInt32() == firstId || NumberOf(c, "replyTo") == firstId)
            .Select(c => c.GetProperty("body").GetString()).ToList();
        Assert.Equal(["The horizon tilts here.", "Agreed, about two degrees.", "Fixed in the next render."], thread);

        // Open again: the resolver goes with the state.
        using (var reopened = await admin.Http.PutAsJsonAsync($"api/comments/{firstId}/resolved", new { resolved = false }))
        {
            var view = await JsonOf(reopened);
            Assert.False(view.GetProperty("isResolved").GetBoolean());
            Assert.False(view.TryGetProperty("resolvedBy", out var by) && by.ValueKind != JsonValueKind.Null);
        }

        // Deleting the thread's first comment deletes its replies.
        using (var deleted = await admin.Http.DeleteAsync($"api/comments/{firstId}"))
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        await using var db = world.OpenDb();
        Assert.False(await db.Comments.AnyAsync(c => c.Id == firstId || c.ParentCommentId == firstId));
    }

    [Fact]
    public async Task AReplyToACommentOfAnotherComparisonOrToNoneIsRefusedAndStoresNothing()
    {
        using var admin = await world.ClientAsync();
        var video = (await admin.UploadOkAsync(world.ProjectId, "reference-video", TestMedia.AnotherVideo, "other.mp4")).GetProperty("id").GetInt32();
        var image = (await admin.UploadOkAsync(world.ProjectId, "target-image", TestMedia.DepthMap, "other.png")).GetProperty("id").GetInt32();
        var otherPair = (await admin.PostJsonOkAsync($"api/projects/{world.ProjectId}/pairs", new { referenceAssetId = video, targetAssetId = image })).GetProperty("id").GetInt32();
        var elsewhere = (await admin.PostJsonOkAsync($"api/pairs/{otherPair}/comments", new { timeSeconds = 0.5, body = "on the other pair" })).GetProperty("id").GetInt32();

        await using var db = world.OpenDb();
        var before = await db.Comments.CountAsync();
        foreach (var replyTo in new[] { elsewhere, int.MaxValue })
        {
            using var refused = await admin.Http.PostAsJsonAsync($"api/pairs/{world.PairId}/comments", new { timeSeconds = 0.5, body = "a stray reply", replyTo });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("not on this comparison", await PortalClient.ErrorOf(refused));
        }
        using (var unknown = await admin.Http.PutAsJsonAsync($"api/comments/{int.MaxValue}/resolved", new { resolved = true }))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(before, await db.Comments.CountAsync());
    }

    [Fact]
    public async Task AViewerCannotResolveAThread()
    {
        const string password = "a-viewer-password-1";
        await world.CreateUserAsync("vera@camreview.test", "Vera Viewer", password, await world.TeamIdAsync(PortalFixture.AdminTeam));
        using var admin = await world.ClientAsync();
        var id = (await admin.PostJsonOkAsync($"api/pairs/{world.PairId}/comments", new { timeSeconds = 0.75, body = "to be resolved" })).GetProperty("id").GetInt32();
        using var viewer = await world.ClientAsync("vera@camreview.test", password);
        using var refused = await viewer.Http.PutAsJsonAsync($"api/comments/{id}/resolved", new { resolved = true });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        await using var db = world.OpenDb();
        Assert.Null((await db.Comments.SingleAsync(c => c.Id == id)).ResolvedUtc);
    }
}
