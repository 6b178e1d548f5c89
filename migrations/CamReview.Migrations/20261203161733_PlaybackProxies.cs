using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CamReview.Migrations
{
    /// <inheritdoc />
    public partial class PlaybackProxies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PlaybackError",
                table: "Assets",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "PlaybackFps",
                table: "Assets",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PlaybackSizeBytes",
                table: "Assets",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PlaybackError",
                table: "Assets");

            migrationBuilder.DropColumn(
                name: "PlaybackFps",
                table: "Assets");

            migrationBuilder.DropColumn(
                name: "PlaybackSizeBytes",
                table: "Assets");
        }
    }
}
