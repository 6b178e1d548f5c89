using System.Security.Claims;
using System.Security.Cryptography;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Web.Accounts;
using CamReview.Web.Authorization;
using CamReview.Web.Security;
using CamReview.Web.Services;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Compare;

/// <summary>A share link to make; <see cref="GuestsMayComment"/>: whoever opens it may comment under a name of their own.</summary>
public sealed record NewShareLink(string? Label, int ExpiresInDays, string? Passphrase, bool GuestsMayComment = false);

/// <summary>A share link as its owners see it; <see cref="Url"/> is the address to pass on (relative to the portal).</summary>
public sealed record ShareLinkView(
    int Id, int PairId, string Label, string Url, DateTime ExpiresUtc, DateTime? RevokedUtc, bool HasPassphrase,
    string? CreatedBy, DateTime CreatedUtc, int OpenCount, DateTime? LastOpenedUtc, bool GuestsMayComment)
{
    public string State(DateTime now) => RevokedUtc is not null ? "revoked" : ExpiresUtc <= now ? "expired" : "active";
}

/// <summary>The answer to a passphrase: the unlock cookie's value, or the guess was refused unchecked (too many), or wrong.</summary>
public sealed record UnlockResult(string? Cookie, GuessRefusal? Refused, string? Error = null);

/// <summary>What a share token opens: the pair, or why not; <see cref="GuestsMayComment"/>: whether its guests may comment.</summary>
public sealed record SharedAccess(int LinkId, int PairId, string Label, bool HasPassphrase, DateTime ExpiresUtc, string? Refusal, bool GuestsMayComment);

