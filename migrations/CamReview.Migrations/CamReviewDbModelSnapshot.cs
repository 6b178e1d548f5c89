using CamReview.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace CamReview.Migrations;

/// <summary>The model as the latest migration leaves it. Update it with every migration: the test
/// <c>ModelHasNoPendingChanges</c> compares it with <see cref="CamReviewDb"/>'s model.</summary>
[DbContext(typeof(CamReviewDb))]
public sealed class CamReviewDbModelSnapshot : ModelSnapshot
{
    protected override void BuildModel(ModelBuilder modelBuilder)
    {
        modelBuilder.HasAnnotation("ProductVersion", "9.0.20");

        modelBuilder.Entity("CamReview.Data.Entities.Project", b =>
        {
            b.Property<int>("Id").ValueGeneratedOnAdd().HasColumnType("INTEGER");
            b.Property<DateTime>("CreatedUtc").HasColumnType("TEXT");
            b.Property<string>("Description").HasMaxLength(2000).HasColumnType("TEXT");
            b.Property<string>("Name").IsRequired().HasMaxLength(200).HasColumnType("TEXT");
            b.HasKey("Id");
            b.HasIndex("Name").IsUnique();
            b.ToTable("Projects");
        });
    }
}
