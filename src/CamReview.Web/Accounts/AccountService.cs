using System.Net.Mail;
using System.Security.Claims;
using System.Security.Cryptography;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Web.Services;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Accounts;

/// <summary>Local accounts: the first administrator, signing in, passwords.</summary>
public sealed class AccountService(IDbContextFactory<CamReviewDb> dbs, IPasswordHasher<User> hasher, SessionStore sessions, ILogger<AccountService> log, TimeProvider? clock = null)
{
    public const string DefaultTeamName = "My team";

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly SemaphoreSlim _setupLock = new(1, 1);
    private volatile bool _hasUsers;

    // A hash to verify against when the e-mail is unknown, so both answers take the same time.
    private static readonly User Nobody = new() { Email = "", DisplayName = "", PasswordHash = "", SecurityStamp = "" };
    private readonly Lazy<string> _dummyHash = new(() => hasher.HashPassword(Nobody, "not a password"));

    /// <summary>Whether the first-run setup is done. Once true it stays true (accounts are never all removed).</summary>
    public async Task<bool> HasUsersAsync(CancellationToken ct = default)
    {
        if (_hasUsers) return true;
        await using var db = await dbs.CreateDbContextAsync(ct);
        return _hasUsers = await db.Users.AnyAsync(ct);
    }

