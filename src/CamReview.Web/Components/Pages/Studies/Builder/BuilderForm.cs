using CamReview.Data.Entities;
using CamReview.Web.Studies;

namespace CamReview.Web.Components.Pages.Studies.Builder;

public sealed class QuestionForm
{
    public string Key { get; set; } = "";
    public string Text { get; set; } = "";
    public bool ShowTarget { get; set; }
}

/// <summary>The builder's fields, as the sections edit them; <see cref="ToDraft"/> is what is saved.</summary>
public sealed class BuilderForm
{
    public string Name { get; set; } = "";
    public StudyDesign Design { get; set; }
    public int CandidatesPerTrial { get; set; }
    public bool AllowTie { get; set; }
    public bool AllowBothBad { get; set; }
    public int TrialsPerParticipant { get; set; }
    public int AttentionChecks { get; set; }
    public bool WatchBeforeVoting { get; set; }
    public string? Instructions { get; set; }
    public string? ConsentText { get; set; }
    public List<int> PairIds { get; set; } = [];
    public List<string> Methods { get; set; } = [];
    public List<QuestionForm> Questions { get; set; } = [];
    public StudyAdmission Admission { get; set; }
    public string? PanelIdParameter { get; set; }
    public string? ReturnUrl { get; set; }
    public int RepeatedTrials { get; set; }
    public bool FlagFastAnswers { get; set; }
    public int SharedAddressLimit { get; set; }

    public static BuilderForm From(StudyDraft d) => new()
    {
        Name = d.Name ?? "", Design = d.Design, CandidatesPerTrial = Math.Max(3, d.CandidatesPerTrial), AllowTie = d.AllowTie, AllowBothBad = d.AllowBothBad,
        TrialsPerParticipant = d.TrialsPerParticipant, AttentionChecks = d.AttentionChecks, WatchBeforeVoting = d.WatchBeforeVoting,
        Instructions = d.Instructions, ConsentText = d.ConsentText, PairIds = [.. d.PairIds], Methods = [.. d.Methods],
        Questions = d.Questions.Select(q => new QuestionForm { Key = q.Key, Text = q.Text, ShowTarget = q.ShowTarget ?? q.Key == QuestionDraft.SceneKey }).ToList(),
        Admission = d.Admission, PanelIdParameter = d.PanelIdParameter, ReturnUrl = d.ReturnUrl, RepeatedTrials = d.RepeatedTrials,
        FlagFastAnswers = d.FlagFastAnswers, SharedAddressLimit = d.SharedAddressLimit,
    };

    public StudyDraft ToDraft() => new(Name, Design, Design == StudyDesign.Pairwise ? 2 : CandidatesPerTrial, AllowTie, AllowBothBad, TrialsPerParticipant,
        AttentionChecks, WatchBeforeVoting, Instructions, ConsentText, PairIds, Methods, Questions.Select(q => new QuestionDraft(q.Key, q.Text, q.ShowTarget)).ToList(),
        Admission, PanelIdParameter, ReturnUrl, RepeatedTrials, FlagFastAnswers, SharedAddressLimit);
}

/// <summary>A study being built: the form, what the project offers, and what follows from the choices (shared by the
/// builder's sections, so that each shows the same counts).</summary>
public sealed class BuilderState(BuilderForm form, StudyChoices choices, bool locked)
{
    public BuilderForm Form { get; } = form;
    public StudyChoices Choices { get; } = choices;
    /// <summary>The study is no longer a draft: what it compares and how can no longer change.</summary>
    public bool Locked { get; } = locked;

    public IEnumerable<string> AvailableMethods =>
        Choices.Pairs.Where(p => Form.PairIds.Contains(p.Id)).SelectMany(p => p.Methods).Concat(Form.Methods).Distinct().Order(StringComparer.Ordinal);

    /// <summary>What the chosen pairs and methods make: per pair, the combinations of its chosen outputs.</summary>
    public int ComparisonCount
    {
        get
        {
            int n = Form.Design == StudyDesign.Pairwise ? 2 : Form.CandidatesPerTrial;
            return Choices.Pairs.Where(p => Form.PairIds.Contains(p.Id)).Sum(p => Combinations(p.Methods.Count(Form.Methods.Contains), n));
        }
    }

    /// <summary>Of the pairs of chosen methods that some chosen pair compares: the fewest comparisons one of them is in,
    /// and how many such pairs of methods there are.</summary>
    public (int ShownIn, int PairsOfMethods) MethodPairCoverage
    {
        get
        {
            var counts = new Dictionary<(string, string), int>();
            foreach (var pair in Choices.Pairs.Where(p => Form.PairIds.Contains(p.Id)))
            {
                var chosen = pair.Methods.Where(Form.Methods.Contains).Order(StringComparer.Ordinal).ToList();
                for (int a = 0; a < chosen.Count; a++)
                    for (int b = a + 1; b < chosen.Count; b++)
                        counts[(chosen[a], chosen[b])] = counts.GetValueOrDefault((chosen[a], chosen[b])) + 1;
            }
            return counts.Count == 0 ? (0, 0) : (counts.Values.Min(), counts.Count);
        }
    }

    /// <summary>The words of the participant texts that name a chosen method (the rule the server applies on saving).</summary>
    public IReadOnlyList<MethodMention> Mentions => MethodMentions.Find(
        MethodMentions.ParticipantTexts(Form.Instructions, Form.ConsentText, Form.Questions.Select(q => (q.Key.Trim().ToLowerInvariant(), (string?)q.Text))), Form.Methods);

    public bool Refused(string field) => Mentions.Any(m => m.Field == field);

    /// <summary>Ticking a pair adds the methods it brings to the list, chosen (methods already listed keep their
    /// choice); unticking it takes away, from the list and the choice, the methods no other chosen pair has.</summary>
    public void TogglePair(ChoicePair pair, bool chosen)
    {
        if (chosen)
        {
            var listed = AvailableMethods.ToHashSet(StringComparer.Ordinal);
            if (!Form.PairIds.Contains(pair.Id)) Form.PairIds.Add(pair.Id);
            foreach (var method in pair.Methods)
                if (!listed.Contains(method) && !Form.Methods.Contains(method)) Form.Methods.Add(method);
        }
        else
        {
            Form.PairIds.Remove(pair.Id);
            var kept = Choices.Pairs.Where(p => Form.PairIds.Contains(p.Id)).SelectMany(p => p.Methods).ToHashSet(StringComparer.Ordinal);
            Form.Methods.RemoveAll(m => pair.Methods.Contains(m) && !kept.Contains(m));
        }
    }

    public void ToggleMethod(string method, bool chosen)
    {
        if (chosen) { if (!Form.Methods.Contains(method)) Form.Methods.Add(method); }
        else Form.Methods.Remove(method);
    }

    private static int Combinations(int n, int k)
    {
        if (k < 0 || k > n) return 0;
        long c = 1;
        for (int i = 1; i <= k; i++) c = c * (n - k + i) / i;
        return (int)c;
    }
}
