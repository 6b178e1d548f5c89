using CamReview.Core.Text;

namespace CamReview.Cli.Eval;

/// <summary>One row of a benchmark manifest: the paths as written (relative to the manifest's folder) and resolved.</summary>
internal sealed record ManifestRow(int Line, string Reference, string Target, string Method, string Output, string ReferencePath, string TargetPath, string OutputPath)
{
    /// <summary>The pair the row belongs to: its reference video and target image, as written.</summary>
    public string Pair => $"{Reference} | {Target}";
}

/// <summary>
/// A benchmark manifest: CSV (RFC 4180) with a header naming the columns <c>reference,target,method,output</c> (in any
/// order; further columns are ignored), one output of a method on a pair per row. Every file must exist, and a
/// reference, target and method appear together once. Errors are one line naming the manifest and the line.
/// </summary>
internal static class BenchmarkManifest
{
    public static readonly string[] Columns = ["reference", "target", "method", "output"];

    public static IReadOnlyList<ManifestRow> Read(string manifestPath)
    {
        if (!File.Exists(manifestPath)) throw new FileNotFoundException($"manifest '{manifestPath}' not found");
        string name = Path.GetFileName(manifestPath);
        string folder = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        var expected = $"expected a header {string.Join(",", Columns)}";
        var records = CsvField.Records(File.ReadAllText(manifestPath), name).Where(r => !(r.Fields.Count == 1 && r.Fields[0].Trim().Length == 0)).ToList();
        if (records.Count == 0) throw new InvalidDataException($"{name} is empty ({expected})");
        var (headerLine, header) = records[0];
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < header.Count; i++)
            if (!index.TryAdd(header[i].Trim().ToLowerInvariant(), i))
                throw new InvalidDataException($"{name} line {headerLine}: column '{header[i].Trim()}' appears twice");
        foreach (var column in Columns)
            if (!index.ContainsKey(column)) throw new InvalidDataException($"{name} line {headerLine}: missing column '{column}' ({expected})");

        var rows = new List<ManifestRow>();
        var seen = new Dictionary<(string, string, string), int>();
        foreach (var (line, fields) in records.Skip(1))
        {
            if (fields.Count != header.Count) throw new InvalidDataException($"{name} line {line}: expected {header.Count} fields, found {fields.Count}");
            string Field(string column)
            {
                var value = CsvField.Read(fields[index[column]].Trim());
                return value.Length > 0 ? value : throw new InvalidDataException($"{name} line {line}: the {column} is empty");
            }
            string File(string column, string value)
            {
                var path = Path.GetFullPath(value, folder);
                return System.IO.File.Exists(path) ? path : throw new FileNotFoundException($"{name} line {line}: {column} '{value}' not found");
            }
            var (reference, target, method, output) = (Field("reference"), Field("target"), Field("method"), Field("output"));
            var row = new ManifestRow(line, reference, target, method, output,
                File("reference", reference), File("target", target), File("output", output));
            if (seen.TryGetValue((row.ReferencePath, row.TargetPath, method), out var first))
                throw new InvalidDataException($"{name} line {line}: the same reference, target and method as line {first}");
            seen[(row.ReferencePath, row.TargetPath, method)] = line;
            rows.Add(row);
        }
        if (rows.Count == 0) throw new InvalidDataException($"{name} has no rows (only a header)");
        return rows;
    }
}
