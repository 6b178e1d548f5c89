using System.Diagnostics;
using System.Text.Json;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Pipeline.Analyze;
using CamReview.Pipeline.Render;
using CamReview.Pipeline.Score;
using CamReview.Web.Media;
using CamReview.Web.Services;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Jobs;

/// <summary>The analysis cache of the portal: JSON files under the data folder, keyed by content hash and settings,
/// shared by renders (the reference's motion) and scores (both clips).</summary>
public sealed class PortalAnalysisCache(PortalOptions options)
{
    public IAnalysisCache Cache { get; } = new FolderAnalysisCache(Path.Combine(options.DataDir, "cache", "analysis"));
}

/// <summary>Render jobs: the stored request run by <see cref="RenderJobRun"/> into a temporary file, then the file
/// stored by <see cref="RenderOutputStore"/> as an Output of the pair (never a half-written file in media/), then its
/// score queued. Jobs of external methods never come here: only workers run them.</summary>
public sealed class RenderJobExecutor(
    IDbContextFactory<CamReviewDb> dbs, IMediaStore store, RenderOutputStore outputs, PortalAnalysisCache cache, PortalOptions portal)
    : IJobExecutor
{
    public JobKind Kind => JobKind.Render;

    public async Task<JobResult> ExecuteAsync(JobContext context, CancellationToken ct)
    {
        var job = context.Job;
        if (!RenderRequest.TryParseJob(job.ParametersJson, portal.Jobs.RenderLimits, out var request, out var error)) throw new JobFailedException(error);

        Pair pair;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            pair = await db.Pairs.AsNoTracking().Include(p => p.ReferenceAsset).Include(p => p.TargetAsset).Include(p => p.DepthAsset)
                .SingleOrDefaultAsync(p => p.Id == job.PairId, ct) ?? throw new JobFailedException("The pair was deleted.");
        }
        context.ExpectedFrames = pair.ReferenceAsset.FrameCount ?? 2;
        var output = store.NewTempPath(".render.mp4");
        context.TempFiles.Add(output);
        // Parallax depth: the pair's depth map, else the configured model, else planar.
        var depthMap = pair.DepthAsset is { } d ? store.Original(d.Sha256, d.MediaType) : null;
        var files = new RenderJobFiles(
            store.Original(pair.ReferenceAsset.Sha256, pair.ReferenceAsset.MediaType),
            store.Original(pair.TargetAsset.Sha256, pair.TargetAsset.MediaType),
            depthMap, portal.Models.Depth, output);
        RenderOutcome outcome;
        try
        {
            outcome = await RenderJobRun.RenderAsync(request, files, cache.Cache, context.Report, context.ExpectedFrames, context.FrameDelayMs, ct);
        }
        catch (Exception e) when (RenderJobRun.IsInputError(e))
        {
            throw new JobFailedException(e.Message, e);
        }

        ct.ThrowIfCancellationRequested();
        context.Report("store", 98);
        var clock = Stopwatch.StartNew();
        var stored = await outputs.StoreAsync(job, output, ct);
        if (!stored.Succeeded) throw new JobFailedException(stored.Error!);
        var timings = new Dictionary<string, double>(outcome.Timings) { ["store"] = clock.Elapsed.TotalSeconds };
        return new JobResult(stored.Value!.Id, JobLabels.Fit(outcome.Device), timings);
    }
}

/// <summary>The files a render job reads and writes, wherever it runs (the portal's media folder, or a worker's
/// downloads).</summary>
public sealed record RenderJobFiles(string Reference, string Target, string? DepthMap, string? DepthModel, string Output);

/// <summary>How a stored render request runs, for the portal's <see cref="RenderJobExecutor"/> and for
/// <c>camreview worker</c> alike: the pair's files attached, rendered by <see cref="RenderService"/>, its steps
/// mapped onto the job's stage and percent.</summary>
public static class RenderJobRun
{
    /// <summary>Renders <paramref name="request"/> (parsed from the job's parameters) with <paramref name="files"/>. The
    /// depth map and model are used by parallax only: the map when the pair has one, else the model, else planar.</summary>
    /// <param name="report">Stage, overall percent, and for rendered frames the frames done and total.</param>
    /// <param name="expectedFrames">The reference's frame count, for the analysis's share of the percent.</param>
    /// <param name="frameDelayMs">A delay per rendered frame (tests and demonstrations of progress); 0 = none.</param>
    public static Task<RenderOutcome> RenderAsync(RenderRequest request, RenderJobFiles files, IAnalysisCache? cache,
        Action<string, double, int, int> report, int expectedFrames, int frameDelayMs, CancellationToken ct)
    {
        var parallax = request.Method == RenderMethod.Parallax;
        var depthMap = parallax ? files.DepthMap : null;
        var model = parallax && depthMap is null ? files.DepthModel : null;
        if (model is not null && !File.Exists(model))
            throw new FileNotFoundException($"The configured depth model is not there: '{model}'.", model);
        request = request with
        {
            ReferencePath = files.Reference, TargetPath = files.Target, OutputPath = files.Output, DepthPath = depthMap, DepthModelPath = model,
        };
        return new RenderService().RenderAsync(request, new RenderRunOptions { Cache = cache, Progress = Progress(report, request, expectedFrames, frameDelayMs) }, ct);
    }

