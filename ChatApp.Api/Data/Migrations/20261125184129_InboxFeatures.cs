using System;
using Microsoft.EntityFrameworkCore.Migrations;
using NpgsqlTypes;

#nullable disable

namespace ChatApp.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class InboxFeatures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "notifications_enabled",
                table: "users",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<string>(
                name: "presence",
                table: "users",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "Online");

            migrationBuilder.AddColumn<Guid>(
                name: "security_stamp",
                table: "users",
                type: "uuid",
                nullable: false,
                defaultValueSql: "gen_random_uuid()");

            migrationBuilder.AddColumn<bool>(
                name: "is_private",
                table: "messages",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<NpgsqlTsVector>(
                name: "search_vector",
                table: "conversations",
                type: "tsvector",
                nullable: false,
                computedColumnSql: "to_tsvector('simple', coalesce(visitor_name, '') || ' ' || coalesce(visitor_email, '') || ' ' || replace(coalesce(visitor_email, ''), '@', ' ') || ' ' || translate(coalesce(visitor_email, ''), '@.', '  '))",
                stored: true);

            migrationBuilder.CreateTable(
                name: "assignment_settings",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    auto_assign = table.Column<bool>(type: "boolean", nullable: false),
                    max_open_per_operator = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by_user_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_assignment_settings", x => x.id);
                    table.CheckConstraint("ck_assignment_settings_singleton", "id = 1");
                    table.ForeignKey(
                        name: "fk_assignment_settings_users_updated_by_user_id",
                        column: x => x.updated_by_user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "canned_responses",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    shortcut = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    title = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    body = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_canned_responses", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "staff_connections",
                columns: table => new
                {
                    connection_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    instance_id = table.Column<Guid>(type: "uuid", nullable: false),
                    connected_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_staff_connections", x => x.connection_id);
                    table.ForeignKey(
                        name: "fk_staff_connections_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_messages_body",
                table: "messages",
                column: "body")
                .Annotation("Npgsql:IndexMethod", "GIN")
                .Annotation("Npgsql:TsVectorConfig", "simple");

            migrationBuilder.CreateIndex(
                name: "ix_conversations_search_vector",
                table: "conversations",
                column: "search_vector")
                .Annotation("Npgsql:IndexMethod", "GIN");

            migrationBuilder.CreateIndex(
                name: "ix_assignment_settings_updated_by_user_id",
                table: "assignment_settings",
                column: "updated_by_user_id");

            migrationBuilder.CreateIndex(
                name: "ix_canned_responses_shortcut",
                table: "canned_responses",
                column: "shortcut",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_staff_connections_instance_id",
                table: "staff_connections",
                column: "instance_id");

            migrationBuilder.CreateIndex(
                name: "ix_staff_connections_user_id",
                table: "staff_connections",
                column: "user_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "assignment_settings");

            migrationBuilder.DropTable(
                name: "canned_responses");

            migrationBuilder.DropTable(
                name: "staff_connections");

            migrationBuilder.DropIndex(
                name: "ix_messages_body",
                table: "messages");

            migrationBuilder.DropIndex(
                name: "ix_conversations_search_vector",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "search_vector",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "notifications_enabled",
                table: "users");

            migrationBuilder.DropColumn(
                name: "presence",
                table: "users");

            migrationBuilder.DropColumn(
                name: "security_stamp",
                table: "users");

            migrationBuilder.DropColumn(
                name: "is_private",
                table: "messages");
        }
    }
}
