using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatApp.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class LeanerMessageWrites : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_messages_attachment_id",
                table: "messages");

            migrationBuilder.DropIndex(
                name: "ix_messages_sender_user_id",
                table: "messages");

            migrationBuilder.DropIndex(
                name: "ix_conversations_status_last_message_at",
                table: "conversations");

            migrationBuilder.AlterTable(
                name: "conversations")
                .Annotation("Npgsql:StorageParameter:fillfactor", 70);

            migrationBuilder.CreateIndex(
                name: "ix_messages_attachment_id",
                table: "messages",
                column: "attachment_id",
                filter: "attachment_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_messages_sender_user_id",
                table: "messages",
                column: "sender_user_id",
                filter: "sender_user_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_conversations_status",
                table: "conversations",
                column: "status");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_messages_attachment_id",
                table: "messages");

            migrationBuilder.DropIndex(
                name: "ix_messages_sender_user_id",
                table: "messages");

            migrationBuilder.DropIndex(
                name: "ix_conversations_status",
                table: "conversations");

            migrationBuilder.AlterTable(
                name: "conversations")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 70);

            migrationBuilder.CreateIndex(
                name: "ix_messages_attachment_id",
                table: "messages",
                column: "attachment_id");

            migrationBuilder.CreateIndex(
                name: "ix_messages_sender_user_id",
                table: "messages",
                column: "sender_user_id");

            migrationBuilder.CreateIndex(
                name: "ix_conversations_status_last_message_at",
                table: "conversations",
                columns: new[] { "status", "last_message_at" });
        }
    }
}
