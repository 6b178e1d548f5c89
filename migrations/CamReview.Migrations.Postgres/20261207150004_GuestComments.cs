using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CamReview.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class GuestComments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "GuestsMayComment",
                table: "ShareLinks",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "GuestName",
                table: "Comments",
                type: "character varying(60)",
                maxLength: 60,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ShareLinkId",
                table: "Comments",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Comments_ShareLinkId",
                table: "Comments",
                column: "ShareLinkId");

            migrationBuilder.AddForeignKey(
                name: "FK_Comments_ShareLinks_ShareLinkId",
                table: "Comments",
                column: "ShareLinkId",
                principalTable: "ShareLinks",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Comments_ShareLinks_ShareLinkId",
                table: "Comments");

            migrationBuilder.DropIndex(
                name: "IX_Comments_ShareLinkId",
                table: "Comments");

            migrationBuilder.DropColumn(
                name: "GuestsMayComment",
                table: "ShareLinks");

            migrationBuilder.DropColumn(
                name: "GuestName",
                table: "Comments");

            migrationBuilder.DropColumn(
                name: "ShareLinkId",
                table: "Comments");
        }
    }
}
