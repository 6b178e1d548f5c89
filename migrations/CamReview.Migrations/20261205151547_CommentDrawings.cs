using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CamReview.Migrations
{
    /// <inheritdoc />
    public partial class CommentDrawings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DrawingJson",
                table: "Comments",
                type: "TEXT",
                maxLength: 65536,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DrawingJson",
                table: "Comments");
        }
    }
}
