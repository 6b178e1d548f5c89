using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CamReview.Migrations
{
    /// <inheritdoc />
    public partial class RenderWorkers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Log",
                table: "Jobs",
                type: "TEXT",
                maxLength: 16000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Method",
                table: "Jobs",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ExternalMethods",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CommandTemplate = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    TimeoutSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExternalMethods", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RenderWorkers",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    TeamId = table.Column<int>(type: "INTEGER", nullable: true),
                    Kinds = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedByUserId = table.Column<int>(type: "INTEGER", nullable: true),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastSeenUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RevokedUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RenderWorkers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RenderWorkers_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_RenderWorkers_Users_CreatedByUserId",
                        column: x => x.CreatedByUserId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ExternalMethods_Name",
                table: "ExternalMethods",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RenderWorkers_CreatedByUserId",
                table: "RenderWorkers",
                column: "CreatedByUserId");

            migrationBuilder.CreateIndex(
                name: "IX_RenderWorkers_TeamId",
                table: "RenderWorkers",
                column: "TeamId");

            migrationBuilder.CreateIndex(
                name: "IX_RenderWorkers_TokenHash",
                table: "RenderWorkers",
                column: "TokenHash",
                unique: true);
            // Render jobs queued before this release: their renderer, so that workers can lease them by it.
            migrationBuilder.Sql("""
                UPDATE "Jobs" SET "Method" = json_extract("ParametersJson", '$.method') WHERE "Kind" = 'Render' AND json_valid("ParametersJson")
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ExternalMethods");

            migrationBuilder.DropTable(
                name: "RenderWorkers");

            migrationBuilder.DropColumn(
                name: "Log",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "Method",
                table: "Jobs");
        }
    }
}
