using System.Globalization;
using CamReview.Core.Text;

namespace CamReview.Core.Statistics;

/// <summary>A vote file read from CSV, with the line each vote starts on (for error messages).</summary>
public sealed record VoteTable(IReadOnlyList<Vote> Votes, IReadOnlyList<int> Lines);

/// <summary>
/// The votes CSV of <c>camreview stats</c> and of the portal's study export. Reading: RFC 4180 (comma-separated; a field may be quoted with <c>"</c>, and
/// then holds commas, line breaks and doubled quotes <c>""</c>; CRLF or LF; optional UTF-8 BOM). The header names the
/// columns, in any order and letter case: <c>participant,trial,question,options,choice</c>, and optionally
/// <c>response_ms</c> (empty cells allowed). <c>options</c> lists the methods shown separated by <c>;</c>. Fields
/// are trimmed, and a field defused by <see cref="CsvField.Write"/> (<c>'=SUM(A1)</c>) is read back as the original
/// text (<c>=SUM(A1)</c>); blank lines are skipped. Any problem is an <see cref="InvalidDataException"/> naming the line.
/// </summary>
public static class VoteCsv
{
    public static readonly string[] RequiredColumns = ["participant", "trial", "question", "options", "choice"];
    public const string ResponseTimeColumn = "response_ms";

    /// <summary>Columns the portal's export adds about each vote's participant (their panel id, why they are excluded,
    /// who included them anyway): read past, since the statistics take exclusions from <c>--exclude</c>.</summary>
    public static readonly string[] InformationColumns = ["panel_id", "excluded", "included_anyway"];

    /// <summary>Writes votes in the format <see cref="Read"/> reads: the header
    /// <c>participant,trial,question,options,choice,response_ms</c>, one line per vote (LF), fields written by
    /// <see cref="CsvField.Write"/> (quoted only when they hold a comma, quote or line break; a formula-like text such
    /// as <c>=HYPERLINK(...)</c> defused with a leading apostrophe), response times in invariant culture.</summary>
    public static void Write(TextWriter writer, IEnumerable<Vote> votes) => Write(writer, votes, [], _ => []);

    /// <summary>The same with more columns after <c>response_ms</c> (of <see cref="InformationColumns"/>, so that
    /// <see cref="Read"/> still reads the file), their fields given per vote.</summary>
    public static void Write(TextWriter writer, IEnumerable<Vote> votes, IReadOnlyList<string> columns, Func<Vote, IReadOnlyList<string>> fields)
    {
        if (columns.FirstOrDefault(c => !InformationColumns.Contains(c)) is { } unknown)
            throw new ArgumentException($"'{unknown}' is not a column the vote reader knows", nameof(columns));
        writer.Write(string.Join(",", RequiredColumns.Append(ResponseTimeColumn).Concat(columns)));
        writer.Write('\n');
        foreach (var v in votes)
        {
            if (v.Options.Any(o => o.Contains(';')))
                throw new ArgumentException($"option names cannot contain ';' (the options separator): {string.Join(" | ", v.Options)}", nameof(votes));
            var extra = fields(v);
            if (extra.Count != columns.Count) throw new ArgumentException($"a vote has {extra.Count} extra fields for {columns.Count} columns", nameof(fields));
            CsvField.WriteRow(writer, [v.Participant, v.Trial, v.Question, string.Join(";", v.Options), v.Choice,
                v.ResponseTimeMs?.ToString("R", CultureInfo.InvariantCulture) ?? "", .. extra]);
        }
    }

    public static VoteTable Read(string text, string name)
    {
        var records = CsvField.Records(text, name).GetEnumerator();
        if (!records.MoveNext()) throw new InvalidDataException($"{name} is empty (expected a header: {string.Join(",", RequiredColumns)})");
        var (headerLine, header) = records.Current;
        var columns = Columns(header, headerLine, name);
        var votes = new List<Vote>();
        var lines = new List<int>();
        while (records.MoveNext())
        {
            var (line, fields) = records.Current;
            if (fields.Count == 1 && fields[0].Trim().Length == 0) continue; // blank line
            if (fields.Count != header.Count)
                throw new InvalidDataException($"{name} line {line}: expected {header.Count} fields, found {fields.Count}");
            string Field(string column) => CsvField.Read(fields[columns[column]].Trim());
            double? rt = null;
            if (columns.ContainsKey(ResponseTimeColumn) && Field(ResponseTimeColumn) is { Length: > 0 } text2)
            {
                if (!double.TryParse(text2, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                    throw new InvalidDataException($"{name} line {line}: {ResponseTimeColumn} '{text2}' is not a number");
                rt = value;
            }
            var options = Field("options").Split(';').Select(o => o.Trim()).ToArray();
            votes.Add(new Vote(Field("participant"), Field("trial"), Field("question"), options, Field("choice"), rt));
            lines.Add(line);
        }
        if (votes.Count == 0) throw new InvalidDataException($"{name} has no votes (only a header)");
        return new VoteTable(votes, lines);
    }

    private static Dictionary<string, int> Columns(List<string> header, int line, string name)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        var expected = $"expected {string.Join(",", RequiredColumns)}[,{ResponseTimeColumn}]";
        for (int i = 0; i < header.Count; i++)
        {
            var column = header[i].Trim().ToLowerInvariant();
            if (!RequiredColumns.Contains(column) && column != ResponseTimeColumn && !InformationColumns.Contains(column))
                throw new InvalidDataException($"{name} line {line}: unknown column '{header[i].Trim()}' ({expected})");
            if (!columns.TryAdd(column, i)) throw new InvalidDataException($"{name} line {line}: column '{column}' appears twice");
        }
        foreach (var required in RequiredColumns)
            if (!columns.ContainsKey(required)) throw new InvalidDataException($"{name} line {line}: missing column '{required}' ({expected})");
        return columns;
    }
}
