using System.CommandLine;
using CamReview.Cli.Studies;
using CamReview.Core.Statistics;

namespace CamReview.Cli.Commands;

/// <summary><c>camreview stats VOTES.csv</c>: the statistics of a blinded preference study (pairwise win rates with
/// Wilson intervals and exact binomial tests, best-of-N shares, Bradley–Terry ranking with bootstrap intervals).</summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var votes = new Argument<string>("votes")
        {
            Description = "CSV with header participant,trial,question,options,choice[,response_ms]; options are the methods "
                + "shown, separated by ';' (two for pairwise); choice is one of them, tie or bothbad.",
        };
        var json = CommonOptions.Json();
        var seed = new Option<int>("--seed") { Description = "Seed of the bootstrap (same seed, same intervals).", DefaultValueFactory = _ => 1 };
        var resamples = new Option<int>("--resamples")
        {
            Description = "Bootstrap resamples for the Bradley-Terry intervals (0 = none).",
            DefaultValueFactory = _ => 1000,
        };
        resamples.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0) r.AddError("--resamples must be 0 or more");
        });
        var exclude = new Option<string>("--exclude")
        {
            Description = "Comma-separated participant ids to leave out (e.g. failed attention checks).",
        };
        var confidence = new Option<double>("--confidence")
        {
            Description = "Confidence level of all intervals.",
            DefaultValueFactory = _ => 0.95,
        };
        confidence.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is not (> 0 and < 1)) r.AddError("--confidence must be between 0 and 1, e.g. 0.95");
        });
        var unit = new Option<string>("--bootstrap")
        {
            Description = "What the bootstrap resamples: participant (cluster bootstrap, default) or vote.",
            DefaultValueFactory = _ => "participant",
        };
        // A validator rather than AcceptOnlyFromAmong, whose message spans several lines.
        unit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is not ("participant" or "vote"))
                r.AddError($"--bootstrap must be participant or vote, not '{r.GetValueOrDefault<string>()}'");
        });

        var command = new Command("stats", "Analyse the votes of a preference study: win rates, tests and a Bradley-Terry ranking.")
        {
            votes, json, seed, resamples, exclude, confidence, unit,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(votes)!;
            var name = Path.GetFileName(path);
            if (Directory.Exists(path)) throw new CliException($"{path} is a folder, not a CSV file");
            if (!File.Exists(path)) throw new CliException($"{path}: no such file");
            var table = VoteCsv.Read(File.ReadAllText(path), name);

            var excluded = (parse.GetValue(exclude) ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var present = table.Votes.Select(v => v.Participant).ToHashSet(StringComparer.Ordinal);
            foreach (var id in excluded)
                if (!present.Contains(id)) throw new CliException($"--exclude: participant '{id}' has no votes in {name}");

            StudyResult result;
            try
            {
                result = StudyAnalysis.Analyze(table.Votes, new StudyAnalysisOptions
                {
                    ExcludedParticipants = excluded,
                    Seed = parse.GetValue(seed),
                    Resamples = parse.GetValue(resamples),
                    Confidence = parse.GetValue(confidence),
                    BootstrapUnit = parse.GetValue(unit) == "vote" ? BootstrapUnit.Vote : BootstrapUnit.Participant,
                });
            }
            catch (VoteValidationException e)
            {
                var first = e.FirstIndex is { } f ? $" (first on line {table.Lines[f]})" : "";
                throw new CliException($"{name} line {table.Lines[e.Index]}: {e.Reason}{first}");
            }

            if (parse.GetValue(json)) JsonOutput.Write(result);
            else Console.Out.Write(StatsReport.Format(result));
            return 0;
        });
        return command;
    }
}
