using System.Linq.Expressions;
using System.Text.Json;
using System.Text.RegularExpressions;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Web.Jobs;
using CamReview.Web.Media;
using CamReview.Web.Services;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Api;

/// <summary>
/// The worker API under /api/workers, for <c>camreview worker</c>: a bearer token of a registered worker (no cookies,
/// so no antiforgery), and an instance name (<see cref="InstanceHeader"/>) that tells the processes sharing one token
/// apart. A worker leases a render job of the methods it offers, downloads its inputs, heartbeats its progress (sent to
/// viewers like a local job's), and uploads the result or reports the failure. Every call about a job is conditional
/// on holding its lease: unknown job 404, a job this worker (instance) does not hold 409, a bad or revoked token 401.
/// </summary>
public static partial class WorkerApi
{
    public const string InstanceHeader = "X-CamReview-Worker";
    public const string TimingsHeader = "X-CamReview-Timings";

    public sealed record LeaseRequest(string[]? Kinds);
    public sealed record HeartbeatRequest(string? Stage, double Percent);
    public sealed record FailureRequest(string? Error, string? Log, bool Canceled = false);

    /// <summary>A leased job: what to render, where its inputs are (paths relative to the portal), and for an external
    /// method its command.</summary>
    public sealed record LeasedJob(int Id, string Method, string? MethodName, string ParametersJson, int? ReferenceFrames,
        IReadOnlyDictionary<string, string> Inputs, double LeaseSeconds, double HeartbeatSeconds, ExternalCommand? External);

    public sealed record ExternalCommand(string CommandTemplate, int TimeoutSeconds);

    private const string WorkerItem = "camreview.worker";

