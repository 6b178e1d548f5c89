using System.Text.RegularExpressions;
using CamReview.Data.Entities;
using CamReview.Web.Demo;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CamReview.Web.Tests;

/// <summary>A portal on a new data folder with the demo on (the default).</summary>
public sealed class DemoPortalFixture : PortalFixture
{
    protected override IEnumerable<string> ExtraArgs =>
        [.. AdminArgs, "--CamReview:Jobs:PollSeconds=0.5", "--CamReview:Jobs:HeartbeatSeconds=0.5", "--CamReview:Jobs:LeaseSeconds=5"];
}

[Collection(JobsCollection.Name)]
public sealed partial class DemoContentTests(DemoPortalFixture portal) : IClassFixture<DemoPortalFixture>
{
    [Fact]
    public async Task ANewDataFolderGetsTheDemoProjectWithScoredOutputsMadeByJobs()
    {
        var deadline = DateTime.UtcNow.AddSeconds(150);
        Project? project = null;
        List<(Asset Output, OutputScore? Score)> outputs = [];
        while (DateTime.UtcNow < deadline)
        {
            await using var db = portal.OpenDb();
            project = await db.Projects.Include(p => p.Team).ThenInclude(t => t.Members).ThenInclude(m => m.User)
                .Include(p => p.Pairs).SingleOrDefaultAsync(p => p.Name == DemoContent.ProjectName);
            if (project is not null)
            {
                var assets = await db.Assets.Where(a => a.ProjectId == project.Id && a.Kind == AssetKind.Output).ToListAsync();
                var ids = assets.Select(a => a.Id).ToList();
                var scores = await db.OutputScores.Where(s => ids.Contains(s.AssetId)).ToDictionaryAsync(s => s.AssetId);
                outputs = assets.Select(a => (a, scores.GetValueOrDefault(a.Id))).ToList();
                if (outputs.Count(o => o.Score?.CameraScore is not null) >= DemoContent.Renders.Length) break;
                Assert.False(await db.Jobs.AnyAsync(j => j.ProjectId == project.Id && j.State == JobState.Failed),
                    string.Join("; ", await db.Jobs.Where(j => j.State == JobState.Failed).Select(j => j.Error).ToListAsync()));
            }
            await Task.Delay(250);
        }
        Assert.NotNull(project);
        Assert.True(outputs.Count(o => o.Score?.CameraScore is not null) >= 2, $"{outputs.Count} outputs, {outputs.Count(o => o.Score is not null)} scored");

        // The administrator owns the demo team; its one pair has a real camera move and the outputs hang off it.
        Assert.Equal(DemoContent.TeamName, project!.Team.Name);
        var owner = Assert.Single(project.Team.Members);
        Assert.Equal((PortalFixture.AdminEmail, TeamRole.Owner), (owner.User.Email, owner.Role));
        var pair = Assert.Single(project.Pairs);
        Assert.All(outputs, o => Assert.Equal(pair.Id, o.Output.PairId));
        await using (var db = portal.OpenDb())
        {
            // Made through the job system: every output by a succeeded render job with its device and timings.
            var renders = await db.Jobs.Where(j => j.ProjectId == project.Id && j.Kind == JobKind.Render).ToListAsync();
            Assert.Equal(DemoContent.Renders.Length, renders.Count);
            Assert.All(renders, j => Assert.Equal(JobState.Succeeded, j.State));
            Assert.All(renders, j => Assert.StartsWith("cpu", j.Device));
            var reference = await db.Assets.SingleAsync(a => a.Id == pair.ReferenceAssetId);
            Assert.Equal((AssetKind.ReferenceVideo, 24), (reference.Kind, reference.FrameCount));
        }
        // The faithful transfer follows the reference's move more closely than the weak method's wrong speed.
        var black = outputs.Single(o => o.Output.MethodName == "homography (black)").Score!.CameraScore!.Value;
        var weak = outputs.Single(o => o.Output.MethodName!.StartsWith("weak:")).Score!.CameraScore!.Value;
        Assert.True(black < weak, $"CameraScore faithful {black} vs weak {weak}");
        Assert.True(File.Exists(Path.Combine(portal.DataDir, DemoContent.MarkerFile)));

        // And it shows: the pair page lists the outputs with their scores.
        var page = await portal.SignedInPageAsync();
        await page.GotoLiveAsync($"projects/{project.Id}/pairs/{pair.Id}");
        await Assertions.Expect(page.GetByTestId("output")).ToHaveCountAsync(outputs.Count);
        await Assertions.Expect(page.GetByTestId("camera-score").First).ToHaveTextAsync(new Regex(@"\d"));
        if (Environment.GetEnvironmentVariable("CAMREVIEW_SCREENSHOT") is { Length: > 0 } shot)
            await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
        await page.Context.CloseAsync();
    }
}

/// <summary>The administrator created at first-run setup adopts the demo team (made before anyone could own it) and
/// still gets a team of their own.</summary>
public sealed class DemoAdoptionTests
{
    [Fact]
    public async Task TheFirstAdministratorOwnsTheDemoTeamAndTheirOwnTeam()
    {
        var dataDir = Directory.CreateTempSubdirectory("camreview-adopt-").FullName;
        try
        {
            await using var portal = await TestPortal.StartAsync(dataDir, PortalFixture.NoDemo);
            await using (var db = portal.OpenDb())
            {
                db.Teams.Add(new Team { Name = DemoContent.TeamName, CreatedUtc = DateTime.UtcNow });
                await db.SaveChangesAsync();
            }
            var accounts = portal.App.Services.GetRequiredService<CamReview.Web.Accounts.AccountService>();
            var admin = await accounts.CreateAdministratorAsync("grace@example.org", "Grace", "cobol-1959-grace", "Optics lab");
            Assert.True(admin.Succeeded, admin.Error);
            await using (var db = portal.OpenDb())
            {
                var teams = await db.TeamMembers.Where(m => m.UserId == admin.Value!.Id).Select(m => new { m.Team.Name, m.Role }).ToListAsync();
                Assert.Equal([DemoContent.TeamName, "Optics lab"], teams.Select(t => t.Name).Order());
                Assert.All(teams, t => Assert.Equal(TeamRole.Owner, t.Role));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
