namespace CamReview.Data.Tests;

/// <summary>A data folder of its own for one test, removed afterwards.</summary>
public sealed class TempDataDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("camreview-data-").FullName;

    public CamReviewDb OpenDb() => new(Database.Options(Path));

    /// <summary>The first column of every row of a query on the folder's database, as text.</summary>
    public async Task<List<string>> ScalarsAsync(string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(Database.ConnectionString(Path));
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        var values = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) values.Add(reader.GetValue(0).ToString()!);
        return values;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Path, recursive: true);
    }
}
