using System.Diagnostics;
using System.Linq.Expressions;
using CamReview.Pipeline.Render;
using CamReview.Data.Entities;

namespace CamReview.Web.Jobs;

/// <summary>What a running job reports through: stage, percent and ETA (sent live to viewers, saved with heartbeats).</summary>
public sealed class JobContext(Job job, JobView view, JobEvents events, int frameDelayMs)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();
    private (string Stage, double Percent, double? Eta) _now = ("starting", 0, null);
    private (string Stage, double Percent, Stopwatch Clock)? _stageStart;

    public Job Job { get; } = job;
    public int FrameDelayMs { get; } = frameDelayMs;

    /// <summary>Frames of the clip being analysed, when known (for the analysis's progress).</summary>
    public int ExpectedFrames { get; set; } = 2;

    /// <summary>Files to delete when the job ends, however it ends.</summary>
    public List<string> TempFiles { get; } = [];

    public bool CancelRequested { get; set; }
    public bool LeaseLost { get; set; }

    public (string Stage, double Percent, double? Eta) Current
    {
        get { lock (_gate) return _now; }
    }

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>A stage and overall percent; with frames done/total the ETA is estimated from this stage's rate.</summary>
    public void Report(string stage, double percent, int done = 0, int total = 0)
    {
        double? eta = null;
        lock (_gate)
        {
            percent = Math.Clamp(percent, 0, 100);
            if (_stageStart is not { } start || start.Stage != stage) _stageStart = start = (stage, percent, Stopwatch.StartNew());
            var rate = (percent - start.Percent) / Math.Max(1e-3, start.Clock.Elapsed.TotalSeconds);
            if (done > 0 && total > 0 && rate > 0) eta = (100 - percent) / rate;
            if (percent < _now.Percent) percent = _now.Percent; // never backwards
            _now = (stage, percent, eta);
        }
        events.Publish(Snapshot());
    }

    public JobView Snapshot()
    {
        var (stage, percent, eta) = Current;
        return view with { State = JobState.Running, Stage = stage, Percent = Math.Round(percent, 1), EtaSeconds = eta is { } e ? Math.Round(e, 1) : null };
    }
}

/// <summary>What one kind of job does.</summary>
public interface IJobExecutor
{
    JobKind Kind { get; }

    /// <summary>Runs the job; returns the asset it produced or worked on, the device and the timings.</summary>
    Task<JobResult> ExecuteAsync(JobContext context, CancellationToken ct);
}

public sealed record JobResult(int? AssetId, string? Device, IReadOnlyDictionary<string, double> Timings);

