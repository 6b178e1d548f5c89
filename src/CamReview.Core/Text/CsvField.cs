using System.Text;
using System.Text.RegularExpressions;

namespace CamReview.Core.Text;

/// <summary>
/// The one CSV field writer of every export (votes, study tables, metric tables). A field is RFC 4180: quoted (quotes
/// doubled) when it holds a comma, a quote or a line break. A text a spreadsheet would run as a formula is defused:
/// a field starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return gets a leading
/// apostrophe (<c>=HYPERLINK(...)</c> is written <c>'=HYPERLINK(...)</c>), and so does one that already starts with
/// apostrophes followed by such a character, so that <see cref="Read"/> can undo exactly one apostrophe and give
/// back the original text. Plain numbers (<c>-0.25</c>, <c>+3</c>, <c>-1e-5</c>) are not formulas and stay as they
/// are, so numeric columns remain numbers.
/// </summary>
public static partial class CsvField
{
    /// <summary>The field as written to a CSV file (defused, then quoted when needed); null is an empty field.</summary>
    public static string Write(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (NeedsDefusing(value)) value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
    }

    /// <summary>One CSV record of <see cref="Write"/> fields, LF-terminated.</summary>
    public static void WriteRow(TextWriter writer, IReadOnlyList<string?> fields)
    {
        for (int i = 0; i < fields.Count; i++)
        {
            if (i > 0) writer.Write(',');
            writer.Write(Write(fields[i]));
        }
        writer.Write('\n');
    }

    /// <summary>The original text of a field read from a CSV file (already unquoted): the apostrophe
    /// <see cref="Write"/> put before a formula-like text is taken off; anything else is returned as it is.</summary>
    public static string Read(string field) => DefusedText().IsMatch(field) ? field[1..] : field;

    /// <summary>Whether a text would start a spreadsheet formula (and is not a plain number).</summary>
    public static bool NeedsDefusing(string value) => FormulaLike().IsMatch(value) && !PlainNumber().IsMatch(value);

    /// <summary>The records of an RFC 4180 text (fields as written: <see cref="Read"/> undoes the defusing), each with the
    /// line it starts on; errors name <paramref name="name"/> and the line.</summary>
    public static IEnumerable<(int Line, List<string> Fields)> Records(string text, string name)
    {
        int pos = 0, line = 1;
        if (text.Length > 0 && text[0] == '\uFEFF') pos = 1;
        var field = new StringBuilder();
        while (pos < text.Length)
        {
            int start = line;
            var fields = new List<string>();
            while (true)
            {
                field.Clear();
                if (pos < text.Length && text[pos] == '"')
                {
                    int opened = line;
                    pos++;
                    while (true)
                    {
                        if (pos >= text.Length)
                            throw new InvalidDataException($"{name} line {opened}: a quoted field is not closed");
                        char c = text[pos++];
                        if (c == '"')
                        {
                            if (pos < text.Length && text[pos] == '"') { field.Append('"'); pos++; }
                            else break;
                        }
                        else
                        {
                            if (c == '\n') line++;
                            field.Append(c);
                        }
                    }
                    if (pos < text.Length && text[pos] is not (',' or '\r' or '\n'))
                        throw new InvalidDataException($"{name} line {line}: unexpected text after a closing quote");
                }
                else
                {
                    while (pos < text.Length && text[pos] is not (',' or '\r' or '\n'))
                    {
                        if (text[pos] == '"')
                            throw new InvalidDataException($"{name} line {line}: a quote inside an unquoted field (quote the whole field and double the quote)");
                        field.Append(text[pos++]);
                    }
                }
                fields.Add(field.ToString());
                if (pos < text.Length && text[pos] == ',') { pos++; continue; }
                break;
            }
            // End of record: CRLF, LF, lone CR, or end of text.
            if (pos < text.Length && text[pos] == '\r') pos++;
            if (pos < text.Length && text[pos] == '\n') pos++;
            line++;
            yield return (start, fields);
        }
    }

    [GeneratedRegex(@"^'*[=+\-@\t\r]")]
    private static partial Regex FormulaLike();

    [GeneratedRegex(@"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")]
    private static partial Regex PlainNumber();

    [GeneratedRegex(@"^'+[=+\-@\t\r]")]
    private static partial Regex DefusedText();
}