/// <summary>Read-only links to a comparison that open without an account: 256-bit random tokens (only a SHA-256 hash
/// and an encrypted copy are stored), an expiry, revocation, and an optional passphrase (hashed with the framework's
/// password hasher; wrong guesses are throttled, see <see cref="UnlockAsync"/>). A correct passphrase unlocks the link in
/// that browser through a cookie that only this portal can make, valid until the link expires or 12 hours pass.</summary>
public sealed class ShareLinkService(
    IDbContextFactory<CamReviewDb> dbs, AccessService access, IDataProtectionProvider protection, IPasswordHasher<ShareLink> hasher,
    ComparisonEvents events, TimeProvider? clock = null)
{
    public const int MaxDays = 365;
    public const int MinPassphraseLength = 6;
    public static readonly TimeSpan UnlockLifetime = TimeSpan.FromHours(12);
    public const string PathPrefix = "/share/";

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly IDataProtector _tokens = protection.CreateProtector("CamReview.ShareLink.Token");
    private readonly ITimeLimitedDataProtector _unlocks = protection.CreateProtector("CamReview.ShareLink.Unlock").ToTimeLimitedDataProtector();
    /// <summary>Wrong passphrases one client (address) may try on one link in <see cref="GuessWindow"/>.</summary>
    public const int GuessesPerClient = 10;
    /// <summary>Wrong passphrases on one link, from all clients together, after which the link is guessed at from many
    /// addresses: each client may then try only <see cref="GuessesPerClientUnderAttack"/>, and every check waits.</summary>
    public const int LinkGuessesBeforeSlowdown = 30;
    public const int GuessesPerClientUnderAttack = 3;
    public static readonly TimeSpan GuessWindow = TimeSpan.FromMinutes(15);

    private readonly GuessThrottle<(int Link, string Client)> _clientGuesses = new(GuessesPerClient, GuessWindow, clock);
    private readonly GuessThrottle<int> _linkGuesses = new(int.MaxValue, GuessWindow, clock);

    private DateTime Now => _clock.GetUtcNow().UtcDateTime;

    public async Task<Result<ShareLinkView>> CreateAsync(ClaimsPrincipal user, int pairId, NewShareLink request, CancellationToken ct = default)
    {
        var allowed = await access.PairAsync(user, pairId, Permission.Share, ct);
        if (!allowed.Allowed) return allowed.Deny<ShareLinkView>();
        var label = string.IsNullOrWhiteSpace(request.Label) ? "Share link" : request.Label.Trim();
        if (label.Length > CamReviewDb.NameMaxLength || label.Any(char.IsControl)) return Result<ShareLinkView>.Fail($"A label has at most {CamReviewDb.NameMaxLength} characters and no control characters.");
        if (request.ExpiresInDays is < 1 or > MaxDays) return Result<ShareLinkView>.Fail($"A share link expires after 1 to {MaxDays} days.");
        var passphrase = string.IsNullOrEmpty(request.Passphrase) ? null : request.Passphrase;
        if (passphrase is { Length: < MinPassphraseLength }) return Result<ShareLinkView>.Fail($"A passphrase has at least {MinPassphraseLength} characters (or leave it empty).");

        return Result<ShareLinkView>.Ok(await AddAsync(pairId, label, request.ExpiresInDays, passphrase, request.GuestsMayComment, user.UserId(), ct));
    }

    /// <summary>Stores a new link (arguments already checked) and tells the pair's open pages.</summary>
    internal async Task<ShareLinkView> AddAsync(int pairId, string label, int expiresInDays, string? passphrase, bool guestsMayComment, int? userId,
        CancellationToken ct)
    {
        var token = NewToken();
        var link = new ShareLink
        {
            PairId = pairId, Label = label, TokenHash = Secrets.Hash(token), TokenProtected = _tokens.Protect(token),
            ExpiresUtc = Now.AddDays(expiresInDays), CreatedByUserId = userId, CreatedUtc = Now, GuestsMayComment = guestsMayComment,
        };
        if (passphrase is not null) link.PassphraseHash = hasher.HashPassword(link, passphrase);
        await using var db = await dbs.CreateDbContextAsync(ct);
        db.ShareLinks.Add(link);
        await db.SaveChangesAsync(ct);
        events.Publish(new ComparisonChange(pairId, "share-links"));
        var createdBy = userId is null ? null : await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName).SingleOrDefaultAsync(ct);
        return View(link, createdBy);
    }

    public async Task<Result<IReadOnlyList<ShareLinkView>>> ListAsync(ClaimsPrincipal user, int pairId, CancellationToken ct = default)
    {
        var allowed = await access.PairAsync(user, pairId, Permission.Share, ct);
        if (!allowed.Allowed) return allowed.Deny<IReadOnlyList<ShareLinkView>>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var links = await db.ShareLinks.AsNoTracking().Where(l => l.PairId == pairId).OrderByDescending(l => l.Id)
            .Select(l => new { Link = l, CreatedBy = l.CreatedBy != null ? l.CreatedBy.DisplayName : null }).ToListAsync(ct);
        return Result<IReadOnlyList<ShareLinkView>>.Ok(links.Select(l => View(l.Link, l.CreatedBy)).ToList());
    }

    public async Task<Result<ShareLinkView>> RevokeAsync(ClaimsPrincipal user, int linkId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var link = await db.ShareLinks.Include(l => l.CreatedBy).SingleOrDefaultAsync(l => l.Id == linkId, ct);
        if (link is null) return Result<ShareLinkView>.NotFound();
        var allowed = await access.PairAsync(user, link.PairId, Permission.Share, ct);
        if (!allowed.Allowed) return allowed.Deny<ShareLinkView>();
        link.RevokedUtc ??= Now;
        await db.SaveChangesAsync(ct);
        events.Publish(new ComparisonChange(link.PairId, "share-links"));
        return Result<ShareLinkView>.Ok(View(link, link.CreatedBy?.DisplayName));
    }

    /// <summary>What a token opens. Unknown, revoked and expired links are refused, each with its own message.</summary>
    public async Task<SharedAccess?> ResolveAsync(string? token, bool countOpen, CancellationToken ct = default)
    {
        if (!LooksLikeToken(token)) return null;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var hash = Secrets.Hash(token!);
        var link = await db.ShareLinks.SingleOrDefaultAsync(l => l.TokenHash == hash, ct);
        if (link is null) return null;
        var refusal = link.RevokedUtc is not null ? "This share link was revoked by the people who shared it."
            : link.ExpiresUtc <= Now ? $"This share link expired on {link.ExpiresUtc:yyyy-MM-dd HH:mm} UTC."
            : null;
        if (refusal is null && countOpen)
        {
            link.OpenCount++;
            link.LastOpenedUtc = Now;
            await db.SaveChangesAsync(ct);
        }
        return new SharedAccess(link.Id, link.PairId, link.Label, link.PassphraseHash is not null, link.ExpiresUtc, refusal, link.GuestsMayComment);
    }

    /// <summary>Checks a passphrase from <paramref name="client"/> (its address). On success returns the value of the
    /// unlock cookie; otherwise a message, and for a guess that was not even checked, when to try again.
    /// <para>Wrong guesses count per link and client: after <see cref="GuessesPerClient"/> in a quarter of an hour that
    /// client is refused on that link until the quarter has passed; other clients are not, so whoever holds the address
    /// cannot lock its real viewers out. Per link, from all clients together, more than
    /// <see cref="LinkGuessesBeforeSlowdown"/> wrong guesses in a quarter of an hour slow guessing down instead of
    /// closing the link: each client may then try only <see cref="GuessesPerClientUnderAttack"/> times, and every check
    /// waits (a quarter of a second, growing by as much every 10 further wrong guesses, at most 5 s). A right passphrase
    /// from a client within its own allowance always opens the link.</para></summary>
    public async Task<UnlockResult> UnlockAsync(SharedAccess shared, string? passphrase, string client, CancellationToken ct = default)
    {
        var key = (shared.LinkId, client);
        var linkFailures = _linkGuesses.Failures(shared.LinkId);
        var underAttack = linkFailures >= LinkGuessesBeforeSlowdown;
        if (_clientGuesses.LockedFor(key, underAttack ? GuessesPerClientUnderAttack : GuessesPerClient) is { } wait)
            return new(null, new GuessRefusal(
                $"Too many wrong passphrases for this link from your address: try again in {GuessRefusal.Minutes(wait)}.", wait));
        await using var db = await dbs.CreateDbContextAsync(ct);
        var link = await db.ShareLinks.AsNoTracking().SingleAsync(l => l.Id == shared.LinkId, ct);
        if (link.PassphraseHash is null) return new(UnlockValue(shared), null);
        if (underAttack)
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 250 * (1 + (linkFailures - LinkGuessesBeforeSlowdown) / 10))), _clock, ct);
        if (string.IsNullOrEmpty(passphrase) || hasher.VerifyHashedPassword(link, link.PassphraseHash, passphrase) == PasswordVerificationResult.Failed)
        {
            _clientGuesses.Failed(key);
            _linkGuesses.Failed(shared.LinkId);
            return new(null, null, "That passphrase is not right.");
        }
        _clientGuesses.Succeeded(key);
        return new(UnlockValue(shared), null);
    }

    /// <summary>Whether the request may see the shared comparison: the link is valid and, with a passphrase, unlocked.</summary>
    public bool IsOpen(SharedAccess shared, HttpContext http)
    {
        if (shared.Refusal is not null) return false;
        if (!shared.HasPassphrase) return true;
        if (http.Request.Cookies[UnlockCookieName(shared.LinkId)] is not { } cookie) return false;
        try
        {
            return _unlocks.Unprotect(cookie) == shared.LinkId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public static string UnlockCookieName(int linkId) => $"CamReview.Share.{linkId}";

    private string UnlockValue(SharedAccess shared)
    {
        var until = Now + UnlockLifetime < shared.ExpiresUtc ? Now + UnlockLifetime : shared.ExpiresUtc;
        return _unlocks.Protect(shared.LinkId.ToString(System.Globalization.CultureInfo.InvariantCulture), new DateTimeOffset(until, TimeSpan.Zero));
    }

    private ShareLinkView View(ShareLink link, string? createdBy) => new(
        link.Id, link.PairId, link.Label, ShareUrl(_tokens.Unprotect(link.TokenProtected)), link.ExpiresUtc, link.RevokedUtc,
        link.PassphraseHash is not null, createdBy, link.CreatedUtc, link.OpenCount, link.LastOpenedUtc, link.GuestsMayComment);

    public static string ShareUrl(string token) => PathPrefix.TrimStart('/') + token;

    /// <summary>256 bits: 43 base64url characters.</summary>
    private static string NewToken() => Secrets.NewToken(32);

    public static bool LooksLikeToken(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
