using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Vision;
using CamReview.Web.Jobs;
using CamReview.Web.Media;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CamReview.Web.Studies;

/// <summary>Where a study's videos for participants stand: <see cref="Ready"/> once encoded; until then the job's
/// stage and percent, or its error.</summary>
public sealed record StudyMediaStatus(bool Ready, int? JobId, string Stage, double Percent, string? Error, string? Profile);

/// <summary>Queues the encoding of a study's videos when it opens (<see cref="StudyMediaJobExecutor"/> does it), and at
/// start for every open or paused study that has never had one (an upgrade from a release without it).</summary>
public sealed class StudyMediaPreparation(IDbContextFactory<CamReviewDb> dbs, JobStore jobs, ILogger<StudyMediaPreparation> log) : IHostedService
{
    public sealed record Parameters(int StudyId);

    /// <summary>Encodings of each output: as many as a trial has places when the study has attention checks (every place
    /// of a check gets its own), else one. References have one.</summary>
    public static int OutputVariants(Study study) => study.AttentionChecks > 0 ? study.CandidatesPerTrial : 1;

    /// <summary>The encoded video (or its poster) of one study video.</summary>
    public static string FileOf(IMediaStore store, int studyId, string mediaKey, int variant, bool poster) =>
        Path.Combine(store.StudyFolder(studyId), $"{mediaKey}-{variant.ToString(CultureInfo.InvariantCulture)}.{(poster ? "jpg" : "mp4")}");

