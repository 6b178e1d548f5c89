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

    /// <summary>Wrong sign-ins per e-mail address and client address: ten in a quarter of an hour lock that
    /// combination (so a guesser elsewhere cannot lock the owner out).</summary>
    private readonly Security.GuessThrottle<string> _guesses = new(10, TimeSpan.FromMinutes(15), clock);

    /// <summary>Why sign-in is refused without even checking the password, or null.</summary>
    public string? SignInRefusal(string? email, string? client) =>
        NormalizeEmail(email).Email is { } normalized && _guesses.IsLocked($"{normalized}|{client}")
            ? "Too many wrong passwords for this account from here: try again in a quarter of an hour."
            : null;

    /// <summary>The account with these credentials, or null (same answer, and same time, for an unknown e-mail
    /// and a wrong password). Wrong guesses count against the e-mail and <paramref name="client"/> together.</summary>
    public async Task<User?> CheckCredentialsAsync(string? email, string? password, string? client = null, CancellationToken ct = default)
    {
        var (normalized, _) = NormalizeEmail(email);
        if (normalized is null || string.IsNullOrEmpty(password) || password.Length > PasswordPolicy.MaxLength) return null;
        var key = $"{normalized}|{client}";
        if (_guesses.IsLocked(key)) return null;
        var user = await FindWithPasswordAsync(normalized, password, ct);
        if (user is null) _guesses.Failed(key);
        else _guesses.Succeeded(key);
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
