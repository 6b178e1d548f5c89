namespace CamReview.Data.Tests;

/// <summary>A data folder of its own for one test, removed afterwards.</summary>
public sealed class TempDataDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("camreview-data-").FullName;

    public CamReviewDb OpenDb() => new(Database.Options(Path));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Path, recursive: true);
    }
}
