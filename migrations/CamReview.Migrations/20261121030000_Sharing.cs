using CamReview.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CamReview.Migrations;

/// <summary>Share links of comparisons, comments at a time code, review decisions on outputs, and the per-frame
/// motion curves kept with each output's metrics. New tables and one nullable column: nothing stored before changes.</summary>
[DbContext(typeof(CamReviewDb))]
[Migration("20261121030000_Sharing")]
public sealed class Sharing : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "MotionJson", table: "OutputScores", type: "TEXT", nullable: true);

        migrationBuilder.CreateTable(
            name: "ShareLinks",
            columns: table => new
            {
                Id = table.Column<int>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                PairId = table.Column<int>(type: "INTEGER", nullable: false),
                Label = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                TokenProtected = table.Column<string>(type: "TEXT", nullable: false),
                PassphraseHash = table.Column<string>(type: "TEXT", nullable: true),
                ExpiresUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                RevokedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                CreatedByUserId = table.Column<int>(type: "INTEGER", nullable: true),
                CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                OpenCount = table.Column<int>(type: "INTEGER", nullable: false),
                LastOpenedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ShareLinks", x => x.Id);
                table.ForeignKey("FK_ShareLinks_Pairs_PairId", x => x.PairId, "Pairs", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_ShareLinks_Users_CreatedByUserId", x => x.CreatedByUserId, "Users", "Id", onDelete: ReferentialAction.SetNull);
            });
        migrationBuilder.CreateIndex(name: "IX_ShareLinks_CreatedByUserId", table: "ShareLinks", column: "CreatedByUserId");
        migrationBuilder.CreateIndex(name: "IX_ShareLinks_PairId", table: "ShareLinks", column: "PairId");
        migrationBuilder.CreateIndex(name: "IX_ShareLinks_TokenHash", table: "ShareLinks", column: "TokenHash", unique: true);

        migrationBuilder.CreateTable(
            name: "Comments",
            columns: table => new
            {
                Id = table.Column<int>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                PairId = table.Column<int>(type: "INTEGER", nullable: false),
                AssetId = table.Column<int>(type: "INTEGER", nullable: true),
                TimeSeconds = table.Column<double>(type: "REAL", nullable: false),
                Body = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                AuthorUserId = table.Column<int>(type: "INTEGER", nullable: true),
                CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Comments", x => x.Id);
                table.ForeignKey("FK_Comments_Pairs_PairId", x => x.PairId, "Pairs", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_Comments_Assets_AssetId", x => x.AssetId, "Assets", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_Comments_Users_AuthorUserId", x => x.AuthorUserId, "Users", "Id", onDelete: ReferentialAction.SetNull);
            });
        migrationBuilder.CreateIndex(name: "IX_Comments_AssetId", table: "Comments", column: "AssetId");
        migrationBuilder.CreateIndex(name: "IX_Comments_AuthorUserId", table: "Comments", column: "AuthorUserId");
        migrationBuilder.CreateIndex(name: "IX_Comments_PairId_TimeSeconds", table: "Comments", columns: ["PairId", "TimeSeconds"]);

        migrationBuilder.CreateTable(
            name: "OutputReviews",
            columns: table => new
            {
                AssetId = table.Column<int>(type: "INTEGER", nullable: false),
                Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                ReviewerUserId = table.Column<int>(type: "INTEGER", nullable: true),
                UpdatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_OutputReviews", x => x.AssetId);
                table.ForeignKey("FK_OutputReviews_Assets_AssetId", x => x.AssetId, "Assets", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_OutputReviews_Users_ReviewerUserId", x => x.ReviewerUserId, "Users", "Id", onDelete: ReferentialAction.SetNull);
            });
        migrationBuilder.CreateIndex(name: "IX_OutputReviews_ReviewerUserId", table: "OutputReviews", column: "ReviewerUserId");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "OutputReviews");
        migrationBuilder.DropTable(name: "Comments");
        migrationBuilder.DropTable(name: "ShareLinks");
        // SQLite (3.35+) drops a column in place; EF Core only knows the table rebuild.
        migrationBuilder.Sql("ALTER TABLE \"OutputScores\" DROP COLUMN \"MotionJson\";");
    }
}
