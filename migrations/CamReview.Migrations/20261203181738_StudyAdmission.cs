using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CamReview.Migrations
{
    /// <inheritdoc />
    public partial class StudyAdmission : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "RepeatOf",
                table: "StudyTrials",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AddressHash",
                table: "StudyParticipants",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PanelId",
                table: "StudyParticipants",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "DurationMs",
                table: "StudyMedia",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Admission",
                table: "Studies",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "Link");

            migrationBuilder.AddColumn<bool>(
                name: "FlagFastAnswers",
                table: "Studies",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "PanelIdParameter",
                table: "Studies",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RepeatedTrials",
                table: "Studies",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "ReturnUrlTemplate",
                table: "Studies",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "SharedAddressLimit",
                table: "Studies",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "StudyInclusions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StudyId = table.Column<int>(type: "INTEGER", nullable: false),
                    ParticipantId = table.Column<int>(type: "INTEGER", nullable: true),
                    Flag = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    IncludedByUserId = table.Column<int>(type: "INTEGER", nullable: true),
                    IncludedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StudyInclusions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_StudyInclusions_Studies_StudyId",
                        column: x => x.StudyId,
                        principalTable: "Studies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_StudyInclusions_StudyParticipants_ParticipantId",
                        column: x => x.ParticipantId,
                        principalTable: "StudyParticipants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_StudyInclusions_Users_IncludedByUserId",
                        column: x => x.IncludedByUserId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "StudyInvitations",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StudyId = table.Column<int>(type: "INTEGER", nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedByUserId = table.Column<int>(type: "INTEGER", nullable: true),
                    RevokedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ParticipantId = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StudyInvitations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_StudyInvitations_Studies_StudyId",
                        column: x => x.StudyId,
                        principalTable: "Studies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_StudyInvitations_StudyParticipants_ParticipantId",
                        column: x => x.ParticipantId,
                        principalTable: "StudyParticipants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_StudyInvitations_Users_CreatedByUserId",
                        column: x => x.CreatedByUserId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_StudyParticipants_StudyId_PanelId",
                table: "StudyParticipants",
                columns: new[] { "StudyId", "PanelId" },
                unique: true,
                filter: "\"PanelId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_StudyInclusions_IncludedByUserId",
                table: "StudyInclusions",
                column: "IncludedByUserId");

            migrationBuilder.CreateIndex(
                name: "IX_StudyInclusions_ParticipantId",
                table: "StudyInclusions",
                column: "ParticipantId");

            migrationBuilder.CreateIndex(
                name: "IX_StudyInclusions_StudyId_ParticipantId_Flag",
                table: "StudyInclusions",
                columns: new[] { "StudyId", "ParticipantId", "Flag" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_StudyInvitations_CreatedByUserId",
                table: "StudyInvitations",
                column: "CreatedByUserId");

            migrationBuilder.CreateIndex(
                name: "IX_StudyInvitations_ParticipantId",
                table: "StudyInvitations",
                column: "ParticipantId",
                unique: true,
                filter: "\"ParticipantId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_StudyInvitations_StudyId_Code",
                table: "StudyInvitations",
                columns: new[] { "StudyId", "Code" },
                unique: true);

            // Studies made before keep their videos' durations with them, as new ones do. Their answer-time and address
            // rules stay off (the columns' defaults): their results do not change by the upgrade.
            migrationBuilder.Sql("""
                UPDATE "StudyMedia" SET "DurationMs" = (SELECT "DurationSeconds" * 1000 FROM "Assets" WHERE "Assets"."Id" = "StudyMedia"."AssetId")
                WHERE "AssetId" IS NOT NULL
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "StudyInclusions");

            migrationBuilder.DropTable(
                name: "StudyInvitations");

            migrationBuilder.DropIndex(
                name: "IX_StudyParticipants_StudyId_PanelId",
                table: "StudyParticipants");

            migrationBuilder.DropColumn(
                name: "RepeatOf",
                table: "StudyTrials");

            migrationBuilder.DropColumn(
                name: "AddressHash",
                table: "StudyParticipants");

            migrationBuilder.DropColumn(
                name: "PanelId",
                table: "StudyParticipants");

            migrationBuilder.DropColumn(
                name: "DurationMs",
                table: "StudyMedia");

            migrationBuilder.DropColumn(
                name: "Admission",
                table: "Studies");

            migrationBuilder.DropColumn(
                name: "FlagFastAnswers",
                table: "Studies");

            migrationBuilder.DropColumn(
                name: "PanelIdParameter",
                table: "Studies");

            migrationBuilder.DropColumn(
                name: "RepeatedTrials",
                table: "Studies");

            migrationBuilder.DropColumn(
                name: "ReturnUrlTemplate",
                table: "Studies");

            migrationBuilder.DropColumn(
                name: "SharedAddressLimit",
                table: "Studies");
        }
    }
}
