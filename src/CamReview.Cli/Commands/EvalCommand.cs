using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CamReview.Cli.Eval;
using CamReview.Core.Statistics;
using CamReview.Core.Text;
using CamReview.Pipeline.Analyze;
using CamReview.Pipeline.Score;

namespace CamReview.Cli.Commands;

/// <summary>
/// <c>camreview eval MANIFEST.csv</c>: scores every output of a benchmark against its pair's reference (the same
/// <see cref="ClipScorer"/> and settings as the portal's score jobs, with the row's target image for the scene
/// metrics), on all cores, resuming from the scores of earlier runs; prints the leaderboard and writes the per-row
/// results and the leaderboard as CSV, JSON and LaTeX.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var manifest = new Argument<string>("manifest")
        {
            Description = $"CSV with the header {string.Join(",", BenchmarkManifest.Columns)}: per row a reference video, the target image, "
                + "the method and its output video (paths relative to the manifest's folder).",
        };
        var output = new Option<string>("--out") { Description = "Folder for the results, the leaderboard and the scores a re-run resumes from (default: the manifest's name + '-eval' beside it)." };
        var jobs = new Option<int>("--jobs")
        {
            Description = "Outputs scored at once, each on an equal share of the cores (default: the number of cores).",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        jobs.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1) r.AddError("--jobs must be at least 1");
        });
        var frames = CommonOptions.Frames("Sample each reference and output uniformly to this many frames (default: pair by pair, or the shorter clip's count).");
        var encoder = new Option<string>("--encoder")
        {
            Description = $"ONNX image encoder for sceneSimilarity and subjectConsistency (default: ${SceneMetricsOptions.EncoderVariable}, else the classical fallback).",
        };
        var json = CommonOptions.Json();
        var command = new Command("eval", "Score a whole benchmark (reference,target,method,output rows) and rank the methods: mean and 95% interval over pairs per metric.")
        {
            manifest, output, jobs, frames, encoder, json,
        };
        command.SetAction((parse, ct) =>
        {
            var manifestPath = parse.GetValue(manifest)!;
            var rows = BenchmarkManifest.Read(manifestPath);
            var folder = parse.GetValue(output) is { Length: > 0 } given ? given
                : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(manifestPath))!, Path.GetFileNameWithoutExtension(manifestPath) + "-eval");
            string? encoderPath = parse.GetValue(encoder);
            if (string.IsNullOrWhiteSpace(encoderPath)) encoderPath = Environment.GetEnvironmentVariable(SceneMetricsOptions.EncoderVariable);
            var run = new EvalRun(rows, folder, parse.GetValue(jobs), parse.GetValue(frames), string.IsNullOrWhiteSpace(encoderPath) ? null : encoderPath);
            var outcomes = run.Execute(ct);
            var board = LeaderboardTables.Build(outcomes.Where(o => o.Score is not null).Select(o => new ScoredOutput(o.Row.Pair, o.Row.Method, o.Score!)));
            var files = Write(folder, Path.GetFileName(manifestPath), outcomes, board);

            var failed = outcomes.Where(o => o.Error is not null).ToList();
            if (parse.GetValue(json))
                JsonOutput.Write(new
                {
                    manifest = Path.GetFullPath(manifestPath),
                    output = Path.GetFullPath(folder),
                    rows = outcomes.Count,
                    scored = outcomes.Count(o => o is { Score: not null, Resumed: false }),
                    resumed = outcomes.Count(o => o.Resumed),
                    failed = failed.Select(o => new { line = o.Row.Line, method = o.Row.Method, output = o.Row.Output, error = o.Error }),
                    leaderboard = LeaderboardTables.Json(board),
                    files,
                });
            else
                Console.Write(TextTable(board));
            Console.Error.WriteLine($"eval: wrote {string.Join(", ", files.Values.Select(Path.GetFileName))} to {Path.GetFullPath(folder)}");
            if (failed.Count == 0) return Task.FromResult(0);
            Console.Error.WriteLine($"camreview: {failed.Count} of {outcomes.Count} outputs could not be scored (first: line {failed[0].Row.Line}: {failed[0].Error}); see results.csv");
            return Task.FromResult(CliApp.ExitBadInput);
        });
        return command;
    }

    /// <summary>The leaderboard for a terminal: a row per method, "mean ± half-width" per metric, the best marked *.</summary>
    private static string TextTable(Leaderboard board)
    {
        var header = new List<string> { "method", "n" };
        header.AddRange(board.Metrics.Select(m => $"{LeaderboardTables.Definition(m).Heading} {(m.HigherIsBetter ? "↑" : "↓")}"));
        var lines = new List<List<string>> { header };
        lines.AddRange(board.Rows.Select(r => new List<string> { r.Method, r.Pairs.ToString(CultureInfo.InvariantCulture) }
            .Concat(board.Metrics.Zip(r.Cells).Select(x => LeaderboardTables.Text(x.First, x.Second.Summary) + (x.Second.IsBest ? " *" : ""))).ToList()));
        var widths = header.Select((_, i) => lines.Max(l => l[i].Length)).ToArray();
        var text = new System.Text.StringBuilder();
        foreach (var line in lines) text.AppendLine(string.Join("  ", line.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        text.AppendLine($"{board.Pairs.Count} pairs; mean ± half-width of the {board.Confidence * 100:0}% Student-t interval over pairs; "
            + "* the best, where its interval separates from every other method's.");
        return text.ToString();
    }

    private static Dictionary<string, string> Write(string folder, string manifestName, IReadOnlyList<EvalOutcome> outcomes, Leaderboard board)
    {
        var files = new Dictionary<string, string>
        {
            ["resultsCsv"] = Path.Combine(folder, "results.csv"),
            ["resultsJson"] = Path.Combine(folder, "results.json"),
            ["leaderboardCsv"] = Path.Combine(folder, "leaderboard.csv"),
            ["leaderboardJson"] = Path.Combine(folder, "leaderboard.json"),
            ["leaderboardTex"] = Path.Combine(folder, "leaderboard.tex"),
        };
        var metrics = MetricCatalogue.Documented;
        using (var csv = new StreamWriter(files["resultsCsv"]))
        {
            CsvField.WriteRow(csv, ["reference", "target", "method", "output", "error", "pairs_used", "pairs_flagged", .. metrics.SelectMany(m => new[] { m.Key, m.Key + "_reason" })]);
            foreach (var o in outcomes)
            {
                var readings = metrics.Select(m => o.Score is { } s ? m.Read(s) : new MetricReading(null, null, null));
                CsvField.WriteRow(csv, [o.Row.Reference, o.Row.Target, o.Row.Method, o.Row.Output, o.Error,
                    o.Score?.PairsUsed?.ToString(CultureInfo.InvariantCulture), o.Score?.PairsFlagged?.ToString(CultureInfo.InvariantCulture),
                    .. readings.SelectMany(r => new[] { r.Value?.ToString("R", CultureInfo.InvariantCulture), r.Value is null ? r.Reason : null })]);
            }
        }
        File.WriteAllText(files["resultsJson"], JsonSerializer.Serialize(outcomes.Select(o => new
        {
            line = o.Row.Line,
            reference = o.Row.Reference,
            target = o.Row.Target,
            method = o.Row.Method,
            output = o.Row.Output,
            error = o.Error,
            resumed = o.Resumed,
            pairsUsed = o.Score?.PairsUsed,
            pairsFlagged = o.Score?.PairsFlagged,
            metrics = o.Score is { } s ? metrics.ToDictionary(m => m.Key, m => m.Read(s) is var r ? new { value = r.Value, reason = r.Reason, note = r.Note } : null) : null,
        }), JsonOutput.Options));
        File.WriteAllText(files["leaderboardCsv"], LeaderboardTables.Csv(board));
        File.WriteAllText(files["leaderboardJson"], JsonSerializer.Serialize(LeaderboardTables.Json(board), JsonOutput.Options));
        File.WriteAllText(files["leaderboardTex"], LeaderboardTables.Latex(board,
            $"Camera-motion transfer on {manifestName}: {board.Rows.Count} methods, {board.Pairs.Count} pairs."));
        return files;
    }
}

/// <summary>What became of a manifest row: its score (scored now, or <see cref="Resumed"/> from an earlier run), or the
/// reason it could not be scored.</summary>
internal sealed record EvalOutcome(ManifestRow Row, StoredScore? Score, bool Resumed, string? Error);

/// <summary>One run of <c>camreview eval</c>: finds the rows an earlier run scored, analyses the references the
/// others need once each, then scores those rows <c>jobs</c> at a time, reporting progress on stderr.</summary>
internal sealed class EvalRun(IReadOnlyList<ManifestRow> rows, string folder, int jobs, int? frames, string? encoderPath)
{
    public IReadOnlyList<EvalOutcome> Execute(CancellationToken ct)
    {
        var store = new ScoreStore(Path.Combine(folder, "cache", "scores"));
        var cache = new FolderAnalysisCache(Path.Combine(folder, "cache", "analyses"));
        // The portal's score settings (default analysis, every metric, the target for the scene metrics); each job
        // analyses on its share of the cores, which changes no result.
        var options = new ScoreOptions
        {
            Frames = frames,
            Analysis = new AnalysisOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount / jobs) },
            Scene = new SceneMetricsOptions { EncoderPath = encoderPath },
        };
        options.Scene.Validate();
        var settings = string.Create(CultureInfo.InvariantCulture, $"analysis={options.ToAnalysisOptions().Fingerprint};frames={frames};space={options.Space};"
            + $"encoder={(encoderPath is null ? "classical" : store.Hash(encoderPath))};encoded={options.Scene.MaxEncodedFrames}");

        var keys = rows.Select(r => store.KeyOf(r, settings)).ToArray();
        var outcomes = rows.Select((r, i) => store.TryGet(keys[i]) is { } done ? new EvalOutcome(r, done, true, null) : null).ToArray();
        var todo = Enumerable.Range(0, rows.Count).Where(i => outcomes[i] is null).ToList();
        Progress($"{rows.Count} outputs of {rows.Select(r => r.Method).Distinct().Count()} methods on {rows.Select(r => r.Pair).Distinct().Count()} pairs; "
            + $"{rows.Count - todo.Count} scored before, {todo.Count} to score on {jobs} jobs");
        if (todo.Count == 0) return outcomes!;

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = ct };
        // Each reference once, before its outputs: concurrent scores of one pair would otherwise analyse it side by side.
        var analyzer = new ClipAnalyzer(options.ToAnalysisOptions());
        Parallel.ForEach(todo.Select(i => rows[i].ReferencePath).Distinct(), parallel, path =>
        {
            var clock = Stopwatch.StartNew();
            try
            {
                cache.GetOrAnalyze(analyzer, path, out bool hit, cancellationToken: ct);
                if (!hit) Progress($"analysed reference {Path.GetFileName(path)} in {clock.Elapsed.TotalSeconds:F1} s");
            }
            catch (Exception e) when (CliErrors.IsUserFacing(e))
            {
                // Not fatal here: scoring each of its rows meets the same error and reports it with the row.
            }
        });

        var scorer = new ClipScorer(cache);
        int finished = 0;
        Parallel.ForEach(todo, parallel, i =>
        {
            var row = rows[i];
            var clock = Stopwatch.StartNew();
            try
            {
                var result = scorer.Score(row.ReferencePath, row.OutputPath, options with { Scene = options.Scene with { TargetPath = row.TargetPath } }, ct);
                // Kept with the manifest's paths, not this machine's.
                result = result with
                {
                    Reference = result.Reference with { Path = row.Reference },
                    Generated = result.Generated with { Path = row.Output },
                    SceneSimilarity = result.SceneSimilarity is { } similarity ? similarity with { Target = row.Target } : null,
                    SceneEncoder = result.SceneEncoder is { Path: { } model } info ? info with { Path = Path.GetFileName(model) } : result.SceneEncoder,
                };
                outcomes[i] = new EvalOutcome(row, store.Set(keys[i], result), false, null);
                Progress($"[{Interlocked.Increment(ref finished)}/{todo.Count}] {row.Method} on {row.Pair}: scored in {clock.Elapsed.TotalSeconds:F1} s");
            }
            catch (Exception e) when (CliErrors.IsUserFacing(e))
            {
                outcomes[i] = new EvalOutcome(row, null, false, CliErrors.OneLine(e));
                Progress($"[{Interlocked.Increment(ref finished)}/{todo.Count}] {row.Method} on {row.Pair}: not scored: {CliErrors.OneLine(e)}");
            }
        });
        return outcomes!;
    }

    private static void Progress(string message)
    {
        lock (Console.Error) Console.Error.WriteLine($"eval: {message}");
    }
}
