using CamReview.Core;
using CamReview.Pipeline.Render;

namespace CamReview.Web.Studies;

/// <summary>A word of a participant text that names a method: where (<see cref="Field"/>: "instructions",
/// "consent text", "question \"overall\""), the words as written, and the method and the name or part they match.</summary>
public sealed record MethodMention(string Field, string Words, string Method, string Matched);

/// <summary>
/// The rule that keeps method names out of what participants read (instructions, consent text, question wording).
/// Texts and names are cut into words the same way: at anything that is not a letter or a digit, between a lower-case
/// and an upper-case letter (camelCase), before the last capital of a run followed by a lower-case letter
/// ("HTTPServer": http, server) and between letters and digits ("QuokkaFlow-37": quokka, flow, 37); words are
/// compared without letter case. A text is refused where whole consecutive words of it, put together, give:
/// <list type="bullet">
/// <item>a method's full name, if that has at least 3 letters or digits ("quokka flow 37", "QUOKKAFLOW-37");</item>
/// <item>a run of two or more of its words with at least 4 characters that holds a word of the next item or mixes
/// letters and digits ("quokkaflow", "flow37", "cam58"; not "dollyin");</item>
/// <item>one of its words on its own, or with a plural "s"/"es", if that word has at least 3 characters, is not only
/// digits and is not in <see cref="CommonWords"/> ("homography", "quokka");</item>
/// <item>an alias: a built-in renderer's other names when a method's words include that renderer's label
/// ("CamMimic" for a "homography (black)" output, see <see cref="RenderMethodLabels.Aliases"/>).</item>
/// </list>
/// Common words alone never refuse a text: English words, the portal's words for what a participant sees (video,
/// camera, scene, reference, ...), the words of renders (warp, transfer, ...) and the words of the render catalogue's
/// border policies and camera moves (black, reflect, dolly, pan, zoom, ...): they describe what is on the screen, not
/// who made it. Whole words only: "camera" does not match the part "cam", nor "homographic" "homography".
/// </summary>
public static class MethodMentions
{
    /// <summary>Words that do not, alone, name a method (the list in docs/studies.md).</summary>
    public static readonly IReadOnlySet<string> CommonWords = new HashSet<string>(
        [
            // English
            "the", "and", "for", "with", "without", "from", "into", "onto", "over", "under", "this", "that", "these", "those",
            "one", "two", "three", "four", "all", "any", "are", "but", "not", "new", "old", "our", "you", "your", "its", "was",
            "has", "have", "more", "less", "very", "best", "good", "bad", "better", "worse", "final", "fast", "slow", "high",
            "low", "full", "half", "big", "small", "large", "plus", "pro", "max", "mini", "lite", "net", "via", "only", "also",
            "each", "every", "some", "same", "other", "than", "then", "them", "they", "which", "what", "when", "where", "who",
            "how", "why", "will", "can", "may", "must", "should", "would", "could", "about", "after", "before", "again", "here",
            "there", "just", "like", "make", "made", "look", "looks", "keep", "keeps", "real", "true", "first", "last", "next",
            "most", "much", "many", "well", "time", "see", "show", "shows", "watch", "answer", "question", "free", "open",
            "simple", "basic", "standard", "default", "original", "ours", "mine", "none", "both", "either",
            // what participants see and the portal's own words
            "video", "videos", "camera", "cameras", "cam", "clip", "clips", "scene", "scenes", "image", "images", "picture",
            "frame", "frames", "target", "reference", "output", "outputs", "method", "methods", "model", "models", "version",
            "test", "demo", "sample", "result", "results", "quality", "motion", "move", "moves", "movement", "shot", "view",
            "left", "right", "top", "bottom", "up", "down", "side", "edge", "edges", "border", "borders", "depth", "color", "colour",
            // the words of renders
            "render", "rendered", "renderer", "warp", "warped", "warping", "transfer", "transferred", "baseline", "flow",
            "style", "based", "stable", "stabilized", "smooth", "sharp",
        ],
        StringComparer.Ordinal);

    private static readonly HashSet<string> CatalogueWords = new(
        BorderPolicyLabels.All.Concat(CameraMovePresets.All).Concat(TrajectoryPresetLabels.All).Append(RenderMotion.ReferenceLabel)
            .SelectMany(l => Words(l).Select(w => w.Text)),
        StringComparer.Ordinal);

    /// <summary>Whether a word (lower case) alone does not name a method.</summary>
    public static bool IsCommon(string word) => CommonWords.Contains(word) || CatalogueWords.Contains(word);

