using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;

namespace CamReview.Pipeline.Render;

/// <summary>
/// The command line of an external render method, e.g.
/// <c>python3 infer.py --reference {reference} --target {target} --trajectory {trajectory_json} --out {output}</c>.
/// Split into arguments like a shell would split words (whitespace; single or double quotes group, no escapes, no
/// variables, no globbing), then each placeholder is replaced inside its argument: a file path never becomes more
/// than the one argument it is in, and nothing runs through a shell. Placeholders other than
/// <see cref="Placeholders"/> are refused.
/// </summary>
public sealed partial class CommandTemplate
{
    public const string Reference = "reference";
    public const string Target = "target";
    public const string TrajectoryJson = "trajectory_json";
    public const string Output = "output";

    public static IReadOnlyList<string> Placeholders { get; } = [Reference, Target, TrajectoryJson, Output];

    private readonly IReadOnlyList<string> _words;

    private CommandTemplate(IReadOnlyList<string> words) => _words = words;

    /// <summary>The program and its arguments before substitution.</summary>
    public IReadOnlyList<string> Words => _words;

    public static bool TryParse(string? text, [NotNullWhen(true)] out CommandTemplate? template, [NotNullWhen(false)] out string? error)
    {
        template = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "The command is empty.";
            return false;
        }
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in text)
        {
            if (quote is { } q)
            {
                if (c == q) quote = null;
                else word.Append(c);
            }
            else if (c is '"' or '\'') { quote = c; inWord = true; }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else { word.Append(c); inWord = true; }
        }
        if (quote is not null)
        {
            error = "The command has an unclosed quote.";
            return false;
        }
        if (inWord) words.Add(word.ToString());
        foreach (var w in words)
        {
            foreach (Match m in Placeholder().Matches(w))
            {
                if (!Placeholders.Contains(m.Groups[1].Value))
                {
                    error = $"Unknown placeholder {m.Value}: use {string.Join(", ", Placeholders.Select(p => $"{{{p}}}"))}.";
                    return false;
                }
            }
            if (Placeholder().Replace(w, "").IndexOfAny(['{', '}']) >= 0)
            {
                error = $"\"{w}\" has a brace that is not part of a placeholder.";
                return false;
            }
        }
        if (Placeholder().IsMatch(words[0]))
        {
            error = "The program itself cannot be a placeholder.";
            return false;
        }
        if (!words.Any(w => w.Contains($"{{{Output}}}", StringComparison.Ordinal)))
        {
            error = "The command must name where it writes the video: {output}.";
            return false;
        }
        template = new CommandTemplate(words);
        error = null;
        return true;
    }

    /// <summary>The program and its arguments with the placeholders replaced (a placeholder without a value is an error).</summary>
    public IReadOnlyList<string> Substitute(IReadOnlyDictionary<string, string> values) =>
        _words.Select(w => Placeholder().Replace(w, m => values.TryGetValue(m.Groups[1].Value, out var v)
            ? v : throw new ArgumentException($"no value for {m.Value}", nameof(values)))).ToArray();

    [GeneratedRegex(@"\{([A-Za-z0-9_]*)\}")]
    private static partial Regex Placeholder();
}
