using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CamReview.Migrations
{
    /// <inheritdoc />
    public partial class StudyMediaPreparation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "MediaJobId",
                table: "Studies",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MediaProfile",
                table: "Studies",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "MediaReadyUtc",
                table: "Studies",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MediaSecret",
                table: "Studies",
                type: "TEXT",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "MediaJobId",
                table: "Studies");

            migrationBuilder.DropColumn(
                name: "MediaProfile",
                table: "Studies");

            migrationBuilder.DropColumn(
                name: "MediaReadyUtc",
                table: "Studies");

            migrationBuilder.DropColumn(
                name: "MediaSecret",
                table: "Studies");
        }
    }
}
