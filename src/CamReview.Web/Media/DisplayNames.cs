using System.Globalization;
using System.Text;

namespace CamReview.Web.Media;

/// <summary>The name an upload is shown under. It is a label only (stored files are named by their hash), but it
/// is still cleaned: any folder part is dropped (<c>../../etc/passwd</c> becomes <c>passwd</c>), control and
/// invisible formatting characters (e.g. right-to-left overrides) are removed, and it is cut to a bounded length
/// keeping the extension.</summary>
public static class DisplayNames
{
    public const int MaxLength = 120;

    public static string Sanitize(string? fileName, string fallbackExtension)
    {
        var name = (fileName ?? "").Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
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
        name = string.Join(' ', clean.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)).Trim('.', ' ');
        if (name.Length == 0) return $"upload.{fallbackExtension}";
        if (name.Length <= MaxLength) return name;

        var extension = Path.GetExtension(name);
        if (extension.Length > 10) extension = "";
        var stem = name[..^extension.Length];
        var keep = MaxLength - extension.Length - 1;
        // Do not cut a surrogate pair in half.
        if (char.IsHighSurrogate(stem[keep - 1])) keep--;
        return stem[..keep].TrimEnd() + "…" + extension;
    }
}
