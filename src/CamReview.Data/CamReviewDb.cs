using CamReview.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Data;

/// <summary>The portal's database. Its schema changes only through the hand-written migrations in migrations/.</summary>
public sealed class CamReviewDb(DbContextOptions<CamReviewDb> options) : DbContext(options)
{
    public const int NameMaxLength = 200;
    public const int DescriptionMaxLength = 2000;

    public DbSet<Project> Projects => Set<Project>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Project>(e =>
        {
            e.Property(p => p.Name).HasMaxLength(NameMaxLength);
            e.Property(p => p.Description).HasMaxLength(DescriptionMaxLength);
            e.HasIndex(p => p.Name).IsUnique();
        });
    }
}
