using System.Reflection;
using System.Text.Json;
using CamReview.Core;
using CamReview.Pipeline.Analyze;
using CamReview.Pipeline.Score;

namespace CamReview.Pipeline.Tests;

/// <summary>The metric catalogue covers what the scorer emits, under the names its JSON has, each with its direction.</summary>
public sealed class MetricCatalogueTests
{
    /// <summary>A score with every metric set, serialized as scores are stored.</summary>
    private static readonly ScoreResult Full = new()
    {
        Reference = null!, Generated = null!,
        CameraScore = 0.01, Pce = 0.2, RotErr = AngleError.FromRadians(0.1), TransErr = 0.3,
        SceneSimilarity = new SceneSimilarityResult { Value = 0.8, Encoder = "classical:hog" },
        Flicker = FlickerResult.NotComputed("one frame") with { Value = 0.97, Reason = null },
        SubjectConsistency = new SubjectConsistencyResult { Reason = "needs a learned encoder" },
    };

    private static StoredScore Stored(ScoreResult score) => StoredScore.Parse(JsonSerializer.Serialize(score, FolderAnalysisCache.JsonOptions));

    /// <summary>The scorer's metrics: a nullable number with a "{Name}Reason" beside it, or a result with Value and Reason.</summary>
    private static IEnumerable<string> EmittedMetrics()
    {
        var properties = typeof(ScoreResult).GetProperties(BindingFlags.Public | BindingFlags.Instance);
        foreach (var p in properties)
        {
            var withReason = properties.Any(q => q.Name == p.Name + "Reason");
            var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            var result = type.GetProperty("Value") is not null && type.GetProperty("Reason") is not null;
            if (withReason || result) yield return JsonNamingPolicy.CamelCase.ConvertName(p.Name);
        }
    }

    [Fact]
    public void EveryMetricTheScorerEmitsIsCataloguedUnderItsJsonName()
    {
        Assert.Equal(EmittedMetrics().Order(), MetricCatalogue.All.Select(m => m.Key).Order());
        var stored = Stored(Full);
        Assert.All(MetricCatalogue.All, m => Assert.True(stored.Has(m.Key), $"{m.Key} is not a field of a stored score"));
    }

    [Fact]
    public void DirectionsLabelsAndKeys()
    {
        Assert.All([MetricCatalogue.CameraScore, MetricCatalogue.Pce, MetricCatalogue.RotErr, MetricCatalogue.TransErr], m => Assert.Equal(Better.Lower, m.Better));
        Assert.All([MetricCatalogue.SceneSimilarity, MetricCatalogue.Flicker, MetricCatalogue.SubjectConsistency], m => Assert.Equal(Better.Higher, m.Better));
        Assert.Equal(MetricCatalogue.All.Count, MetricCatalogue.All.Select(m => m.Key).Distinct().Count());
        Assert.All(MetricCatalogue.All, m => Assert.False(string.IsNullOrWhiteSpace(m.Label) || string.IsNullOrWhiteSpace(m.Description)));
        // The exports' columns, in their order: users' spreadsheets depend on them.
        Assert.Equal(["cameraScore", "pce", "rotErr", "transErr", "sceneSimilarity", "flicker"], MetricCatalogue.Compared.Select(m => m.Key));
        Assert.Equal("RotErr (°)", MetricCatalogue.RotErr.Heading);
        Assert.Equal("CameraScore (lower is better)", MetricCatalogue.CameraScore.AxisTitle);
        Assert.Same(MetricCatalogue.Flicker, MetricCatalogue.Find("flicker"));
        Assert.Null(MetricCatalogue.Find("vibes"));
    }

    [Fact]
    public void AStoredScoreIsReadOnceIntoItsMetrics()
    {
        var stored = Stored(Full);
        Assert.Equal(new MetricReading(0.01, null, null), MetricCatalogue.CameraScore.Read(stored));
        Assert.Equal(new MetricReading(0.2, null, null), MetricCatalogue.Pce.Read(stored));
        Assert.Equal(new MetricReading(0.1 * 180 / Math.PI, null, "degrees"), MetricCatalogue.RotErr.Read(stored));
        Assert.Equal(new MetricReading(0.8, null, "classical fallback (classical:hog)"), MetricCatalogue.SceneSimilarity.Read(stored));
        Assert.Equal(new MetricReading(0.97, null, null), MetricCatalogue.Flicker.Read(stored));
        Assert.Equal(new MetricReading(null, "needs a learned encoder", null), MetricCatalogue.SubjectConsistency.Read(stored));
    }

    [Fact]
    public void AMissingMetricSaysWhyAndARowFromAnOlderScorerSaysSo()
    {
        var stored = StoredScore.Parse("""{"cameraScore": null, "cameraScoreReason": "no usable pair", "pce": null, "pairsUsed": 0}""");
        Assert.Equal(new MetricReading(null, "no usable pair", null), MetricCatalogue.CameraScore.Read(stored));
        Assert.Equal(new MetricReading(null, "not computed", null), MetricCatalogue.Pce.Read(stored));
        Assert.Equal(MetricCatalogue.NotInThisVersion, MetricCatalogue.RotErr.Read(stored).Reason);
        Assert.Equal((0, (int?)null), (stored.PairsUsed!.Value, stored.PairsFlagged));
    }
}
