using CamReview.Core;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Pipeline.Render;
using CamReview.Vision;
using CamReview.Web.Compare;
using CamReview.Web.Jobs;
using CamReview.Web.Services;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Demo;

/// <summary>On the first start of a new data folder (<c>CamReview:Demo:Enabled</c>, default true), makes a complete
/// example by itself: two procedural textures; a reference clip with a real camera move (texture A rendered along a
/// pan trajectory); texture B as the target image; the team "Demo" (owned by the administrators, or adopted by the
/// administrator created at setup) with the project "Demo: camera-motion transfer" and its pair; four render jobs
/// through the ordinary job system (homography with black borders, with a safe crop, parallax with inpainted borders,
/// and a "weak method" that pans at the wrong speed), each scored when it is done; a share link and a comment; then
/// the demo study over those outputs (<see cref="DemoStudy"/>). Runs once: a marker file in the data folder
/// remembers it.</summary>
public sealed class DemoContent(
    IDbContextFactory<CamReviewDb> dbs, AssetService assets, JobStore store, ShareLinkService shareLinks,
    PortalOptions options, DemoStudy study, ILogger<DemoContent> log) : BackgroundService
{
    public const string TeamName = "Demo";
    public const string ProjectName = "Demo: camera-motion transfer";
    public const string PairName = "pan across tiles → mosaic";
    public const string MarkerFile = "demo.done";
    private const int Width = 320, Height = 240, Frames = 24;

    public const string ShareLabel = "Demo share link";

    /// <summary>The renders the demo starts: method, parameters and what they show.</summary>
    public static readonly (RenderMethod Method, string Motion, string Border, double? Speed)[] Renders =
    [
        (RenderMethod.Homography, "reference", "black", null),
        (RenderMethod.Homography, "reference", "safe-crop", null),
        (RenderMethod.Parallax, "reference", "inpaint", null),
        (RenderMethod.Homography, "pan-right", "black", 1.2), // the weak method: the right direction at the wrong speed
    ];

    private string Marker => Path.Combine(options.DataDir, MarkerFile);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (!options.Demo.Enabled || File.Exists(Marker)) return;
        await Task.Yield();
        try
        {
            await CreateAsync(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
        catch (Exception e)
        {
            log.LogError(e, "The demo content could not be made");
        }
    }

    public async Task CreateAsync(CancellationToken ct)
    {
        int projectId;
        int? ownerId;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            if (await db.Projects.AnyAsync(ct))
            {
                // Not a new data folder: nothing is added to what users made.
                await File.WriteAllTextAsync(Marker, "skipped: the data folder had projects\n", ct);
                return;
            }
            var now = DateTime.UtcNow;
            var name = await db.Teams.AnyAsync(t => t.Name == TeamName, ct) ? $"{TeamName} ({now:yyyyMMddHHmmss})" : TeamName;
            var team = new Team { Name = name, CreatedUtc = now };
            // Administrators own it; before setup nobody does, and the administrator created at setup adopts it.
            var admins = await db.Users.Where(u => u.IsAdministrator).Select(u => u.Id).ToListAsync(ct);
            foreach (var id in admins) team.Members.Add(new TeamMember { UserId = id, Role = TeamRole.Owner, AddedUtc = now });
            var project = new Project
            {
                Name = ProjectName, Team = team, CreatedUtc = now,
                Description = "Made by CamReview on first start: a reference clip with a camera pan, a target image, and outputs of two built-in methods and a weak one, scored with CameraScore.",
            };
            db.Projects.Add(project);
            await db.SaveChangesAsync(ct);
            projectId = project.Id;
            ownerId = admins.Count > 0 ? admins[0] : null;
        }
        log.LogInformation("Demo: making the example project {Project}", projectId);

        var work = Path.Combine(options.DataDir, "tmp", "demo");
        Directory.CreateDirectory(work);
        try
        {
            var textureA = Path.Combine(work, "tiles.png");
            var textureB = Path.Combine(work, "mosaic.png");
            using (var a = Texture(640, 480, seed: 7, warm: true)) a.Save(textureA);
            using (var b = Texture(Width, Height, seed: 11, warm: false)) b.Save(textureB);

            // The reference: texture A filmed by a camera panning right (safe-crop, so every frame is full).
            var referencePath = Path.Combine(work, "reference.mp4");
            await new HomographyTransferRenderer().RenderPresetAsync(TrajectoryPreset.PanRight, 0.4, Frames,
                new HomographyRenderOptions { TargetPath = textureA, OutputPath = referencePath, Width = Width, Height = Height, Border = BorderPolicy.SafeCrop },
                cancellationToken: ct);
            var reference = await assets.AddGeneratedAsync(projectId, AssetKind.ReferenceVideo, referencePath, "pan-across-tiles.mp4", null, null, ownerId, ct);
            var target = await assets.AddGeneratedAsync(projectId, AssetKind.TargetImage, textureB, "mosaic.png", null, null, ownerId, ct);
            if (!reference.Succeeded || !target.Succeeded) throw new InvalidOperationException($"demo media refused: {reference.Error ?? target.Error}");

            int pairId;
            await using (var db = await dbs.CreateDbContextAsync(ct))
            {
                var pair = new Pair
                {
                    ProjectId = projectId, Name = PairName, ReferenceAssetId = reference.Value!.Id, TargetAssetId = target.Value!.Id,
                    CreatedByUserId = ownerId, CreatedUtc = DateTime.UtcNow,
                };
                db.Pairs.Add(pair);
                await db.SaveChangesAsync(ct);
                pairId = pair.Id;
            }

            foreach (var (method, motion, border, speed) in Renders)
            {
                var parameters = new RenderParameters { Motion = motion, Border = border, Speed = speed, Frames = Frames };
                if (!RenderRequest.TryParse(method.ToLabel(), parameters, options.Jobs.RenderLimits, out var request, out var error))
                    throw new InvalidOperationException(error);
                var label = speed is null ? request.Label : $"weak: {request.Label}";
                await store.EnqueueAsync(JobKind.Render, projectId, pairId, null, label, request.ToJobJson(), ownerId, ct);
            }
            // A read-only link to the comparison, and a first comment at a time code, so that sharing shows at once.
            var link = await shareLinks.AddAsync(pairId, ShareLabel, ShareLinkService.MaxDays, null, guestsMayComment: false, ownerId, ct);
            await using (var db = await dbs.CreateDbContextAsync(ct))
            {
                db.Comments.Add(new Comment
                {
                    PairId = pairId, TimeSeconds = 0.5, AuthorUserId = ownerId, CreatedUtc = DateTime.UtcNow,
                    Body = "From here the weak method pans faster than the reference: compare its x-shift curve.",
                });
                await db.SaveChangesAsync(ct);
            }
            log.LogInformation("Demo: comparison shared read-only at /{Url}", link.Url);
            await File.WriteAllTextAsync(Marker, $"project {projectId}\n", ct);
            log.LogInformation("Demo: project {Project} with pair {Pair}; {Count} renders queued", projectId, pairId, Renders.Length);
            await study.CreateWhenScoredAsync(projectId, pairId, Renders.Length, ownerId, TimeSpan.FromMinutes(30), ct);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>A procedural texture with plenty of corners (tiles, discs and stripes in seeded random colours), so
    /// that feature matching finds the camera move.</summary>
    public static Image Texture(int width, int height, int seed, bool warm)
    {
        var random = new Random(seed);
        var bgr = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            var o = (y * width + x) * 3;
            var v = (byte)(90 + 60 * Math.Sin(x * 0.05) * Math.Cos(y * 0.07));
            bgr[o] = warm ? (byte)(v / 2) : v;
            bgr[o + 1] = (byte)(v * 0.8);
            bgr[o + 2] = warm ? v : (byte)(v / 2);
        }
        var shapes = width * height / 900;
        for (var s = 0; s < shapes; s++)
        {
            int cx = random.Next(width), cy = random.Next(height), r = random.Next(4, Math.Max(6, width / 18));
            byte b = (byte)random.Next(256), g = (byte)random.Next(256), red = (byte)random.Next(256);
            var disc = random.Next(3) == 0;
            for (var y = Math.Max(0, cy - r); y < Math.Min(height, cy + r); y++)
            for (var x = Math.Max(0, cx - r); x < Math.Min(width, cx + r); x++)
            {
                if (disc && (x - cx) * (x - cx) + (y - cy) * (y - cy) > r * r) continue;
                var o = (y * width + x) * 3;
                var stripe = !disc && ((x + y) / 3) % 2 == 0;
                bgr[o] = stripe ? (byte)(255 - b) : b;
                bgr[o + 1] = stripe ? (byte)(255 - g) : g;
                bgr[o + 2] = stripe ? (byte)(255 - red) : red;
            }
        }
        return Image.FromBgr(bgr, width, height);
    }
}
