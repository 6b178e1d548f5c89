using System.Globalization;
using CamReview.Core.Statistics;
using Microsoft.AspNetCore.Components;

namespace CamReview.Web.Components.Pages.Studies.Builder;

/// <summary>The planner's inputs are its own (nothing of them is saved with the study); the study's design and choices
/// come from the builder.</summary>
public sealed partial class SampleSizePlanner
{
    [Parameter, EditorRequired] public BuilderState State { get; set; } = default!;

    private BuilderForm Form => State.Form;

    private double _winRate = 0.6, _power = 0.8, _alpha = 0.05, _tieRate = 0.2;
    private bool _bonferroni;
    private (object Key, (SampleSizePlan?, string) Result)? _lastPlan;

    /// <summary>The planner's answer, or why there is none; computed again only when an input changes.</summary>
    private (SampleSizePlan?, string) Plan
    {
        get
        {
            var (shownIn, pairsOfMethods) = State.MethodPairCoverage;
            var comparisons = State.ComparisonCount;
            var tieRate = Form.AllowTie || Form.AllowBothBad ? _tieRate : 0;
            var alpha = _bonferroni && pairsOfMethods > 1 ? _alpha / pairsOfMethods : _alpha;
            var key = (_winRate, _power, alpha, tieRate, Form.TrialsPerParticipant, comparisons, shownIn);
            if (_lastPlan is { } last && last.Key.Equals(key)) return last.Result;
            (SampleSizePlan?, string) result;
            if (shownIn == 0) result = (null, "Choose pairs and at least two methods to plan the sample size.");
            else
            {
                try
                {
                    result = (SampleSize.Plan(_winRate, _power, alpha, tieRate, Form.TrialsPerParticipant, comparisons, shownIn), "");
                }
                catch (ArgumentOutOfRangeException e)
                {
                    // The planner's own words, without the parameter name .NET appends.
                    result = (null, $"Cannot plan: {e.Message.Split(" (Parameter", 2)[0]}.");
                }
            }
            _lastPlan = (key, result);
            return result;
        }
    }

    private static string P(double x) => x.ToString("0.###", CultureInfo.InvariantCulture);
}