    /// <summary>Creates the administrator while there are no accounts (the setup page, or configuration). They
    /// become owner of the teams nobody is in yet (the "Default team" holding projects from before accounts
    /// existed); when there is no team, of a new team with the given name.</summary>
    public async Task<Result<User>> CreateAdministratorAsync(string? email, string? displayName, string? password, string? teamName, CancellationToken ct = default)
    {
        var (normalized, error) = NormalizeEmail(email);
        error ??= CheckDisplayName(displayName) ?? PasswordPolicy.Check(password);
        teamName = string.IsNullOrWhiteSpace(teamName) ? DefaultTeamName : teamName.Trim();
        if (teamName.Length > CamReviewDb.NameMaxLength) error ??= $"A team name has at most {CamReviewDb.NameMaxLength} characters.";
        if (error is not null) return Result<User>.Fail(error);

        await _setupLock.WaitAsync(ct);
        try
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (await db.Users.AnyAsync(ct))
            {
                _hasUsers = true;
                return Result<User>.Fail("CamReview is already set up: sign in instead.", ResultStatus.Conflict);
            }
            var now = _clock.GetUtcNow().UtcDateTime;
            var admin = NewUser(normalized!, displayName!.Trim(), password!, mustChangePassword: false, now);
            admin.IsAdministrator = true;
            db.Users.Add(admin);
            var orphans = await db.Teams.Where(t => !t.Members.Any()).ToListAsync(ct);
            // The demo team (made on first start, before anyone could own it) is adopted too, beside a team of their own.
            if (orphans.All(t => t.Name == Demo.DemoContent.TeamName) && !orphans.Any(t => t.Name == teamName))
                orphans.Add(db.Teams.Add(new Team { Name = teamName, CreatedUtc = now }).Entity);
            foreach (var team in orphans) db.TeamMembers.Add(new TeamMember { Team = team, User = admin, Role = TeamRole.Owner, AddedUtc = now });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            _hasUsers = true;
            log.LogInformation("Administrator {Email} created, owner of {Teams}", admin.Email, string.Join(", ", orphans.Select(t => t.Name)));
            return Result<User>.Ok(admin);
        }
        finally
        {
            _setupLock.Release();
        }
    }

    /// <summary>Wrong passwords for one account from one client address, per quarter of an hour.</summary>
    public const int GuessesPerAccountAndAddress = 10;
    /// <summary>Wrong passwords for one account from all addresses together, per quarter of an hour.</summary>
    public const int GuessesPerAccount = 20;
    /// <summary>Wrong passwords from one address for all accounts together, per quarter of an hour.</summary>
    public const int GuessesPerAddress = 50;
    public static readonly TimeSpan GuessWindow = TimeSpan.FromMinutes(15);

    // Keyed by the normalized e-mail whether or not an account has it, so that the answers do not tell which exist.
    private readonly Security.GuessThrottle<string> _pairGuesses = new(GuessesPerAccountAndAddress, GuessWindow, clock);
    private readonly Security.GuessThrottle<string> _accountGuesses = new(GuessesPerAccount, GuessWindow, clock);
    private readonly Security.GuessThrottle<string> _addressGuesses = new(GuessesPerAddress, GuessWindow, clock);

    /// <summary>Why sign-in is refused without even checking the password, or null. Three limits, each over a quarter of
    /// an hour: <see cref="GuessesPerAccountAndAddress"/> wrong passwords for the account from this address;
    /// <see cref="GuessesPerAddress"/> from this address for any accounts (one address trying many); and
    /// <see cref="GuessesPerAccount"/> for the account from all addresses (many addresses trying one). The last two are
    /// what a guesser with many addresses, or one address sharing a network with real users, could use to keep real
    /// users out, so a browser that has signed in to this account before (<paramref name="knownBrowser"/>, see
    /// <see cref="Security.KnownBrowser"/>) is held only to the first: the account's owner at their usual browser is never
    /// locked out by others, and a guesser never has that browser's cookie. A new browser of the owner waits the
    /// quarter out like everyone else while the account is being guessed at.</summary>
    public Security.GuessRefusal? SignInRefusal(string? email, string? client, bool knownBrowser = false)
    {
        if (NormalizeEmail(email).Email is not { } normalized) return null;
        if (_pairGuesses.LockedFor($"{normalized}|{client}") is { } pair)
            return new($"Too many wrong passwords for this account from your address: try again in {Security.GuessRefusal.Minutes(pair)}.", pair);
        if (knownBrowser) return null;
        if (_addressGuesses.LockedFor(client ?? "") is { } address)
            return new($"Too many wrong passwords from your address: try again in {Security.GuessRefusal.Minutes(address)}.", address);
        if (_accountGuesses.LockedFor(normalized) is { } account)
            return new($"Too many wrong passwords for this account, from several places: signing in to it from a new browser is paused for {Security.GuessRefusal.Minutes(account)}. " +
                "A browser that has signed in to it before can still sign in.", account);
        return null;
    }

    /// <summary>The account with these credentials, or null (same answer, and same time, for an unknown e-mail
    /// and a wrong password; also null, unchecked, while <see cref="SignInRefusal"/> refuses). Wrong guesses count
    /// against the account and <paramref name="client"/> together, the account, and the client.</summary>
    public async Task<User?> CheckCredentialsAsync(string? email, string? password, string? client = null, bool knownBrowser = false, CancellationToken ct = default)
    {
        var (normalized, _) = NormalizeEmail(email);
        if (normalized is null || string.IsNullOrEmpty(password) || password.Length > PasswordPolicy.MaxLength) return null;
        if (SignInRefusal(normalized, client, knownBrowser) is not null) return null;
        var key = $"{normalized}|{client}";
        var user = await FindWithPasswordAsync(normalized, password, ct);
        if (user is null)
        {
            _pairGuesses.Failed(key);
            _accountGuesses.Failed(normalized);
            _addressGuesses.Failed(client ?? "");
        }
        // Only this address's count for the account is cleared: signing in to one's own account must not reset what
        // the address or the account have been guessed at.
        else _pairGuesses.Succeeded(key);
        return user;
    }

    private async Task<User?> FindWithPasswordAsync(string normalized, string password, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Email == normalized, ct);
        if (user is null)
        {
            hasher.VerifyHashedPassword(Nobody, _dummyHash.Value, password);
            return null;
        }
        var verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed) return null;
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded) user.PasswordHash = hasher.HashPassword(user, password);
        user.LastSignInUtc = _clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return user;
    }

    /// <summary>Replaces the password (the current one must be given) and ends the account's other sessions: all
    /// but <paramref name="keepSessionId"/>, the session that changed it.</summary>
    public async Task<Result<User>> ChangePasswordAsync(int userId, string? currentPassword, string? newPassword, string? keepSessionId, CancellationToken ct = default)
    {
        if (PasswordPolicy.Check(newPassword) is { } error) return Result<User>.Fail(error);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null) return Result<User>.NotFound();
        if (string.IsNullOrEmpty(currentPassword) || hasher.VerifyHashedPassword(user, user.PasswordHash, currentPassword) == PasswordVerificationResult.Failed)
            return Result<User>.Fail("The current password is not right.");
        if (currentPassword == newPassword) return Result<User>.Fail("Choose a password different from the current one.");
        user.PasswordHash = hasher.HashPassword(user, newPassword!);
        user.SecurityStamp = NewStamp();
        user.MustChangePassword = false;
        await db.SaveChangesAsync(ct);
        await sessions.EndAllAsync(userId, keepSessionId, SessionStore.PasswordChanged, ct);
        return Result<User>.Ok(user);
    }

    /// <summary>Creates an account with a temporary password (the one given, or a generated one), which its user must
    /// replace at first sign-in. Only the administrator creates accounts: team owners invite addresses instead, and
    /// learn nothing about which addresses have accounts.</summary>
    public async Task<Result<CreatedAccount>> CreateAccountAsync(ClaimsPrincipal by, string? email, string? displayName, string? temporaryPassword, CancellationToken ct = default)
    {
        if (by.UserId() is not { } byId) return Result<CreatedAccount>.Fail("Sign in first.", ResultStatus.Unauthenticated);
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (!await db.Users.AnyAsync(u => u.Id == byId && u.IsAdministrator, ct))
            return Result<CreatedAccount>.Fail("Only the administrator creates accounts: invite people into your team instead.", ResultStatus.Forbidden);
        var (normalized, error) = NormalizeEmail(email);
        error ??= CheckDisplayName(displayName);
        temporaryPassword = string.IsNullOrEmpty(temporaryPassword) ? GenerateTemporaryPassword() : temporaryPassword;
        error ??= PasswordPolicy.Check(temporaryPassword);
        if (error is not null) return Result<CreatedAccount>.Fail(error);
        var exists = $"An account uses {normalized} already.";
        if (await db.Users.AnyAsync(u => u.Email == normalized, ct)) return Result<CreatedAccount>.Fail(exists, ResultStatus.Conflict);
        var user = NewUser(normalized!, displayName!.Trim(), temporaryPassword, mustChangePassword: true, _clock.GetUtcNow().UtcDateTime);
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException?.Message.Contains("UNIQUE") == true)
        {
            return Result<CreatedAccount>.Fail(exists, ResultStatus.Conflict);
        }
        log.LogInformation("Account {Email} created by the administrator", user.Email);
        return Result<CreatedAccount>.Ok(new CreatedAccount(user.Id, user.Email, user.DisplayName, temporaryPassword));
    }

    /// <summary>Whether the signed-in user is the administrator (who creates accounts).</summary>
    public async Task<bool> IsAdministratorAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (user.UserId() is not { } id) return false;
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Users.AnyAsync(u => u.Id == id && u.IsAdministrator, ct);
    }

    /// <summary>A new account (not yet saved).</summary>
    public User NewUser(string normalizedEmail, string displayName, string password, bool mustChangePassword, DateTime nowUtc)
    {
        var user = new User
        {
            Email = normalizedEmail, DisplayName = displayName, PasswordHash = "", SecurityStamp = NewStamp(),
            MustChangePassword = mustChangePassword, CreatedUtc = nowUtc,
        };
        user.PasswordHash = hasher.HashPassword(user, password);
        return user;
    }

    public static (string? Email, string? Error) NormalizeEmail(string? email)
    {
        email = email?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(email)) return (null, "An e-mail address is needed.");
        if (email.Length > CamReviewDb.EmailMaxLength) return (null, $"An e-mail address has at most {CamReviewDb.EmailMaxLength} characters.");
        if (!MailAddress.TryCreate(email, out var parsed) || parsed.Address != email || !email.Contains('@'))
            return (null, $"\"{email}\" is not an e-mail address.");
        return (email, null);
    }

    public static string? CheckDisplayName(string? name)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name)) return "A display name is needed.";
        if (name.Length > CamReviewDb.NameMaxLength) return $"A display name has at most {CamReviewDb.NameMaxLength} characters.";
        if (name.Any(char.IsControl)) return "A display name cannot contain control characters.";
        return null;
    }

    /// <summary>A temporary password for a new account: 14 characters from an alphabet without look-alikes.</summary>
    public static string GenerateTemporaryPassword()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return RandomNumberGenerator.GetString(alphabet, 14);
    }

    private static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
}
