using CamReview.Data;
using CamReview.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Services;

/// <summary>Creating and listing projects, with the validation both the pages and the API rely on.</summary>
public sealed class ProjectService(IDbContextFactory<CamReviewDb> dbs, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task<IReadOnlyList<Project>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Projects.AsNoTracking().OrderByDescending(p => p.CreatedUtc).ThenByDescending(p => p.Id).ToListAsync(ct);
    }

    /// <summary>Creates a project; a blank, overlong or duplicate name is refused with a message for the user.</summary>
    public async Task<Result<Project>> CreateAsync(string? name, string? description, CancellationToken ct = default)
    {
        name = name?.Trim();
        description = string.IsNullOrWhiteSpace(description) ? null : description.Trim();
        if (string.IsNullOrEmpty(name)) return Result<Project>.Fail("A project needs a name.");
        if (name.Length > CamReviewDb.NameMaxLength) return Result<Project>.Fail($"A project name has at most {CamReviewDb.NameMaxLength} characters.");
        if (description?.Length > CamReviewDb.DescriptionMaxLength) return Result<Project>.Fail($"A description has at most {CamReviewDb.DescriptionMaxLength} characters.");

        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await db.Projects.AnyAsync(p => p.Name == name, ct)) return Result<Project>.Fail($"A project named \"{name}\" already exists.");
        var project = new Project { Name = name, Description = description, CreatedUtc = _clock.GetUtcNow().UtcDateTime };
        db.Projects.Add(project);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException?.Message.Contains("UNIQUE") == true)
        {
            // Someone else created the same name between our check and our insert.
            return Result<Project>.Fail($"A project named \"{name}\" already exists.");
        }
        return Result<Project>.Ok(project);
    }
}

/// <summary>An outcome for the user: a value, or a message saying what was wrong.</summary>
public readonly record struct Result<T>(T? Value, string? Error)
{
    public bool Succeeded => Error is null;
    public static Result<T> Ok(T value) => new(value, null);
    public static Result<T> Fail(string error) => new(default, error);
}
