using System.Globalization;
using System.Text;
using CamReview.Data;

namespace CamReview.Web.Media;

/// <summary>The names assets are shown and downloaded under. They are labels only (stored files are named by their
/// hash), but still cleaned: control and invisible formatting characters (e.g. right-to-left overrides) are removed,
/// whitespace is collapsed, the length is bounded, and the extension is always the one of the sniffed content
/// (<c>photo.exe</c> that is a PNG is shown as <c>photo.png</c>), never one the uploader chose.</summary>
public static class DisplayNames
{
    public const int MaxLength = 120;

    // Spellings of each format's extension that an uploader's name may keep (IMG_1.JPEG stays as it is).
    private static readonly Dictionary<MediaFormat, string[]> Aliases = new()
    {
        [MediaFormat.Jpeg] = ["jpg", "jpeg", "jpe", "jfif"],
        [MediaFormat.Mp4] = ["mp4", "m4v"],
        [MediaFormat.QuickTime] = ["mov", "qt"],
    };

    /// <summary>An uploaded file's name: any folder part is dropped (<c>../../etc/passwd</c> becomes <c>passwd</c>); with
    /// a format, the extension becomes that format's. Without one (a refused file, named in the refusal) the name is
    /// only cleaned.</summary>
    public static string ForUpload(string? fileName, MediaFormat? format)
    {
        var name = (fileName ?? "").Replace('\\', '/');
        name = Clean(name[(name.LastIndexOf('/') + 1)..]);
        if (format is not { } f) return Bound(name.Length == 0 ? "upload" : name, "");
        var (stem, extension) = Split(name);
        return Named(stem.Length == 0 && extension.Length == 0 ? "upload" : stem, extension, f);
    }

    /// <summary>A name made from labels (a method name, a pair name): every character is kept as text, so a folder
    /// separator in a method name ("0.5°/f", "org/model") becomes its look-alike that is no separator (∕, ∖) rather than
    /// cutting the name; the extension is the format's.</summary>
    public static string ForLabel(string? label, MediaFormat format)
    {
        var name = Clean((label ?? "").Replace('/', '\u2215').Replace('\\', '\u2216'));
        var (stem, extension) = Split(name);
        return Named(stem.Length == 0 && extension.Length == 0 ? "output" : stem, extension, format);
    }

    /// <summary>The stem with the format's extension: the name's own is kept when it is a spelling of the format's, is
    /// replaced when it looks like another file type's, and is left in the stem otherwise ("v1.5 · pair").</summary>
    private static string Named(string stem, string extension, MediaFormat format)
    {
        var own = MediaFiles.Extension(format.MediaType());
        var accepted = Aliases.GetValueOrDefault(format, [own]);
        if (extension.Length > 0 && accepted.Contains(extension, StringComparer.OrdinalIgnoreCase)) return Bound(stem, "." + extension);
        if (extension.Length > 0 && !LooksLikeExtension(extension)) stem = $"{stem}.{extension}";
        stem = stem.TrimEnd('.', ' ');
        return Bound(stem.Length == 0 ? "upload" : stem, "." + own);
    }

    private static bool LooksLikeExtension(string extension) => extension.Length <= 5 && extension.All(char.IsAsciiLetterOrDigit);

    private static (string Stem, string Extension) Split(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot <= 0 ? (name, "") : (name[..dot].TrimEnd(), name[(dot + 1)..]);
    }

    /// <summary>Without control, formatting and unassigned characters; whitespace collapsed to single spaces; no leading
    /// or trailing dots and spaces.</summary>
    private static string Clean(string name)
    {
        var clean = new StringBuilder(name.Length);
        foreach (var rune in name.Normalize(NormalizationForm.FormC).EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune))
            {
                clean.Append(' ');
                continue;
            }
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
                continue;
            clean.Append(rune.ToString());
        }
        return string.Join(' ', clean.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)).Trim('.', ' ');
    }

    /// <summary>At most <see cref="MaxLength"/> characters, cut in the stem (marked with "…") so the extension stays.</summary>
    private static string Bound(string stem, string extension)
    {
        if (stem.Length + extension.Length <= MaxLength) return stem + extension;
        if (extension.Length > 10) extension = "";
        var keep = MaxLength - extension.Length - 1;
        // Do not cut a surrogate pair in half.
        if (char.IsHighSurrogate(stem[keep - 1])) keep--;
        return stem[..keep].TrimEnd() + "…" + extension;
    }
}
