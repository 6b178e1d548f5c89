using CamReview.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CamReview.Migrations;

/// <summary>Accounts, teams with roles, assets and pairs. Projects now belong to a team: projects stored before
/// this migration are put into a new team named "Default team" (created only when there are such projects), whose
/// owner is the administrator created at first start.</summary>
[DbContext(typeof(CamReviewDb))]
[Migration("20261121010000_AccountsAndAssets")]
public sealed class AccountsAndAssets : Migration
{
    public const string DefaultTeamName = "Default team";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Users",
            columns: table => new
            {
                Id = table.Column<int>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                Email = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                DisplayName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                PasswordHash = table.Column<string>(type: "TEXT", nullable: false),
                SecurityStamp = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                IsAdministrator = table.Column<bool>(type: "INTEGER", nullable: false),
                MustChangePassword = table.Column<bool>(type: "INTEGER", nullable: false),
                CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                LastSignInUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_Users", x => x.Id));
        migrationBuilder.CreateIndex(name: "IX_Users_Email", table: "Users", column: "Email", unique: true);

        migrationBuilder.CreateTable(
            name: "Teams",
            columns: table => new
            {
                Id = table.Column<int>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Teams", x => x.Id));
        migrationBuilder.CreateIndex(name: "IX_Teams_Name", table: "Teams", column: "Name", unique: true);

        migrationBuilder.CreateTable(
            name: "TeamMembers",
            columns: table => new
            {
                TeamId = table.Column<int>(type: "INTEGER", nullable: false),
                UserId = table.Column<int>(type: "INTEGER", nullable: false),
                Role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                AddedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_TeamMembers", x => new { x.TeamId, x.UserId });
                table.ForeignKey("FK_TeamMembers_Teams_TeamId", x => x.TeamId, "Teams", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_TeamMembers_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "IX_TeamMembers_UserId", table: "TeamMembers", column: "UserId");

        // Existing projects go to a team of their own, so nothing stored before is lost or left without a team.
        // SQLite cannot add a foreign key to a table, so Projects is rebuilt (as EF Core's own rebuilds do).
        migrationBuilder.Sql(
            $"""
            INSERT INTO "Teams" ("Name", "CreatedUtc")
            SELECT '{DefaultTeamName}', strftime('%Y-%m-%d %H:%M:%S', 'now')
            WHERE EXISTS (SELECT 1 FROM "Projects");
            """);
        migrationBuilder.Sql(
            """
            CREATE TABLE "ef_temp_Projects" (
                "Id" INTEGER NOT NULL CONSTRAINT "PK_Projects" PRIMARY KEY AUTOINCREMENT,
                "Name" TEXT NOT NULL,
                "Description" TEXT NULL,
                "CreatedUtc" TEXT NOT NULL,
                "TeamId" INTEGER NOT NULL,
                CONSTRAINT "FK_Projects_Teams_TeamId" FOREIGN KEY ("TeamId") REFERENCES "Teams" ("Id") ON DELETE RESTRICT
            );
            """);
        migrationBuilder.Sql(
            $"""
            INSERT INTO "ef_temp_Projects" ("Id", "Name", "Description", "CreatedUtc", "TeamId")
            SELECT "Id", "Name", "Description", "CreatedUtc", (SELECT "Id" FROM "Teams" WHERE "Name" = '{DefaultTeamName}')
            FROM "Projects";
            """);
        migrationBuilder.Sql("""DROP TABLE "Projects";""");
        migrationBuilder.Sql("""ALTER TABLE "ef_temp_Projects" RENAME TO "Projects";""");
        migrationBuilder.CreateIndex(name: "IX_Projects_TeamId_Name", table: "Projects", columns: ["TeamId", "Name"], unique: true);

        // Assets and pairs refer to each other (a pair uses assets; an imported output belongs to a pair). SQLite
        // accepts a reference to a table created just after.
        migrationBuilder.CreateTable(
            name: "Assets",
            columns: table => new
            {
                Id = table.Column<int>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                ProjectId = table.Column<int>(type: "INTEGER", nullable: false),
                Kind = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                DisplayName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                SizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                MediaType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Width = table.Column<int>(type: "INTEGER", nullable: false),
                Height = table.Column<int>(type: "INTEGER", nullable: false),
                FrameCount = table.Column<int>(type: "INTEGER", nullable: true),
                Fps = table.Column<double>(type: "REAL", nullable: true),
                DurationSeconds = table.Column<double>(type: "REAL", nullable: true),
                MethodName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                PairId = table.Column<int>(type: "INTEGER", nullable: true),
                CreatedByUserId = table.Column<int>(type: "INTEGER", nullable: true),
                CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Assets", x => x.Id);
                table.ForeignKey("FK_Assets_Projects_ProjectId", x => x.ProjectId, "Projects", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_Assets_Pairs_PairId", x => x.PairId, "Pairs", "Id");
                table.ForeignKey("FK_Assets_Users_CreatedByUserId", x => x.CreatedByUserId, "Users", "Id", onDelete: ReferentialAction.SetNull);
            });
        migrationBuilder.CreateIndex(name: "IX_Assets_CreatedByUserId", table: "Assets", column: "CreatedByUserId");
        migrationBuilder.CreateIndex(name: "IX_Assets_PairId", table: "Assets", column: "PairId");
        migrationBuilder.CreateIndex(name: "IX_Assets_ProjectId_Kind_Sha256", table: "Assets", columns: ["ProjectId", "Kind", "Sha256"], unique: true);
        migrationBuilder.CreateIndex(name: "IX_Assets_Sha256", table: "Assets", column: "Sha256");

        migrationBuilder.CreateTable(
            name: "Pairs",
            columns: table => new
            {
                Id = table.Column<int>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                ProjectId = table.Column<int>(type: "INTEGER", nullable: false),
                Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                ReferenceAssetId = table.Column<int>(type: "INTEGER", nullable: false),
                TargetAssetId = table.Column<int>(type: "INTEGER", nullable: false),
                DepthAssetId = table.Column<int>(type: "INTEGER", nullable: true),
                CreatedByUserId = table.Column<int>(type: "INTEGER", nullable: true),
                CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Pairs", x => x.Id);
                table.ForeignKey("FK_Pairs_Projects_ProjectId", x => x.ProjectId, "Projects", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_Pairs_Assets_ReferenceAssetId", x => x.ReferenceAssetId, "Assets", "Id");
                table.ForeignKey("FK_Pairs_Assets_TargetAssetId", x => x.TargetAssetId, "Assets", "Id");
                table.ForeignKey("FK_Pairs_Assets_DepthAssetId", x => x.DepthAssetId, "Assets", "Id");
                table.ForeignKey("FK_Pairs_Users_CreatedByUserId", x => x.CreatedByUserId, "Users", "Id", onDelete: ReferentialAction.SetNull);
            });
        migrationBuilder.CreateIndex(name: "IX_Pairs_CreatedByUserId", table: "Pairs", column: "CreatedByUserId");
        migrationBuilder.CreateIndex(name: "IX_Pairs_DepthAssetId", table: "Pairs", column: "DepthAssetId");
        migrationBuilder.CreateIndex(name: "IX_Pairs_ProjectId_Name", table: "Pairs", columns: ["ProjectId", "Name"], unique: true);
        migrationBuilder.CreateIndex(name: "IX_Pairs_ReferenceAssetId", table: "Pairs", column: "ReferenceAssetId");
        migrationBuilder.CreateIndex(name: "IX_Pairs_TargetAssetId", table: "Pairs", column: "TargetAssetId");
    }

    /// <summary>Back to projects only. Accounts, teams, assets and pairs are dropped (media files stay in the data
    /// folder); projects are kept, and names that were unique only within their team get their id appended so
    /// that they are unique again.</summary>
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""UPDATE "Assets" SET "PairId" = NULL;""");
        migrationBuilder.DropTable(name: "Pairs");
        migrationBuilder.DropTable(name: "Assets");
        migrationBuilder.DropTable(name: "TeamMembers");

        // Projects without TeamId (a rebuild again); names unique only within a team get their id appended.
        migrationBuilder.Sql(
            """
            CREATE TABLE "ef_temp_Projects" (
                "Id" INTEGER NOT NULL CONSTRAINT "PK_Projects" PRIMARY KEY AUTOINCREMENT,
                "Name" TEXT NOT NULL,
                "Description" TEXT NULL,
                "CreatedUtc" TEXT NOT NULL
            );
            """);
        migrationBuilder.Sql(
            """
            INSERT INTO "ef_temp_Projects" ("Id", "Name", "Description", "CreatedUtc")
            SELECT "Id",
                   CASE WHEN EXISTS (SELECT 1 FROM "Projects" AS "Other" WHERE "Other"."Name" = "Projects"."Name" AND "Other"."Id" < "Projects"."Id")
                        THEN "Name" || ' (' || "Id" || ')' ELSE "Name" END,
                   "Description", "CreatedUtc"
            FROM "Projects";
            """);
        migrationBuilder.Sql("""DROP TABLE "Projects";""");
        migrationBuilder.Sql("""ALTER TABLE "ef_temp_Projects" RENAME TO "Projects";""");
        migrationBuilder.CreateIndex(name: "IX_Projects_Name", table: "Projects", column: "Name", unique: true);

        migrationBuilder.DropTable(name: "Teams");
        migrationBuilder.DropTable(name: "Users");
    }
}
