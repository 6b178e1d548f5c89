using CamReview.Web.Compare;
using CamReview.Web.Components.Pages.Compare;

namespace CamReview.Web.Components.Tests;

/// <summary>The comment panel of the compare and share pages, rendered on its own.</summary>
public sealed class CommentsPanelTests
{
    private static readonly DateTime Monday = new(2026, 12, 7, 10, 30, 0, DateTimeKind.Utc);

    private static CommentView Comment(int id, double time, string body, string author = "Ada Admin", int? replyTo = null, bool resolved = false, bool guest = false) =>
        new(id, 7, null, null, time, body, author, Monday, AuthorId: guest ? null : 1, ReplyTo: replyTo,
            ResolvedBy: resolved ? "Rita Reviewer" : null, ResolvedUtc: resolved ? Monday.AddHours(2) : null, IsGuest: guest);

    /// <summary>As the comparison lists them: by time code, a thread's replies after its first comment.</summary>
    private static readonly CommentView[] Threads =
    [
        Comment(1, 1.2, "The horizon tilts here."),
        Comment(3, 1.2, "Agreed, about two degrees.", "Rita Reviewer", replyTo: 1),
        Comment(4, 1.2, "Fixed in the next render.", replyTo: 1),
        Comment(2, 62.5, "The border flickers.", resolved: true),
    ];

    [Fact]
    public async Task RepliesAreGroupedUnderTheirThreadWithOneTimeCodePerThread()
    {
        await using var ctx = ComponentContext.New(interactive: true);
        var cut = ctx.Render<CommentsPanel>(p => p.Add(x => x.Comments, Threads));

        var threads = cut.FindAll("[data-testid=comment-thread]");
        Assert.Equal(2, threads.Count);
        var first = threads[0];
        Assert.Equal(["The horizon tilts here.", "Agreed, about two degrees.", "Fixed in the next render."],
            first.QuerySelectorAll("[data-testid=comment-body]").Select(b => b.TextContent));
        // The replies sit in the thread's reply list, and only the thread's first comment has a time code.
        Assert.Equal(2, first.QuerySelectorAll(".comment-replies > li").Length);
        Assert.Equal(["0:01.2", "1:02.5"], cut.FindAll("[data-testid=comment-time]").Select(t => t.TextContent.Trim()));
        Assert.Equal("4", cut.Find("[data-testid=comment-count]").TextContent.Trim());
        // The resolved thread says by whom and when.
        Assert.Equal("true", threads[1].GetAttribute("data-resolved"));
        Assert.Contains("resolved by Rita Reviewer, 7 Dec 2026 12:30 UTC", threads[1].QuerySelector("[data-testid=resolved-by]")!.TextContent);
    }

    [Fact]
    public async Task HideResolvedHidesTheResolvedThreadsOnly()
    {
        await using var ctx = ComponentContext.New(interactive: true);
        var cut = ctx.Render<CommentsPanel>(p => p.Add(x => x.Comments, Threads));
        Assert.Contains("Hide resolved (1)", cut.Find(".comments-filter").TextContent);

        // MudSwitch puts the test id on its input or around it, depending on the version.
        var toggle = cut.Find("[data-testid=hide-resolved]");
        (toggle.TagName == "INPUT" ? toggle : toggle.QuerySelector("input[type=checkbox]")!).Change(true);

        var thread = Assert.Single(cut.FindAll("[data-testid=comment-thread]"));
        Assert.Equal("false", thread.GetAttribute("data-resolved"));
        Assert.Contains("The horizon tilts here.", thread.TextContent);
        // The count still counts every comment.
        Assert.Equal("4", cut.Find("[data-testid=comment-count]").TextContent.Trim());
    }

    [Fact]
    public async Task ServedWithoutACircuitThereIsNoFilterToFlip()
    {
        await using var ctx = ComponentContext.New(interactive: false);
        var cut = ctx.Render<CommentsPanel>(p => p.Add(x => x.Comments, Threads));
        Assert.Empty(cut.FindAll("[data-testid=hide-resolved]"));
        Assert.Equal(2, cut.FindAll("[data-testid=comment-thread]").Count);
        Assert.Empty(cut.FindAll("[data-testid=reply]"));
    }

    [Fact]
    public async Task AGuestsCommentIsLabelledAsAGuestsAndMembersMayDeleteIt()
    {
        await using var ctx = ComponentContext.New(interactive: true);
        CommentView[] comments =
        [
            Comment(1, 0.5, "A member's remark."),
            Comment(2, 0.5, "A guest's reply.", "Grace Hopper" + CommentView.GuestSuffix, replyTo: 1, guest: true),
        ];
        var deleted = new List<int>();
        var cut = ctx.Render<CommentsPanel>(p => p
            .Add(x => x.Comments, comments)
            .Add(x => x.CanComment, true)
            .Add(x => x.CanDelete, c => c.IsGuest)
            .Add(x => x.OnDelete, (CommentView c) => deleted.Add(c.Id)));

        var authors = cut.FindAll("[data-testid=comment-author]");
        Assert.Equal(["Ada Admin", "Grace Hopper (guest)"], authors.Select(a => a.TextContent));
        Assert.False(authors[0].ClassList.Contains("comment-guest"));
        Assert.True(authors[1].ClassList.Contains("comment-guest"));
        Assert.Equal("a guest, through a share link", authors[1].GetAttribute("title"));

        // Only the guest's comment offers a delete button here, and it deletes that one.
        var delete = Assert.Single(cut.FindAll("[data-testid=delete-comment]"));
        delete.Click();
        Assert.Equal([2], deleted);
    }
}
