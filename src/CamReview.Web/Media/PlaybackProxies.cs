using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using CamReview.Data;
using CamReview.Vision;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Media;

/// <summary>The browser proxies of videos (<see cref="MediaFiles.Playback"/>): an H.264 / yuv420p / +faststart MP4
/// without metadata, at a constant frame rate, made with <see cref="FfmpegTranscoder"/> from the original (which stays
/// for analysis and download). Every video gets one, browser-playable originals too: the proxy carries no title,
/// comment or encoder tag that could name the method of an output in a blind study, every video in a comparison is
/// encoded alike, and its frames are evenly spaced from 0 so that players keep in sync frame by frame.
///
/// <para>Made in the background, one at a time (x264 at preset veryfast uses both cores): uploads and renders queue
/// their video once stored; at start every video without a proxy is queued (an upgrade makes the proxies of what was
/// uploaded before). A request for a proxy that is not there yet (not made, or its file was lost) makes it then, or
/// waits for the run already making it. A video whose proxy cannot be made keeps ffmpeg's reason
/// (<see cref="Data.Entities.Asset.PlaybackError"/>) and is not tried again at start.</para></summary>
public sealed class PlaybackProxies(IDbContextFactory<CamReviewDb> dbs, IMediaStore store, ILogger<PlaybackProxies> log) : BackgroundService
{
    /// <summary>x264 settings of the proxies: visually close to the original (CRF 20) at a speed that keeps a 1080p
    /// clip to seconds (BENCHMARKS.md).</summary>
    public static readonly FfmpegEncodeOptions Encode = new() { Preset = "veryfast", Crf = 20 };

    /// <summary>The rate of a proxy whose original reports none (the compare page's default too).</summary>
    public const double DefaultFps = 24;

    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    private readonly ConcurrentDictionary<string, Lazy<Task<bool>>> _running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _encoders = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Raised with the hash of a video whose proxy was made (or failed): pages showing it refresh.</summary>
    public event Action<string>? Changed;

    /// <summary>Queues a stored video for its proxy (nothing happens for images or a video that has one).</summary>
    public void Queue(string sha256) => _queue.Writer.TryWrite(sha256);

    /// <summary>The proxy of a stored video, made now when it is not there (waiting for a run already making it);
    /// null when the video has no asset any more or ffmpeg could not make it.</summary>
    public async Task<string?> PathAsync(string sha256, CancellationToken ct)
    {
        var path = store.Playback(sha256);
        if (File.Exists(path)) return path;
        // The request may go away; the run goes on for the next one.
        return await EnsureAsync(sha256).WaitAsync(ct) ? path : null;
    }

    private Task<bool> EnsureAsync(string sha256)
    {
        var run = _running.GetOrAdd(sha256, sha => new Lazy<Task<bool>>(() => Task.Run(() => MakeAsync(sha))));
        run.Value.ContinueWith(_ => _running.TryRemove(new KeyValuePair<string, Lazy<Task<bool>>>(sha256, run)), TaskScheduler.Default);
        return run.Value;
    }

    private async Task<bool> MakeAsync(string sha256)
    {
        var path = store.Playback(sha256);
        await using var db = await dbs.CreateDbContextAsync();
        var video = await db.Assets.AsNoTracking().Where(a => a.Sha256 == sha256 && a.MediaType.StartsWith("video/"))
            .OrderBy(a => a.Id).Select(a => new { a.MediaType, a.Fps, a.PlaybackFps }).FirstOrDefaultAsync();
        if (video is null) return false;
        var fps = RateOf(video.Fps);
        if (File.Exists(path))
        {
            // Made for another asset of the same content: recorded on every row of it.
            await RecordAsync(db, sha256, video.PlaybackFps ?? fps, new FileInfo(path).Length, null);
            return true;
        }
        var original = store.Original(sha256, video.MediaType);
        if (!File.Exists(original)) return false;

        var temp = store.NewTempPath(".playback.mp4");
        await _encoders.WaitAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            BrowserMp4 made;
            try
            {
                made = await FfmpegTranscoder.ToBrowserMp4Async(original, temp, fps, Encode, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return false; // the portal stops: made at the next start
            }
            catch (FfmpegException e)
            {
                log.LogWarning("No playback proxy for {Sha}: {Error}", sha256, e.Message);
                // Kept (and shown to the team) without the server's paths.
                var reason = (string.IsNullOrWhiteSpace(e.StandardError) ? e.Message : e.StandardError.Trim())
                    .Replace(original, "the original", StringComparison.Ordinal).Replace(Path.GetDirectoryName(temp)!, "tmp", StringComparison.Ordinal);
                await RecordAsync(db, sha256, null, null, reason.Length > CamReviewDb.ErrorMaxLength ? reason[..CamReviewDb.ErrorMaxLength] : reason);
                return false;
            }
            using (await store.LockAsync(CancellationToken.None))
            {
                // Deleted while it was encoded: the proxy goes too.
                if (!await db.Assets.AnyAsync(a => a.Sha256 == sha256)) return false;
                File.Move(temp, path, overwrite: true);
                await RecordAsync(db, sha256, made.Fps, made.SizeBytes, null);
            }
            log.LogInformation("Playback proxy of {Sha} made in {Seconds:0.00} s ({Bytes} bytes at {Fps:0.###} fps)",
                sha256, clock.Elapsed.TotalSeconds, made.SizeBytes, made.Fps);
            return true;
        }
        finally
        {
            _encoders.Release();
            store.TryDelete(temp);
        }
    }

    private async Task RecordAsync(CamReviewDb db, string sha256, double? fps, long? size, string? error)
    {
        await db.Assets.Where(a => a.Sha256 == sha256).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.PlaybackFps, fps).SetProperty(a => a.PlaybackSizeBytes, size).SetProperty(a => a.PlaybackError, error));
        try
        {
            Changed?.Invoke(sha256);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "A page failed to take the news of the proxy of {Sha}", sha256);
        }
    }

    /// <summary>The proxy's constant rate: the video's (average) rate, else <see cref="DefaultFps"/>.</summary>
    public static double RateOf(double? fps) => fps is { } f && double.IsFinite(f) && f is > 0 and <= 1000 ? f : DefaultFps;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using (var db = await dbs.CreateDbContextAsync(stoppingToken))
            {
                // Upgrade: the videos stored before proxies existed (and any whose proxy was not made before a stop).
                var pending = await db.Assets.AsNoTracking()
                    .Where(a => a.MediaType.StartsWith("video/") && a.PlaybackSizeBytes == null && a.PlaybackError == null)
                    .OrderBy(a => a.Id).Select(a => a.Sha256).Distinct().ToListAsync(stoppingToken);
                if (pending.Count > 0) log.LogInformation("{Count} video(s) without a playback proxy queued", pending.Count);
                foreach (var sha in pending) Queue(sha);
            }
            await foreach (var sha in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    if (!File.Exists(store.Playback(sha)) || await UnrecordedAsync(sha, stoppingToken))
                        await EnsureAsync(sha).WaitAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "The playback proxy of {Sha} failed", sha);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _stopping.Dispose();
        base.Dispose();
    }

    private async Task<bool> UnrecordedAsync(string sha256, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Assets.AnyAsync(a => a.Sha256 == sha256 && a.PlaybackSizeBytes == null, ct);
    }
}