    /// <summary>A failure the same request would meet again (bad input, a missing file): the job fails with its message.</summary>
    public static bool IsInputError(Exception e) =>
        e is ArgumentException or InvalidDataException or InvalidOperationException or FileNotFoundException or MediaInputException;

    /// <summary>Render steps mapped onto the job's percent: analysis (from a reference) takes 0-29%, rendering runs up to
    /// 97%, encoding finishes.</summary>
    private static SyncProgress<RenderStepProgress> Progress(Action<string, double, int, int> report, RenderRequest request, int expectedFrames, int delay)
    {
        var renderStart = request.Motion.Kind == RenderMotionKind.Reference ? 30.0 : 2.0;
        return new SyncProgress<RenderStepProgress>(r =>
        {
            switch (r.Step)
            {
                case RenderStep.Analyze: report("analyze", Math.Min(29, 29.0 * r.Done / Math.Max(1, expectedFrames - 1)), 0, 0); break;
                case RenderStep.Prepare: report("prepare", renderStart, 0, 0); break;
                case RenderStep.Render:
                    if (r.Done > 0 && delay > 0) Thread.Sleep(delay);
                    report("render", renderStart + (97 - renderStart) * r.Fraction, r.Done, r.Total);
                    break;
                case RenderStep.Encode: report("encode", 97, 0, 0); break;
            }
        });
    }
}

/// <summary>Where a rendered video goes, whoever rendered it (this portal or a worker): validated and stored by
/// <see cref="AssetService.AddGeneratedAsync"/> as an Output of the job's pair, named by its method, then scored.</summary>
public sealed class RenderOutputStore(IDbContextFactory<CamReviewDb> dbs, AssetService assets, OutputScoring scoring)
{
    /// <summary>Stores <paramref name="file"/> (moved or deleted); the output (an identical one already stored counts).</summary>
    public async Task<Result<AssetView>> StoreAsync(Job job, string file, CancellationToken ct)
    {
        Pair? pair;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            pair = await db.Pairs.AsNoTracking().SingleOrDefaultAsync(p => p.Id == job.PairId, ct);
        }
        if (pair is null) return Result<AssetView>.Fail("The pair was deleted.", ResultStatus.NotFound);
        var methodName = job.MethodName ?? job.Method ?? "render";
        var added = await assets.AddGeneratedAsync(pair.ProjectId, AssetKind.Output, file, $"{methodName} · {pair.Name}", methodName, pair.Id, job.CreatedByUserId, ct);
        if (!added.Succeeded && added.Status != ResultStatus.Conflict)
            return Result<AssetView>.Fail($"The rendered file was not stored: {added.Error}", added.Status);
        await scoring.QueueAsync(added.Value!.Id, job.CreatedByUserId, CancellationToken.None);
        return Result<AssetView>.Ok(added.Value!);
    }
}

/// <summary>Queues score jobs for outputs that belong to a pair (rendered or imported), once per output.</summary>
public sealed class OutputScoring(IDbContextFactory<CamReviewDb> dbs, JobStore jobs)
{
    public async Task<JobView?> QueueAsync(int outputAssetId, int? userId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var output = await db.Assets.AsNoTracking().Where(a => a.Id == outputAssetId && a.Kind == AssetKind.Output && a.PairId != null)
            .Select(a => new { a.ProjectId, a.PairId, a.MethodName }).SingleOrDefaultAsync(ct);
        if (output is null) return null;
        var pending = await db.Jobs.AnyAsync(j => j.Kind == JobKind.ScoreOutput && j.AssetId == outputAssetId &&
                                                  (j.State == JobState.Queued || j.State == JobState.Running), ct);
        if (pending || await db.OutputScores.AnyAsync(s => s.AssetId == outputAssetId, ct)) return null;
        return await jobs.EnqueueAsync(JobKind.ScoreOutput, output.ProjectId, output.PairId, outputAssetId, output.MethodName, "{}", userId, ct);
    }
}

/// <summary>Score jobs: the output analysed and scored against its pair's reference (ClipScorer, through the analysis
/// cache); the whole score kept as JSON, CameraScore also as a column.</summary>
public sealed class ScoreJobExecutor(IDbContextFactory<CamReviewDb> dbs, IMediaStore store, PortalAnalysisCache cache, PortalOptions portal) : IJobExecutor
{
    public JobKind Kind => JobKind.ScoreOutput;

