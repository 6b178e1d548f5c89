using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CamReview.Migrations
{
    /// <inheritdoc />
    public partial class StudyTargetImages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "ShowTarget",
                table: "StudyQuestions",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "IsTarget",
                table: "StudyMedia",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            // Studies made before: each pair they show gets its target image under a new random key, and a question
            // keyed "scene" (the default question about the target image) shows it, as new studies do by default.
            migrationBuilder.Sql("""
                INSERT INTO "StudyMedia" ("StudyId", "Key", "PairId", "AssetId", "MethodName", "IsTarget")
                SELECT m."StudyId", lower(hex(randomblob(16))), m."PairId", p."TargetAssetId", NULL, 1
                FROM "StudyMedia" AS m JOIN "Pairs" AS p ON p."Id" = m."PairId"
                WHERE m."MethodName" IS NULL;
                """);
            migrationBuilder.Sql("""UPDATE "StudyQuestions" SET "ShowTarget" = 1 WHERE "Key" = 'scene';""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ShowTarget",
                table: "StudyQuestions");

            migrationBuilder.DropColumn(
                name: "IsTarget",
                table: "StudyMedia");
        }
    }
}
