using CamReview.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CamReview.Migrations;

/// <summary>Durable background jobs (render, analyze, score-output: state, attempts, lease and heartbeat, progress,
/// timings and device) and the stored metrics of each output. Only new tables: nothing stored before changes.</summary>
[DbContext(typeof(CamReviewDb))]
[Migration("20261121020000_Jobs")]
public sealed class Jobs : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Jobs",
            columns: table => new
            {
                Id = table.Column<int>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                Kind = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                ProjectId = table.Column<int>(type: "INTEGER", nullable: false),
                PairId = table.Column<int>(type: "INTEGER", nullable: true),
                AssetId = table.Column<int>(type: "INTEGER", nullable: true),
                MethodName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                ParametersJson = table.Column<string>(type: "TEXT", nullable: false),
                Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                MaxAttempts = table.Column<int>(type: "INTEGER", nullable: false),
                LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                LeaseExpiresUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                HeartbeatUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                CancelRequested = table.Column<bool>(type: "INTEGER", nullable: false),
                ProgressStage = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                ProgressPercent = table.Column<double>(type: "REAL", nullable: false),
                EtaSeconds = table.Column<double>(type: "REAL", nullable: true),
                Error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                TimingsJson = table.Column<string>(type: "TEXT", nullable: true),
                Device = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                CreatedByUserId = table.Column<int>(type: "INTEGER", nullable: true),
                CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                StartedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                FinishedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Jobs", x => x.Id);
                table.ForeignKey("FK_Jobs_Projects_ProjectId", x => x.ProjectId, "Projects", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_Jobs_Pairs_PairId", x => x.PairId, "Pairs", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_Jobs_Assets_AssetId", x => x.AssetId, "Assets", "Id", onDelete: ReferentialAction.SetNull);
                table.ForeignKey("FK_Jobs_Users_CreatedByUserId", x => x.CreatedByUserId, "Users", "Id", onDelete: ReferentialAction.SetNull);
            });
        migrationBuilder.CreateIndex(name: "IX_Jobs_AssetId", table: "Jobs", column: "AssetId");
        migrationBuilder.CreateIndex(name: "IX_Jobs_CreatedByUserId", table: "Jobs", column: "CreatedByUserId");
        migrationBuilder.CreateIndex(name: "IX_Jobs_PairId", table: "Jobs", column: "PairId");
        migrationBuilder.CreateIndex(name: "IX_Jobs_ProjectId_Id", table: "Jobs", columns: ["ProjectId", "Id"]);
        migrationBuilder.CreateIndex(name: "IX_Jobs_State_Id", table: "Jobs", columns: ["State", "Id"]);

        migrationBuilder.CreateTable(
            name: "OutputScores",
            columns: table => new
            {
                AssetId = table.Column<int>(type: "INTEGER", nullable: false),
                ReferenceAssetId = table.Column<int>(type: "INTEGER", nullable: false),
                CameraScore = table.Column<double>(type: "REAL", nullable: true),
                CameraScoreReason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                ResultJson = table.Column<string>(type: "TEXT", nullable: false),
                Device = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                ScoredUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_OutputScores", x => x.AssetId);
                table.ForeignKey("FK_OutputScores_Assets_AssetId", x => x.AssetId, "Assets", "Id", onDelete: ReferentialAction.Cascade);
            });
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "OutputScores");
        migrationBuilder.DropTable(name: "Jobs");
    }
}
