using System.Text.RegularExpressions;

namespace CamReview.Pipeline.Render;

/// <summary>
/// Writes PNG frames into a hidden staging directory next to the requested one and moves them into place only
/// on <see cref="Commit"/>; <see cref="Dispose"/> without commit deletes the staging directory, so a failed or
/// cancelled render leaves the requested directory exactly as it was (not created if it did not exist, its
/// contents untouched if it did). Commit: when the directory does not exist, the staging directory is renamed
/// to it (atomic); when it exists, its old frame_NNNN.png files are removed (so no stale frames from a longer
/// earlier render remain) and the new frames are moved in; other files are left alone.
/// </summary>
internal sealed partial class PngFrameDirectory : IDisposable
{
    private bool _committed;

    public string FinalPath { get; }
    public string StagingPath { get; }

    public PngFrameDirectory(string directory)
    {
        FinalPath = Path.GetFullPath(directory);
        string parent = Path.GetDirectoryName(FinalPath.TrimEnd(Path.DirectorySeparatorChar))
            ?? throw new ArgumentException($"PNG directory '{directory}' has no parent directory");
        if (!Directory.Exists(parent)) throw new DirectoryNotFoundException($"Parent of the PNG directory does not exist: '{parent}'");
        if (File.Exists(FinalPath)) throw new IOException($"PNG directory '{FinalPath}' is an existing file");
        StagingPath = Path.Combine(parent, $".{Path.GetFileName(FinalPath.TrimEnd(Path.DirectorySeparatorChar))}.{Guid.NewGuid():N}.partial");
        Directory.CreateDirectory(StagingPath);
    }

    public static string FileName(int index) => $"frame_{index:D4}.png";

    public string StagedFramePath(int index) => Path.Combine(StagingPath, FileName(index));

    [GeneratedRegex(@"^frame_\d{4,}\.png$")]
    private static partial Regex FramePattern();

    public void Commit()
    {
        if (!Directory.Exists(FinalPath))
        {
            Directory.Move(StagingPath, FinalPath);
        }
        else
        {
            foreach (string old in Directory.EnumerateFiles(FinalPath))
                if (FramePattern().IsMatch(Path.GetFileName(old))) File.Delete(old);
            foreach (string f in Directory.EnumerateFiles(StagingPath))
                File.Move(f, Path.Combine(FinalPath, Path.GetFileName(f)), overwrite: true);
            Directory.Delete(StagingPath, recursive: true);
        }
        _committed = true;
    }

    public void Dispose()
    {
        if (_committed) return;
        try
        {
            if (Directory.Exists(StagingPath)) Directory.Delete(StagingPath, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
