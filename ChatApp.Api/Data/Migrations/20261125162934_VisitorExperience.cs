using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatApp.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class VisitorExperience : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "rating",
                table: "conversations",
                newName: "rating_score");

            migrationBuilder.AddColumn<string>(
                name: "identifier",
                table: "visitors",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "is_offline_message",
                table: "conversations",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "rated_at",
                table: "conversations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "rating_comment",
                table: "conversations",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "widget_settings",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    title = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    subtitle = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true),
                    greeting = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    color = table.Column<string>(type: "character varying(7)", maxLength: 7, nullable: false),
                    position = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    name_field = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    email_field = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    default_language = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    business_hours_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    time_zone = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    identity_secret = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    business_hours = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_widget_settings", x => x.id);
                    table.CheckConstraint("ck_widget_settings_singleton", "id = 1");
                });

            migrationBuilder.CreateIndex(
                name: "ix_visitors_identifier",
                table: "visitors",
                column: "identifier",
                unique: true);

            migrationBuilder.AddCheckConstraint(
                name: "ck_conversations_rating_score",
                table: "conversations",
                sql: "rating_score BETWEEN 1 AND 5");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "widget_settings");

            migrationBuilder.DropIndex(
                name: "ix_visitors_identifier",
                table: "visitors");

            migrationBuilder.DropCheckConstraint(
                name: "ck_conversations_rating_score",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "identifier",
                table: "visitors");

            migrationBuilder.DropColumn(
                name: "is_offline_message",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "rated_at",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "rating_comment",
                table: "conversations");

            migrationBuilder.RenameColumn(
                name: "rating_score",
                table: "conversations",
                newName: "rating");
        }
    }
}