/// <summary>A job that cannot succeed however often it is tried (bad parameters, missing input): failed with this message.</summary>
public sealed class JobFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The background service that runs jobs: at most <see cref="JobOptions.MaxConcurrency"/> at once, each
/// claimed from the database with a lease, kept alive by heartbeats, stopped cooperatively by a cancel, and given back
/// to the queue when the process stops (or taken over by the next worker when the process died).</summary>
public sealed class JobRunner(JobStore store, JobEvents events, IEnumerable<IJobExecutor> executors, PortalOptions options, ILogger<JobRunner> log)
    : BackgroundService
{
    private readonly Dictionary<JobKind, IJobExecutor> _executors = executors.ToDictionary(e => e.Kind);

    /// <summary>What this process takes from the queue: every kind, but renders only with a built-in method and only
    /// while <see cref="JobOptions.LocalRenders"/> is on (external methods run on workers only).</summary>
    private readonly Expression<Func<Job, bool>> _takes = LocalFilter(options.Jobs.LocalRenders);
    private int _running;

    /// <summary>This process's name on the leases it holds.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Jobs running in this process now (for tests and health).</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>The most that ran at once since start.</summary>
    public int PeakRunning { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var max = options.Jobs.MaxConcurrency;
        if (max == 0)
        {
            log.LogInformation("Jobs: MaxConcurrency is 0, this process queues jobs but runs none");
            return;
        }
        log.LogInformation("Jobs: up to {Max} at once, worker {Owner}{Renders}", max, Owner,
            options.Jobs.LocalRenders ? "" : "; renders are left to workers (CamReview:Jobs:LocalRenders=false)");
        await Task.Yield();
        var running = new List<Task>();
        while (!stopping.IsCancellationRequested)
        {
            var queued = store.QueuedSignal;
            running.RemoveAll(t => t.IsCompleted);
            while (running.Count < max)
            {
                Job? job = null;
                try
                {
                    job = await store.TryClaimAsync(Owner, stopping, _takes);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested) { break; }
                catch (Exception e)
                {
                    log.LogWarning(e, "Jobs: could not claim work");
                }
                if (job is null) break;
                running.Add(Task.Run(() => RunAsync(job, stopping), CancellationToken.None));
            }
            try
            {
                await Task.WhenAny([.. running, queued, Task.Delay(TimeSpan.FromSeconds(options.Jobs.PollSeconds), stopping)]);
            }
            catch (OperationCanceledException) { }
        }
        await Task.WhenAll(running);
    }

    private static Expression<Func<Job, bool>> LocalFilter(bool renders)
    {
        if (!renders) return j => j.Kind != JobKind.Render;
        var builtIn = RenderMethodLabels.All.ToArray();
        return j => j.Kind != JobKind.Render || j.Method == null || builtIn.Contains(j.Method);
    }

    private async Task RunAsync(Job job, CancellationToken stopping)
    {
        var now = Interlocked.Increment(ref _running);
        lock (_executors) PeakRunning = Math.Max(PeakRunning, now);
        try
        {
            await RunCoreAsync(job, stopping);
        }
        catch (Exception e)
        {
            // The database could not be told (e.g. it is gone at shutdown): the lease runs out and the job is taken again.
            log.LogError(e, "Job {Id}: its outcome could not be recorded", job.Id);
        }
        finally
        {
            store.UnregisterLocal(job.Id);
            Interlocked.Decrement(ref _running);
        }
    }

    private async Task RunCoreAsync(Job job, CancellationToken stopping)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        store.RegisterLocal(job.Id, cts);
        var view = await store.GetAsync(job.Id) ?? throw new InvalidOperationException("claimed job vanished");
        var context = new JobContext(job, view, events, options.Jobs.FrameDelayMs);
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(context, cts, heartbeatStop.Token);
        try
        {
            context.Report("starting", 0);
            if (job.CancelRequested)
            {
                // Canceled while a process that died held it.
                context.CancelRequested = true;
                cts.Cancel();
                cts.Token.ThrowIfCancellationRequested();
            }
            if (job.Attempts > job.MaxAttempts)
                throw new JobFailedException($"Gave up after {job.MaxAttempts} attempts (the process running it stopped each time).");
            if (!_executors.TryGetValue(job.Kind, out var executor)) throw new JobFailedException($"No executor for {job.Kind} jobs.");
            var result = await executor.ExecuteAsync(context, cts.Token);
            await StopAsync(heartbeatStop, heartbeat);
            await store.FinishAsync(job.Id, Owner, JobState.Succeeded, null, result.AssetId, result.Device, WithTotal(result.Timings, context));
            log.LogInformation("Job {Id} ({Kind}) succeeded in {Seconds:0.0} s", job.Id, job.Kind, context.Elapsed.TotalSeconds);
        }
        catch (Exception e) when (e is OperationCanceledException && cts.IsCancellationRequested)
        {
            await StopAsync(heartbeatStop, heartbeat);
            if (context.LeaseLost)
                log.LogWarning("Job {Id}: lease lost to another worker, stopped here", job.Id);
            else if (stopping.IsCancellationRequested && !context.CancelRequested && !await IsCancelRequestedAsync(job.Id))
            {
                await store.ReleaseAsync(job.Id, Owner);
                log.LogInformation("Job {Id} given back to the queue: the portal is stopping", job.Id);
            }
            else
            {
                await store.FinishAsync(job.Id, Owner, JobState.Canceled, "Canceled.", null, null, WithTotal(null, context));
                log.LogInformation("Job {Id} canceled", job.Id);
            }
        }
        catch (Exception e)
        {
            await StopAsync(heartbeatStop, heartbeat);
            var message = e is JobFailedException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            log.LogWarning(e, "Job {Id} ({Kind}) failed", job.Id, job.Kind);
            await store.FinishAsync(job.Id, Owner, JobState.Failed, message, null, null, WithTotal(null, context));
        }
        finally
        {
            foreach (var file in context.TempFiles)
            {
                try { File.Delete(file); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }

    private async Task<bool> IsCancelRequestedAsync(int jobId)
    {
        try { return (await store.GetAsync(jobId))?.CancelRequested == true; }
        catch (Exception) { return false; }
    }

    private static Dictionary<string, double> WithTotal(IReadOnlyDictionary<string, double>? timings, JobContext context)
    {
        var all = timings is null ? new Dictionary<string, double>() : new Dictionary<string, double>(timings);
        all["total"] = Math.Round(context.Elapsed.TotalSeconds, 3);
        foreach (var key in all.Keys.ToList()) all[key] = Math.Round(all[key], 3);
        return all;
    }

    private static async Task StopAsync(CancellationTokenSource stop, Task heartbeat)
    {
        stop.Cancel();
        try { await heartbeat; } catch (OperationCanceledException) { }
    }

    private async Task HeartbeatAsync(JobContext context, CancellationTokenSource job, CancellationToken stop)
    {
        var period = TimeSpan.FromSeconds(options.Jobs.HeartbeatSeconds);
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(period, stop);
            try
            {
                var (stage, percent, eta) = context.Current;
                var (mine, cancel) = await store.HeartbeatAsync(context.Job.Id, Owner, stage, percent, eta, stop);
                if (!mine) context.LeaseLost = true;
                if (cancel) context.CancelRequested = true;
                if (!mine || cancel) job.Cancel();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { throw; }
            catch (Exception e)
            {
                log.LogWarning(e, "Job {Id}: heartbeat failed", context.Job.Id);
            }
        }
    }
}
