using System.Text.Json;
using System.Text.Json.Serialization;
using CamReview.Pipeline.Analyze;
using CamReview.Pipeline.Score;

namespace CamReview.Pipeline.Tests;

public class ScoreCacheAndJsonTests
{
    // What the CLI uses: camelCase, nulls kept.
    private static readonly JsonSerializerOptions Cli = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    [Fact]
    public void In_memory_cache_reuses_analyses_by_content()
    {
        using var dir = new SyntheticClips.TempFolder();
        var reference = ScoreClips.Pan(1.0, 1);
        var generated = ScoreClips.Pan(1.25, 5);
        var scorer = new ClipScorer(new InMemoryAnalysisCache());

        var first = scorer.Score(reference.Path, generated.Path);
        Assert.False(first.Reference.FromCache);
        Assert.False(first.Generated.FromCache);

        var second = scorer.Score(reference.Path, generated.Path);
        Assert.True(second.Reference.FromCache);
        Assert.True(second.Generated.FromCache);
        Assert.Equal(first.CameraScore, second.CameraScore);

        // Same bytes under another name: a hit, reported under the new name.
        string copy = dir.File("renamed.mp4");
        File.Copy(generated.Path, copy);
        var third = scorer.Score(reference.Path, copy);
        Assert.True(third.Generated.FromCache);
        Assert.Equal(copy, third.Generated.Path);
        Assert.Equal(copy, third.GeneratedAnalysis!.Source.Path);
        Assert.Equal(first.CameraScore, third.CameraScore);

        // Other analysis settings: a miss.
        var other = scorer.Score(reference.Path, generated.Path, new ScoreOptions { MaxSide = 480 });
        Assert.False(other.Reference.FromCache);
    }

    [Fact]
    public void Folder_cache_survives_a_new_instance_and_ignores_broken_files()
    {
        using var dir = new SyntheticClips.TempFolder();
        var reference = ScoreClips.Pan(1.0, 1);
        var generated = ScoreClips.Pan(1.5, 5);

        var first = new ClipScorer(new FolderAnalysisCache(dir.Path)).Score(reference.Path, generated.Path);
        string[] files = Directory.GetFiles(dir.Path, "*.json");
        Assert.Equal(2, files.Length);
        Assert.DoesNotContain(Directory.GetFiles(dir.Path), f => f.EndsWith(".tmp"));

        var cache = new FolderAnalysisCache(dir.Path);
        var second = new ClipScorer(cache).Score(reference.Path, generated.Path);
        Assert.True(second.Reference.FromCache);
        Assert.True(second.Generated.FromCache);
        Assert.Equal(first.CameraScore, second.CameraScore); // exact: doubles round-trip through JSON
        for (int i = 0; i < first.ReferenceAnalysis!.Pairs.Count; i++)
            Assert.Equal(first.ReferenceAnalysis.Pairs[i].H, second.ReferenceAnalysis!.Pairs[i].H);

        // A corrupt entry is a miss and is rewritten.
        string refFile = cache.PathFor(AnalysisCacheKey.For(reference.Path, new ScoreOptions().ToAnalysisOptions()));
        File.WriteAllText(refFile, "{ not json");
        var third = new ClipScorer(new FolderAnalysisCache(dir.Path)).Score(reference.Path, generated.Path);
        Assert.False(third.Reference.FromCache);
        Assert.True(third.Generated.FromCache);
        Assert.Equal(first.CameraScore, third.CameraScore);
        Assert.True(cache.TryGet(AnalysisCacheKey.For(reference.Path, new ScoreOptions().ToAnalysisOptions()), out _));
    }

    [Fact]
    public void Cache_key_depends_on_content_and_settings_only()
    {
        using var dir = new SyntheticClips.TempFolder();
        string a = ScoreClips.Pan(1.0, 1).Path, copy = dir.File("copy.mp4");
        File.Copy(a, copy);
        var options = new AnalysisOptions();
        var key = AnalysisCacheKey.For(a, options);
        Assert.Equal(key, AnalysisCacheKey.For(copy, options));
        Assert.Equal(key, AnalysisCacheKey.For(a, options with { MaxDegreeOfParallelism = 1 }));
        Assert.NotEqual(key, AnalysisCacheKey.For(a, options with { Features = CamReview.Vision.FeatureKind.Sift }));
        Assert.NotEqual(key, AnalysisCacheKey.For(a, options with { Frames = 8 }));
        Assert.NotEqual(key, AnalysisCacheKey.For(ScoreClips.Pan(1.0, 5).Path, options));
        Assert.Equal(64, key.ContentSha256.Length);
        Assert.StartsWith($"v{ClipAnalyzer.AlgorithmVersion};", key.OptionsFingerprint);
    }