    public async Task<JobResult> ExecuteAsync(JobContext context, CancellationToken ct)
    {
        var job = context.Job;
        Asset output, reference, target;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            output = await db.Assets.AsNoTracking().SingleOrDefaultAsync(a => a.Id == job.AssetId, ct) ?? throw new JobFailedException("The output was deleted.");
            var pairId = output.PairId ?? throw new JobFailedException("The output belongs to no pair: there is no reference to score it against.");
            var pair = await db.Pairs.AsNoTracking().Where(p => p.Id == pairId).Select(p => new { p.ReferenceAsset, p.TargetAsset }).SingleOrDefaultAsync(ct)
                ?? throw new JobFailedException("The pair was deleted.");
            (reference, target) = (pair.ReferenceAsset, pair.TargetAsset);
        }
        // Scene metrics: similarity to the pair's target image (the configured encoder, else the classical fallback) and flicker.
        var scene = new SceneMetricsOptions
        {
            TargetPath = store.Original(target.Sha256, target.MediaType),
            EncoderPath = portal.Models.SceneEncoder,
        };
        context.Report("analyze", 5);
        var clock = Stopwatch.StartNew();
        var scorer = new ClipScorer(cache.Cache);
        ScoreResult result;
        try
        {
            result = await Task.Run(() => scorer.Score(
                store.Original(reference.Sha256, reference.MediaType),
                store.Original(output.Sha256, output.MediaType), new ScoreOptions { Scene = scene }, ct), ct);
        }
        catch (Exception e) when (e is MediaInputException or ArgumentException or FileNotFoundException or InvalidDataException)
        {
            throw new JobFailedException(e.Message, e);
        }
        context.Report("score", 95);
        // Stored without the server's file paths.
        result = result with
        {
            Reference = result.Reference with { Path = reference.DisplayName },
            Generated = result.Generated with { Path = output.DisplayName },
            SceneSimilarity = result.SceneSimilarity is { } similarity ? similarity with { Target = target.DisplayName } : null,
            SceneEncoder = result.SceneEncoder is { Path: { } modelPath } encoder ? encoder with { Path = Path.GetFileName(modelPath) } : result.SceneEncoder,
        };
        var json = JsonSerializer.Serialize(result, FolderAnalysisCache.JsonOptions);
        var device = JobLabels.ScoreDevice(result.SceneEncoder);
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            var row = await db.OutputScores.SingleOrDefaultAsync(s => s.AssetId == output.Id, ct);
            if (row is null) db.OutputScores.Add(row = new OutputScore { AssetId = output.Id, ResultJson = json });
            row.ReferenceAssetId = reference.Id;
            row.CameraScore = result.CameraScore;
            row.CameraScoreReason = result.CameraScoreReason is { Length: > CamReviewDb.ErrorMaxLength } r ? r[..CamReviewDb.ErrorMaxLength] : result.CameraScoreReason;
            row.ResultJson = json;
            row.MotionJson = result is { ReferenceAnalysis: { } ra, GeneratedAnalysis: { } ga }
                ? JsonSerializer.Serialize(new Compare.StoredMotion(Compare.MotionCurve.From(ra), Compare.MotionCurve.From(ga)), FolderAnalysisCache.JsonOptions)
                : null;
            row.Device = device;
            row.ScoredUtc = DateTime.UtcNow;
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (e.InnerException?.Message.Contains("FOREIGN KEY") == true)
            {
                throw new JobFailedException("The output was deleted while it was scored.", e);
            }
        }
        return new JobResult(output.Id, device, new Dictionary<string, double>
        {
            ["analyze"] = result.AnalyzeMs / 1000, ["score"] = result.ScoreMs / 1000, ["scene"] = result.SceneMs / 1000, ["scoreTotal"] = clock.Elapsed.TotalSeconds,
        });
    }
}

/// <summary>Analyze jobs: a reference video's camera motion into the analysis cache (renders and scores then find it there).</summary>
public sealed class AnalyzeJobExecutor(IDbContextFactory<CamReviewDb> dbs, IMediaStore store, PortalAnalysisCache cache) : IJobExecutor
{
    public JobKind Kind => JobKind.Analyze;

    public async Task<JobResult> ExecuteAsync(JobContext context, CancellationToken ct)
    {
        Asset clip;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            clip = await db.Assets.AsNoTracking().SingleOrDefaultAsync(a => a.Id == context.Job.AssetId, ct) ?? throw new JobFailedException("The clip was deleted.");
        }
        var frames = Math.Max(2, clip.FrameCount ?? 2);
        var clock = Stopwatch.StartNew();
        context.Report("analyze", 0);
        try
        {
            await Task.Run(() => cache.Cache.GetOrAnalyze(new ClipAnalyzer(), store.Original(clip.Sha256, clip.MediaType), out _,
                new SyncProgress<AnalysisProgress>(p => context.Report("analyze", 99.0 * p.PairsDone / (frames - 1), p.PairsDone, frames - 1)), ct), ct);
        }
        catch (MediaInputException e)
        {
            throw new JobFailedException(e.Message, e);
        }
        return new JobResult(clip.Id, "cpu (OpenCV)", new Dictionary<string, double> { ["analyze"] = clock.Elapsed.TotalSeconds });
    }
}