    /// <summary>Queues a new encoding of the study's videos and records the job with the study.</summary>
    public async Task<JobView> QueueAsync(int studyId, int? userId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var projectId = await db.Studies.Where(s => s.Id == studyId).Select(s => s.ProjectId).SingleAsync(ct);
        var job = await jobs.EnqueueAsync(JobKind.PrepareStudyMedia, projectId, null, null, null, JsonSerializer.Serialize(new Parameters(studyId)), userId, ct);
        await db.Studies.Where(s => s.Id == studyId).ExecuteUpdateAsync(s => s.SetProperty(x => x.MediaJobId, job.Id), ct);
        return job;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        List<int> unprepared;
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            unprepared = await db.Studies.Where(s => (s.State == StudyState.Open || s.State == StudyState.Paused) && s.MediaReadyUtc == null && s.MediaJobId == null)
                .Select(s => s.Id).ToListAsync(cancellationToken);
            // Opened by a release that served the proxies: the keys need a secret.
            foreach (var id in unprepared)
                await db.Studies.Where(s => s.Id == id && s.MediaSecret == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.MediaSecret, StudyMediaKeys.NewSecret()), cancellationToken);
        }
        foreach (var id in unprepared)
        {
            await QueueAsync(id, null, cancellationToken);
            log.LogInformation("Study {Study}: its participants' videos are prepared (opened before they were)", id);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Encodes every video a study shows (references and outputs) to one profile for participants, from the
/// originals (which stay as they are): one picture size for the whole study (the box that holds every video, at most
/// <see cref="StudyOptions.MediaMaxSide"/>; each video scaled to fit and letterboxed), one frame rate (the highest of
/// its videos, at most 60), H.264 at one constant bitrate with filler, no metadata, faststart
/// (<see cref="FfmpegTranscoder.ToUniformMp4Async"/>). Outputs get <see cref="StudyMediaPreparation.OutputVariants"/>
/// encodings with different noise seeds. Then every video is padded to the size of the largest and every poster (the
/// first frame) to the largest poster, so all files participants fetch have one size per kind. The files are made in a
/// folder of their own and moved into place together; the study takes participants from then on.</summary>
public sealed class StudyMediaJobExecutor(
    IDbContextFactory<CamReviewDb> dbs, IMediaStore store, IOptions<StudyOptions> options, StudyEvents events, ILogger<StudyMediaJobExecutor> log) : IJobExecutor
{
    /// <summary>The highest frame rate of participants' videos: faster sources lose frames.</summary>
    public const double MaxFps = 60;

    /// <summary>The lowest bitrate: below it x264 cannot keep small clips watchable.</summary>
    public const int MinBitrate = 100_000;

    public JobKind Kind => JobKind.PrepareStudyMedia;

    private sealed record Source(string MediaKey, int Variants, string Path, double Fps, int Width, int Height);

    public async Task<JobResult> ExecuteAsync(JobContext context, CancellationToken ct)
    {
        var parameters = JsonSerializer.Deserialize<StudyMediaPreparation.Parameters>(context.Job.ParametersJson)
            ?? throw new JobFailedException("The job names no study.");
        var studyId = parameters.StudyId;
        Study study;
        List<Source> sources;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            study = await db.Studies.AsNoTracking().Include(s => s.Media).ThenInclude(m => m.Asset).AsSplitQuery().SingleOrDefaultAsync(s => s.Id == studyId, ct)
                ?? throw new JobFailedException("The study was deleted.");
        }
        var secret = study.MediaSecret ?? throw new JobFailedException("The study has no media secret: it was never opened.");
        var outputVariants = StudyMediaPreparation.OutputVariants(study);
        sources = study.Media.Where(m => m.Asset is { } a && a.MediaType.StartsWith("video/", StringComparison.Ordinal))
            .Select(m => new Source(m.Key, m.MethodName is null ? 1 : outputVariants, store.Original(m.Asset!.Sha256, m.Asset.MediaType),
                PlaybackProxies.RateOf(m.Asset.Fps), m.Asset.Width, m.Asset.Height))
            .ToList();
        if (sources.Count == 0) throw new JobFailedException("The study shows no videos.");
        if (sources.FirstOrDefault(s => !File.Exists(s.Path)) is { } missing)
            throw new JobFailedException("A video of the study is missing from the data folder (see the health page).");

        var profile = ProfileOf(sources.Select(s => (s.Width, s.Height, s.Fps)), options.Value);
        var clock = Stopwatch.StartNew();
        var studies = Path.GetDirectoryName(store.StudyFolder(studyId))!;
        Directory.CreateDirectory(studies);
        var work = Path.Combine(studies, $".{studyId.ToString(CultureInfo.InvariantCulture)}.{Guid.NewGuid():N}.partial");
        Directory.CreateDirectory(work);
        try
        {
            var total = sources.Sum(s => s.Variants);
            var done = 0;
            var videos = new List<string>();
            var posters = new List<string>();
            context.Report("encode", 0, 0, total);
            foreach (var source in sources)
                for (int variant = 0; variant < source.Variants; variant++)
                {
                    var video = Path.Combine(work, $"{source.MediaKey}-{variant.ToString(CultureInfo.InvariantCulture)}.mp4");
                    var poster = Path.ChangeExtension(video, ".jpg");
                    try
                    {
                        await FfmpegTranscoder.ToUniformMp4Async(source.Path, video, source.Fps, profile, StudyMediaKeys.NoiseSeed(secret, source.MediaKey, variant),
                            PlaybackProxies.Encode.Preset!, ct);
                        await FfmpegTranscoder.PosterJpegAsync(video, poster, ct);
                    }
                    catch (FfmpegException e)
                    {
                        throw new JobFailedException($"ffmpeg could not encode a video of the study: {(string.IsNullOrWhiteSpace(e.StandardError) ? e.Message : e.StandardError.Trim())}"
                            .Replace(source.Path, "the original", StringComparison.Ordinal).Replace(work, "tmp", StringComparison.Ordinal), e);
                    }
                    videos.Add(video);
                    posters.Add(poster);
                    done++;
                    context.Report("encode", 95.0 * done / total, done, total);
                }
            var encodeSeconds = clock.Elapsed.TotalSeconds;

            context.Report("pad", 96);
            // Every file gets some padding, so that each ends alike (a free box, a comment segment after the start).
            var videoSize = videos.Max(v => new FileInfo(v).Length) + UniformFiles.Mp4MinPadding;
            var posterSize = posters.Max(p => new FileInfo(p).Length) + UniformFiles.JpegMinPadding;
            foreach (var v in videos) UniformFiles.PadMp4(v, videoSize);
            foreach (var p in posters) UniformFiles.PadJpeg(p, posterSize);

            var final = store.StudyFolder(studyId);
            if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
            Directory.Move(work, final);
            var description = string.Create(CultureInfo.InvariantCulture,
                $"{profile.Width}×{profile.Height}, {profile.Fps:0.###} fps, H.264 at a constant {profile.Bitrate / 1e6:0.###} Mb/s; {videos.Count} videos of {videoSize:N0} bytes, posters of {posterSize:N0} bytes");
            int updated;
            await using (var db = await dbs.CreateDbContextAsync(CancellationToken.None))
                updated = await db.Studies.Where(s => s.Id == studyId && s.MediaJobId == context.Job.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.MediaReadyUtc, DateTime.UtcNow).SetProperty(x => x.MediaProfile, description), CancellationToken.None);
            if (updated == 0) throw new JobFailedException("The study was deleted, or its videos are being prepared by another job.");
            events.Raise(studyId);
            log.LogInformation("Study {Study}: {Videos} participant videos ready in {Seconds:0.0} s ({Profile})", studyId, videos.Count, clock.Elapsed.TotalSeconds, description);
            return new JobResult(null, "cpu (ffmpeg, libx264)", new Dictionary<string, double>
            {
                ["encode"] = encodeSeconds, ["pad"] = clock.Elapsed.TotalSeconds - encodeSeconds,
            });
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The study's one profile: the box holding every video (made to fit <see cref="StudyOptions.MediaMaxSide"/>,
    /// even sides), the highest frame rate (at most <see cref="MaxFps"/>), the configured bits per pixel at that size and
    /// rate (at least <see cref="MinBitrate"/>).</summary>
    public static UniformVideoProfile ProfileOf(IEnumerable<(int Width, int Height, double Fps)> videos, StudyOptions options)
    {
        var all = videos.ToList();
        if (all.Count == 0) throw new ArgumentException("No videos", nameof(videos));
        int width = all.Max(v => v.Width), height = all.Max(v => v.Height);
        var scale = Math.Min(1.0, options.MediaMaxSide / (double)Math.Max(width, height));
        static int Even(double side) => Math.Max(2, (int)Math.Floor(side / 2) * 2);
        var (w, h) = (Even(width * scale), Even(height * scale));
        var fps = Math.Min(MaxFps, all.Max(v => v.Fps));
        var bitrate = (int)Math.Max(MinBitrate, Math.Round(w * (double)h * fps * options.MediaBitsPerPixel));
        return new UniformVideoProfile(w, h, fps, bitrate);
    }
}
