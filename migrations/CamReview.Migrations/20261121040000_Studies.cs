using Microsoft.EntityFrameworkCore.Migrations;

namespace CamReview.Migrations;

/// <summary>Preference studies: the study (design, state, participant link token), its questions, the videos it shows
/// under opaque keys, anonymous participants with their trials, and votes (unique per participant, trial and
/// question). Only new tables: nothing stored before changes. Its [DbContext]/[Migration] attributes and target model
/// are in the tool-generated Studies.Designer.cs.</summary>
public sealed partial class Studies : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Studies",
            columns: table => new
            {
                Id = table.Column<int>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                ProjectId = table.Column<int>(type: "INTEGER", nullable: false),
                Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                Token = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                Design = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                CandidatesPerTrial = table.Column<int>(type: "INTEGER", nullable: false),
                AllowTie = table.Column<bool>(type: "INTEGER", nullable: false),
                AllowBothBad = table.Column<bool>(type: "INTEGER", nullable: false),
                TrialsPerParticipant = table.Column<int>(type: "INTEGER", nullable: false),
                AttentionChecks = table.Column<int>(type: "INTEGER", nullable: false),
                WatchBeforeVoting = table.Column<bool>(type: "INTEGER", nullable: false),
                Instructions = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                ConsentText = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                Seed = table.Column<int>(type: "INTEGER", nullable: false),
                CreatedByUserId = table.Column<int>(type: "INTEGER", nullable: true),
                CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                OpenedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                ClosedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Studies", x => x.Id);
                table.ForeignKey("FK_Studies_Projects_ProjectId", x => x.ProjectId, "Projects", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_Studies_Users_CreatedByUserId", x => x.CreatedByUserId, "Users", "Id", onDelete: ReferentialAction.SetNull);
            });
        migrationBuilder.CreateIndex(name: "IX_Studies_CreatedByUserId", table: "Studies", column: "CreatedByUserId");
        migrationBuilder.CreateIndex(name: "IX_Studies_ProjectId_Name", table: "Studies", columns: ["ProjectId", "Name"], unique: true);
        migrationBuilder.CreateIndex(name: "IX_Studies_Token", table: "Studies", column: "Token", unique: true);

        migrationBuilder.CreateTable(
            name: "StudyQuestions",
            columns: table => new
            {
                Id = table.Column<int>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                StudyId = table.Column<int>(type: "INTEGER", nullable: false),
                Position = table.Column<int>(type: "INTEGER", nullable: false),
                Key = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                Text = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_StudyQuestions", x => x.Id);
                table.ForeignKey("FK_StudyQuestions_Studies_StudyId", x => x.StudyId, "Studies", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "IX_StudyQuestions_StudyId_Key", table: "StudyQuestions", columns: ["StudyId", "Key"], unique: true);

        migrationBuilder.CreateTable(
            name: "StudyMedia",
            columns: table => new
            {
                Id = table.Column<int>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                StudyId = table.Column<int>(type: "INTEGER", nullable: false),
                Key = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                PairId = table.Column<int>(type: "INTEGER", nullable: true),
                AssetId = table.Column<int>(type: "INTEGER", nullable: true),
                MethodName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_StudyMedia", x => x.Id);
                table.ForeignKey("FK_StudyMedia_Studies_StudyId", x => x.StudyId, "Studies", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_StudyMedia_Pairs_PairId", x => x.PairId, "Pairs", "Id", onDelete: ReferentialAction.SetNull);
                table.ForeignKey("FK_StudyMedia_Assets_AssetId", x => x.AssetId, "Assets", "Id", onDelete: ReferentialAction.SetNull);
            });
        migrationBuilder.CreateIndex(name: "IX_StudyMedia_AssetId", table: "StudyMedia", column: "AssetId");
        migrationBuilder.CreateIndex(name: "IX_StudyMedia_Key", table: "StudyMedia", column: "Key", unique: true);
        migrationBuilder.CreateIndex(name: "IX_StudyMedia_PairId", table: "StudyMedia", column: "PairId");
        migrationBuilder.CreateIndex(name: "IX_StudyMedia_StudyId", table: "StudyMedia", column: "StudyId");

        migrationBuilder.CreateTable(
            name: "StudyParticipants",
            columns: table => new
            {
                Id = table.Column<int>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                StudyId = table.Column<int>(type: "INTEGER", nullable: false),
                PublicId = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                KeyHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Ordinal = table.Column<int>(type: "INTEGER", nullable: false),
                CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                CompletedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                CompletionCode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_StudyParticipants", x => x.Id);
                table.ForeignKey("FK_StudyParticipants_Studies_StudyId", x => x.StudyId, "Studies", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "IX_StudyParticipants_KeyHash", table: "StudyParticipants", column: "KeyHash", unique: true);
        migrationBuilder.CreateIndex(name: "IX_StudyParticipants_StudyId_Ordinal", table: "StudyParticipants", columns: ["StudyId", "Ordinal"], unique: true);
        migrationBuilder.CreateIndex(name: "IX_StudyParticipants_StudyId_PublicId", table: "StudyParticipants", columns: ["StudyId", "PublicId"], unique: true);

        migrationBuilder.CreateTable(
            name: "StudyTrials",
            columns: table => new
            {
                Id = table.Column<int>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                ParticipantId = table.Column<int>(type: "INTEGER", nullable: false),
                Position = table.Column<int>(type: "INTEGER", nullable: false),
                Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                ReferenceMediaId = table.Column<int>(type: "INTEGER", nullable: false),
                CandidateMediaIds = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_StudyTrials", x => x.Id);
                table.ForeignKey("FK_StudyTrials_StudyParticipants_ParticipantId", x => x.ParticipantId, "StudyParticipants", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_StudyTrials_StudyMedia_ReferenceMediaId", x => x.ReferenceMediaId, "StudyMedia", "Id");
            });
        migrationBuilder.CreateIndex(name: "IX_StudyTrials_ParticipantId_Position", table: "StudyTrials", columns: ["ParticipantId", "Position"], unique: true);
        migrationBuilder.CreateIndex(name: "IX_StudyTrials_ReferenceMediaId", table: "StudyTrials", column: "ReferenceMediaId");

        migrationBuilder.CreateTable(
            name: "StudyVotes",
            columns: table => new
            {
                Id = table.Column<int>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                ParticipantId = table.Column<int>(type: "INTEGER", nullable: false),
                TrialId = table.Column<int>(type: "INTEGER", nullable: false),
                QuestionId = table.Column<int>(type: "INTEGER", nullable: false),
                Answer = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                ChosenPosition = table.Column<int>(type: "INTEGER", nullable: true),
                ResponseMs = table.Column<double>(type: "REAL", nullable: true),
                CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_StudyVotes", x => x.Id);
                table.ForeignKey("FK_StudyVotes_StudyParticipants_ParticipantId", x => x.ParticipantId, "StudyParticipants", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_StudyVotes_StudyTrials_TrialId", x => x.TrialId, "StudyTrials", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_StudyVotes_StudyQuestions_QuestionId", x => x.QuestionId, "StudyQuestions", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "IX_StudyVotes_ParticipantId_TrialId_QuestionId", table: "StudyVotes",
            columns: ["ParticipantId", "TrialId", "QuestionId"], unique: true);
        migrationBuilder.CreateIndex(name: "IX_StudyVotes_QuestionId", table: "StudyVotes", column: "QuestionId");
        migrationBuilder.CreateIndex(name: "IX_StudyVotes_TrialId", table: "StudyVotes", column: "TrialId");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "StudyVotes");
        migrationBuilder.DropTable(name: "StudyTrials");
        migrationBuilder.DropTable(name: "StudyParticipants");
        migrationBuilder.DropTable(name: "StudyMedia");
        migrationBuilder.DropTable(name: "StudyQuestions");
        migrationBuilder.DropTable(name: "Studies");
    }
}