    public static void MapWorkerApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/workers").AllowAnonymous().AddEndpointFilter(AuthenticateAsync);
        api.MapPost("/lease", LeaseAsync);
        api.MapGet("/jobs/{jobId:int}/inputs/{input}", InputAsync);
        api.MapPost("/jobs/{jobId:int}/heartbeat", HeartbeatAsync);
        api.MapPut("/jobs/{jobId:int}/log", LogAsync);
        api.MapPost("/jobs/{jobId:int}/result", ResultAsync);
        api.MapPost("/jobs/{jobId:int}/failure", FailureAsync);
        api.MapPost("/jobs/{jobId:int}/release", ReleaseAsync);
    }

    /// <summary>The token names a registered, unrevoked worker, and the instance header is given: else 401 / 400.</summary>
    private static async ValueTask<object?> AuthenticateAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..].Trim() : null;
        var worker = await http.RequestServices.GetRequiredService<WorkerRegistry>().AuthenticateAsync(token, http.RequestAborted);
        if (worker is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return ApiResults.Error(ResultStatus.Unauthenticated, "The worker token is missing, wrong or revoked.");
        }
        var instance = http.Request.Headers[InstanceHeader].ToString();
        if (!Instance().IsMatch(instance))
            return ApiResults.Error(ResultStatus.Invalid, $"Name this worker process in the {InstanceHeader} header (1-40 letters, digits, '.', '_' or '-').");
        http.Items[WorkerItem] = (worker, Owner(worker, instance));
        return await next(context);
    }

    /// <summary>The lease owner a worker process's jobs carry: the worker's id and name, and its instance.</summary>
    public static string Owner(WorkerIdentity worker, string instance)
    {
        var owner = $"worker {worker.Id} {worker.Name}/{instance}";
        return owner.Length <= 128 ? owner : $"worker {worker.Id}/{instance}";
    }

    private static (WorkerIdentity Worker, string Owner) Caller(HttpContext http) => ((WorkerIdentity, string))http.Items[WorkerItem]!;

    private static async Task<IResult> LeaseAsync(LeaseRequest? body, HttpContext http, JobStore jobs, WorkerRegistry registry, PortalOptions options,
        CancellationToken ct)
    {
        var (worker, owner) = Caller(http);
        var kinds = body?.Kinds is { Length: > 0 } asked ? worker.Kinds.Intersect(asked, StringComparer.Ordinal).ToArray() : worker.Kinds.ToArray();
        if (kinds.Length == 0) return ApiResults.Error(ResultStatus.Invalid, $"This worker is registered for {string.Join(", ", worker.Kinds)} only.");
        var team = worker.TeamId;
        Expression<Func<Job, bool>> offered = team is null
            ? j => j.Kind == JobKind.Render && j.Method != null && kinds.Contains(j.Method)
            : j => j.Kind == JobKind.Render && j.Method != null && kinds.Contains(j.Method) && j.Project.TeamId == team;
        var job = await jobs.TryClaimAsync(owner, ct, offered);
        if (job is null) return Results.NoContent();
        await jobs.PublishRunningAsync(job.Id, ct);

        var dbs = http.RequestServices.GetRequiredService<IDbContextFactory<CamReviewDb>>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var pair = await db.Pairs.AsNoTracking().Where(p => p.Id == job.PairId)
            .Select(p => new { p.ReferenceAsset.FrameCount, HasDepth = p.DepthAssetId != null }).SingleOrDefaultAsync(ct);
        var inputs = new Dictionary<string, string>
        {
            ["reference"] = $"api/workers/jobs/{job.Id}/inputs/reference", ["target"] = $"api/workers/jobs/{job.Id}/inputs/target",
        };
        if (pair?.HasDepth == true) inputs["depth"] = $"api/workers/jobs/{job.Id}/inputs/depth";
        var external = await registry.FindMethodAsync(job.Method, ct) is { } method ? new ExternalCommand(method.CommandTemplate, method.TimeoutSeconds) : null;
        return Results.Ok(new LeasedJob(job.Id, job.Method!, job.MethodName, job.ParametersJson, pair?.FrameCount, inputs,
            options.Jobs.LeaseSeconds, options.Jobs.HeartbeatSeconds, external));
    }

    /// <summary>404 for an unknown job, 409 for one the caller does not hold (another worker's, finished, or its lease lost).</summary>
    private static async Task<(Job? Job, IResult? Refusal)> HeldAsync(HttpContext http, int jobId, CancellationToken ct)
    {
        var (_, owner) = Caller(http);
        var dbs = http.RequestServices.GetRequiredService<IDbContextFactory<CamReviewDb>>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var job = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId, ct);
        if (job is null) return (null, ApiResults.Error(ResultStatus.NotFound, "No such job."));
        if (job.State != JobState.Running || job.LeaseOwner != owner) return (null, LeaseLost());
        return (job, null);
    }

    private static IResult LeaseLost() =>
        ApiResults.Error(ResultStatus.Conflict, "This worker does not hold the job's lease (it expired and went to another worker, or the job ended).");

    private static async Task<IResult> InputAsync(int jobId, string input, HttpContext http, IMediaStore store, CancellationToken ct)
    {
        var (job, refusal) = await HeldAsync(http, jobId, ct);
        if (refusal is not null) return refusal;
        var dbs = http.RequestServices.GetRequiredService<IDbContextFactory<CamReviewDb>>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var pairs = db.Pairs.AsNoTracking().Where(p => p.Id == job!.PairId);
        var asset = input switch
        {
            "reference" => await pairs.Select(p => p.ReferenceAsset).SingleOrDefaultAsync(ct),
            "target" => await pairs.Select(p => p.TargetAsset).SingleOrDefaultAsync(ct),
            "depth" => await pairs.Select(p => p.DepthAsset).SingleOrDefaultAsync(ct),
            _ => null,
        };
        if (asset is null) return ApiResults.Error(ResultStatus.NotFound, "The job has no such input.");
        var path = store.Original(asset.Sha256, asset.MediaType);
        return File.Exists(path) ? Results.File(path, asset.MediaType, $"{input}{Path.GetExtension(path)}") : ApiResults.Error(ResultStatus.NotFound, "The input's file is missing.");
    }

    private static async Task<IResult> HeartbeatAsync(int jobId, HeartbeatRequest body, HttpContext http, JobStore jobs, CancellationToken ct)
    {
        var (_, refusal) = await HeldAsync(http, jobId, ct);
        if (refusal is not null) return refusal;
        var stage = body.Stage is { Length: > 0 } s ? (s.Length > 32 ? s[..32] : s) : "running";
        var percent = double.IsFinite(body.Percent) ? Math.Clamp(body.Percent, 0, 100) : 0;
        var (mine, cancel) = await jobs.HeartbeatAsync(jobId, Caller(http).Owner, stage, Math.Round(percent, 1), null, ct);
        if (!mine) return LeaseLost();
        await jobs.PublishRunningAsync(jobId, ct);
        return Results.Ok(new { cancelRequested = cancel });
    }

    private static async Task<IResult> LogAsync(int jobId, HttpContext http, JobStore jobs, CancellationToken ct)
    {
        var (_, refusal) = await HeldAsync(http, jobId, ct);
        if (refusal is not null) return refusal;
        var log = await ReadTextAsync(http.Request, CamReviewDb.JobLogMaxLength * 4, ct);
        return await jobs.SaveLogAsync(jobId, Caller(http).Owner, log, ct) ? Results.NoContent() : LeaseLost();
    }

    /// <summary>The rendered video as the request body (streamed to a temporary file, at most
    /// <see cref="JobOptions.MaxResultBytes"/>), validated and stored like the portal's own renders, then scored. The
    /// device that ran it is given as <c>?device=</c>, the timings (a JSON object of seconds) in <see cref="TimingsHeader"/>.</summary>
    private static async Task<IResult> ResultAsync(int jobId, string? device, HttpContext http, JobStore jobs, IMediaStore store, RenderOutputStore outputs,
        PortalOptions options, CancellationToken ct)
    {
        var (job, refusal) = await HeldAsync(http, jobId, ct);
        if (refusal is not null) return refusal;
        var max = options.Jobs.MaxResultBytes;
        if (http.Request.ContentLength > max) return ApiResults.Error(ResultStatus.TooLarge, $"The result is larger than {max} bytes.");
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = max + 1;
        var file = store.NewTempPath(".worker.mp4");
        try
        {
            long length = 0;
            await using (var output = File.Create(file))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await http.Request.Body.ReadAsync(buffer, ct)) > 0)
                {
                    length += read;
                    if (length > max) return ApiResults.Error(ResultStatus.TooLarge, $"The result is larger than {max} bytes.");
                    await output.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            if (length == 0) return ApiResults.Error(ResultStatus.Invalid, "The result is empty.");
            // Held still? A worker whose lease ran out while it uploaded stores nothing.
            (job, refusal) = await HeldAsync(http, jobId, ct);
            if (refusal is not null) return refusal;
            var stored = await outputs.StoreAsync(job!, file, ct);
            if (!stored.Succeeded) return ApiResults.Error(stored.Status, stored.Error!);
            var (worker, owner) = Caller(http);
            var label = JobLabels.Fit($"{(string.IsNullOrWhiteSpace(device) ? "unknown device" : device.Trim())} on worker {worker.Name}");
            var finished = await jobs.FinishAsync(jobId, owner, JobState.Succeeded, null, stored.Value!.Id, label, Timings(http));
            return finished ? Results.Ok(stored.Value) : LeaseLost();
        }
        finally
        {
            store.TryDelete(file);
        }
    }

    private static async Task<IResult> FailureAsync(int jobId, FailureRequest body, HttpContext http, JobStore jobs, CancellationToken ct)
    {
        var (_, refusal) = await HeldAsync(http, jobId, ct);
        if (refusal is not null) return refusal;
        var (worker, owner) = Caller(http);
        var state = body.Canceled ? JobState.Canceled : JobState.Failed;
        var error = body.Canceled ? "Canceled." : $"{(string.IsNullOrWhiteSpace(body.Error) ? "The worker gave no reason." : body.Error.Trim())} (worker {worker.Name})";
        return await jobs.FinishAsync(jobId, owner, state, error, null, null, null, body.Log) ? Results.NoContent() : LeaseLost();
    }

    private static async Task<IResult> ReleaseAsync(int jobId, HttpContext http, JobStore jobs, CancellationToken ct)
    {
        var (_, refusal) = await HeldAsync(http, jobId, ct);
        if (refusal is not null) return refusal;
        return await jobs.ReleaseAsync(jobId, Caller(http).Owner) ? Results.NoContent() : LeaseLost();
    }

    private static Dictionary<string, double>? Timings(HttpContext http)
    {
        var text = http.Request.Headers[TimingsHeader].ToString();
        if (text.Length == 0) return null;
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, double>>(text)?.Where(t => double.IsFinite(t.Value)).Take(32)
                .ToDictionary(t => t.Key.Length > 32 ? t.Key[..32] : t.Key, t => Math.Round(t.Value, 3));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<string> ReadTextAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            // Only the end is kept: drop the front while reading.
            if (buffer.Length > 2L * maxBytes)
            {
                var tail = buffer.ToArray()[^maxBytes..];
                buffer.SetLength(0);
                buffer.Write(tail);
            }
        }
        var bytes = buffer.ToArray();
        return System.Text.Encoding.UTF8.GetString(bytes.Length > maxBytes ? bytes[^maxBytes..] : bytes);
    }

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,40}$")]
    private static partial Regex Instance();
}