    /// <summary>Every place where the texts name one of the methods; empty when they name none. Each field's words are
    /// reported once (the longest match at a place wins).</summary>
    public static IReadOnlyList<MethodMention> Find(IEnumerable<(string Field, string? Text)> texts, IEnumerable<string> methods)
    {
        var targets = Targets(methods);
        if (targets.Count == 0) return [];
        int longest = targets.Keys.Max(k => k.Length);
        var found = new List<MethodMention>();
        foreach (var (field, text) in texts)
        {
            if (string.IsNullOrEmpty(text)) continue;
            var words = Words(text);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < words.Count; i++)
            {
                // The longest run of words from here that gives a target.
                (int End, (string Method, string Matched) Target)? best = null;
                var joined = "";
                for (int j = i; j < words.Count && joined.Length < longest + 2; j++)
                {
                    joined += words[j].Text;
                    if (Lookup(targets, joined) is { } target) best = (j, target);
                }
                if (best is not { } hit) continue;
                var written = text[words[i].Start..(words[hit.End].Start + words[hit.End].Length)];
                if (seen.Add(written.ToLowerInvariant())) found.Add(new MethodMention(field, written, hit.Target.Method, hit.Target.Matched));
                i = hit.End;
            }
        }
        return found;
    }

    /// <summary>The texts of a study that participants read, by field.</summary>
    public static IEnumerable<(string Field, string? Text)> ParticipantTexts(string? instructions, string? consent, IEnumerable<(string Key, string? Text)> questions) =>
        new[] { ("instructions", instructions), ("consent text", consent) }.Concat(questions.Select(q => ($"question \"{q.Key}\"", q.Text)));

    /// <summary>One sentence for an error: each field with its refused words.</summary>
    public static string Describe(IReadOnlyList<MethodMention> mentions) =>
        "Participants must not learn method names: " + string.Join("; ", mentions.GroupBy(m => m.Field).Select(g =>
            $"the {g.Key} {(g.Key == "instructions" ? "name" : "names")} " + string.Join(", ", g.Select(m =>
                $"\"{m.Words}\" (the method \"{m.Method}\"{(string.Equals(m.Matched, m.Method, StringComparison.Ordinal) ? "" : $", by \"{m.Matched}\"")})")))) + ".";

    private static (string Method, string Matched)? Lookup(Dictionary<string, (string, string)> targets, string joined)
    {
        if (targets.TryGetValue(joined, out var t)) return t;
        // A plural or possessive ("quokkas", "CamMimic's"); "homographies" is another word.
        if (joined.EndsWith('s') && targets.TryGetValue(joined[..^1], out t)) return t;
        if (joined.EndsWith("es", StringComparison.Ordinal) && targets.TryGetValue(joined[..^2], out t)) return t;
        return null;
    }

    /// <summary>What a text may not contain, lower case and without separators, each with its method and what it is
    /// (the full name, a run of words, a word or an alias).</summary>
    private static Dictionary<string, (string Method, string Matched)> Targets(IEnumerable<string> methods)
    {
        var targets = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var method in methods.Where(m => !string.IsNullOrWhiteSpace(m)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var words = Words(method).Select(w => w.Text).ToList();
            if (words.Count == 0) continue;
            var full = string.Concat(words);
            if (full.Length >= 3) targets.TryAdd(full, (method, method));
            for (int i = 0; i < words.Count; i++)
                for (int j = i + 1; j < words.Count; j++)
                {
                    var part = words.Skip(i).Take(j - i + 1).ToList();
                    var run = string.Concat(part);
                    if (run.Length >= 4 && (part.Any(Significant) || (part.Any(IsNumber) && !part.All(IsNumber)))) targets.TryAdd(run, (method, run));
                }
            foreach (var word in words.Where(Significant)) targets.TryAdd(word, (method, word));
            foreach (var renderer in Enum.GetValues<RenderMethod>())
                if (words.Contains(renderer.ToLabel()))
                    foreach (var alias in renderer.Aliases())
                        targets.TryAdd(string.Concat(Words(alias).Select(w => w.Text)), (method, alias));
        }
        return targets;
    }

    /// <summary>A word that names a method on its own: 3 characters or more, not only digits, not common.</summary>
    private static bool Significant(string word) => word.Length >= 3 && !IsNumber(word) && !IsCommon(word);

    private static bool IsNumber(string word) => word.All(char.IsDigit);

    private readonly record struct Word(string Text, int Start, int Length);

    /// <summary>The words of a text (lower case) with where they are.</summary>
    private static List<Word> Words(string text)
    {
        var words = new List<Word>();
        int i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetterOrDigit(text[i])) { i++; continue; }
            int start = i++;
            while (i < text.Length && char.IsLetterOrDigit(text[i]) && !Boundary(text, i)) i++;
            words.Add(new Word(text[start..i].ToLowerInvariant(), start, i - start));
        }
        return words;
    }

    /// <summary>Whether a new word starts at <paramref name="i"/> (inside a run of letters and digits).</summary>
    private static bool Boundary(string s, int i)
    {
        char a = s[i - 1], b = s[i];
        if (char.IsDigit(a) != char.IsDigit(b)) return true; // letters | digits
        if (char.IsLower(a) && char.IsUpper(b)) return true; // camelCase
        return char.IsUpper(a) && char.IsUpper(b) && i + 1 < s.Length && char.IsLower(s[i + 1]); // HTTPServer
    }
}
