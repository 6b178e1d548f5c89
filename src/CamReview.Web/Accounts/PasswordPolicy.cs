using System.Reflection;

namespace CamReview.Web.Accounts;

/// <summary>What a new password must be: applied whenever a password is set (the setup page, the administrator from
/// configuration, a password change, a temporary password), never when signing in, so accounts made under an older
/// rule keep working until their owner changes the password. Length is what makes a password strong; the other
/// rules refuse what guessers try first: the most common passwords (also with digits or symbols around them), one
/// character or a short piece repeated, and simple sequences (abcd…, 1234…, keyboard rows).</summary>
public static class PasswordPolicy
{
    public const int MinLength = 12;
    public const int MaxLength = 256;

    /// <summary>One line for the forms, under the password field.</summary>
    public const string Hint = "At least 12 characters; not a common password, a repeated character or a simple sequence.";

    // Runs guessers walk, each read cyclically (…890123…) and in both directions.
    private static readonly string[] Sequences = ["abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiopasdfghjklzxcvbnm"];

    private static readonly HashSet<string> Common = LoadCommon();

    /// <summary>Why this password may not be set, or null when it may.</summary>
    public static string? Check(string? password)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinLength) return $"A password has at least {MinLength} characters.";
        if (password.Length > MaxLength) return $"A password has at most {MaxLength} characters.";
        if (string.IsNullOrWhiteSpace(password)) return "A password cannot be only spaces.";
        var lower = password.ToLowerInvariant();
        if (RepeatedPiece(lower)) return "A password cannot be one character, or one short piece, repeated: choose another.";
        if (IsSequence(lower)) return "A password cannot be a simple sequence (such as abcdef…, 123456… or qwerty…): choose another.";
        if (IsCommon(lower)) return "This password is one of the most common passwords, which are guessed first: choose another.";
        return null;
    }

    /// <summary>The whole password is a shorter piece (shorter than the minimum length) repeated: "aaaa…", "abab…",
    /// "passwordpassword".</summary>
    private static bool RepeatedPiece(string s)
    {
        for (var period = 1; period < MinLength && period <= s.Length / 2; period++)
        {
            var repeats = true;
            for (var i = period; i < s.Length && repeats; i++) repeats = s[i] == s[i - period];
            if (repeats) return true;
        }
        return false;
    }

    private static bool IsSequence(string s)
    {
        foreach (var sequence in Sequences)
        {
            // Three turns of the cycle hold every run up to twice its length; longer runs are repetitions of it.
            var cycle = string.Concat(Enumerable.Repeat(sequence, 2 + s.Length / sequence.Length));
            if (cycle.Contains(s, StringComparison.Ordinal) || cycle.Contains(new string(s.Reverse().ToArray()), StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>In the list as it is, with common letter-for-symbol swaps undone, or with the digits and symbols around
    /// a listed word removed ("Password123!", "!!letmein2024").</summary>
    private static bool IsCommon(string lower)
    {
        if (Common.Contains(lower)) return true;
        var unswapped = string.Concat(lower.Select(c => c switch { '@' => 'a', '0' => 'o', '1' => 'i', '3' => 'e', '$' => 's', '5' => 's', '!' => 'i', _ => c }));
        if (Common.Contains(unswapped)) return true;
        var core = lower.Trim().TrimStart(NotLetter).TrimEnd(NotLetter);
        return core.Length > 0 && (Common.Contains(core) || Common.Contains(core.Replace('@', 'a').Replace('0', 'o').Replace('$', 's').Replace('3', 'e')));
    }

    private static readonly char[] NotLetter = [.. "0123456789!@#$%^&*()-_=+[]{};:'\",.<>/?\\|`~ "];

    private static HashSet<string> LoadCommon()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("CamReview.Web.Accounts.common-passwords.txt")
            ?? throw new InvalidOperationException("The embedded list of common passwords is missing.");
        using var reader = new StreamReader(stream);
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            line = line.Trim();
            if (line.Length > 0 && !line.StartsWith('#')) words.Add(line.ToLowerInvariant());
        }
        return words;
    }
}