    [Fact]
    public void Score_result_serializes_with_camel_case_names()
    {
        var result = ScoreClips.Scorer.Score(ScoreClips.Pan(1.0, 1).Path, ScoreClips.Pan(1.25, 5).Path);
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(result, Cli));
        var root = doc.RootElement;
        Assert.True(root.GetProperty("cameraScore").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("cameraScoreReason").ValueKind);
        Assert.Equal("normalized", root.GetProperty("space").GetString());
        Assert.Equal(15, root.GetProperty("pairsUsed").GetInt32());
        Assert.Equal(0, root.GetProperty("pairsFlagged").GetInt32());
        Assert.Equal(16, root.GetProperty("framesCompared").GetInt32());
        Assert.Equal(15, root.GetProperty("perPair").GetArrayLength());
        var pair = root.GetProperty("perPair")[0];
        Assert.True(pair.GetProperty("value").GetDouble() > 0);
        Assert.Equal(0, pair.GetProperty("referenceFromFrame").GetInt32());
        Assert.Equal("pan-right", root.GetProperty("reference").GetProperty("motionClass").GetString());
        Assert.Equal(3, root.GetProperty("reference").GetProperty("motion").GetProperty("chained").GetArrayLength());
        Assert.False(root.TryGetProperty("referenceAnalysis", out _)); // the full analyses stay out of the JSON
    }

    [Fact]
    public void Clip_analysis_round_trips_through_json()
    {
        var analysis = ScoreClips.Scorer.Score(ScoreClips.Pan(1.0, 1).Path, ScoreClips.Pan(1.0, 1).Path).ReferenceAnalysis!;
        string json = JsonSerializer.Serialize(analysis, Cli);
        using (var doc = JsonDocument.Parse(json))
        {
            var pair = doc.RootElement.GetProperty("pairs")[0];
            Assert.Equal(3, pair.GetProperty("h").GetArrayLength());
            Assert.Equal(1.0, pair.GetProperty("h")[2][2].GetDouble());
            Assert.Equal(3, pair.GetProperty("hn").GetArrayLength());
            Assert.True(pair.GetProperty("ok").GetBoolean());
            Assert.Equal(JsonValueKind.Null, pair.GetProperty("flag").ValueKind);
            Assert.Equal("pan-right", pair.GetProperty("motionClass").GetString());
            Assert.Equal("orb", doc.RootElement.GetProperty("settings").GetProperty("features").GetString());
            Assert.Equal("magsac", doc.RootElement.GetProperty("settings").GetProperty("method").GetString());
            Assert.Equal(640, doc.RootElement.GetProperty("source").GetProperty("analysisWidth").GetInt32());
        }
        var back = JsonSerializer.Deserialize<ClipAnalysis>(json, Cli)!;
        Assert.Equal(analysis.Source.AnalysedFrames, back.Source.AnalysedFrames);
        Assert.Equal(analysis.Settings, back.Settings);
        Assert.Equal(analysis.Motion, back.Motion);
        Assert.Equal(analysis.Pairs.Count, back.Pairs.Count);
        for (int i = 0; i < analysis.Pairs.Count; i++)
            Assert.Equal(analysis.Pairs[i], back.Pairs[i]);

        // Flag codes are kebab-case.
        string flagged = JsonSerializer.Serialize(analysis.Pairs[0] with { Ok = false, Flag = PairFlag.ShotCut }, Cli);
        Assert.Contains("\"flag\":\"shot-cut\"", flagged);
    }
}

public sealed class CameraPathSwitchTests
{
    [Fact]
    public void TurningTheCameraPathOffChangesTheCacheKeyOnly()
    {
        var on = new CamReview.Pipeline.Analyze.AnalysisOptions();
        var off = on with { CameraPath = false };
        Assert.NotEqual(on.Fingerprint, off.Fingerprint);
        Assert.Equal(on.Fingerprint, (off with { CameraPath = true }).Fingerprint);
    }
}
