using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatApp.Api.Data.Migrations
{
    /// <summary>
    /// <c>message.created</c> is never raised for a private message (a staff note or an activity record): the
    /// ReportsWebhooksAudit trigger function again, with <c>WHERE NOT m.is_private</c>.
    /// </summary>
    public partial class WebhooksSkipPrivateMessages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION webhook_messages_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF webhook_subscribed(ARRAY['message.created']) THEN
                        PERFORM webhook_enqueue((
                            SELECT json_agg(json_build_object('ord', m.id, 'event', 'message.created', 'data', json_build_object(
                                'message', json_build_object(
                                    'id', m.id,
                                    'conversationId', m.conversation_id,
                                    'clientMessageId', m.client_message_id,
                                    'senderKind', m.sender_kind,
                                    'senderUserId', m.sender_user_id,
                                    'senderName', CASE m.sender_kind WHEN 'Visitor' THEN c.visitor_name ELSE u.display_name END,
                                    'body', m.body,
                                    'attachment', CASE WHEN a.id IS NULL THEN NULL ELSE json_build_object(
                                        'id', a.id, 'url', '/uploads/' || a.stored_name, 'fileName', a.original_name,
                                        'contentType', a.content_type, 'size', a.size) END,
                                    'createdAt', webhook_time(m.created_at)),
                                'conversation', webhook_conversation(c.id))) ORDER BY m.id)
                            FROM inserted m
                            JOIN conversations c ON c.id = m.conversation_id
                            LEFT JOIN users u ON u.id = m.sender_user_id
                            LEFT JOIN attachments a ON a.id = m.attachment_id
                            WHERE NOT m.is_private));
                    END IF;
                    RETURN NULL;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION webhook_messages_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF webhook_subscribed(ARRAY['message.created']) THEN
                        PERFORM webhook_enqueue((
                            SELECT json_agg(json_build_object('ord', m.id, 'event', 'message.created', 'data', json_build_object(
                                'message', json_build_object(
                                    'id', m.id,
                                    'conversationId', m.conversation_id,
                                    'clientMessageId', m.client_message_id,
                                    'senderKind', m.sender_kind,
                                    'senderUserId', m.sender_user_id,
                                    'senderName', CASE m.sender_kind WHEN 'Visitor' THEN c.visitor_name ELSE u.display_name END,
                                    'body', m.body,
                                    'attachment', CASE WHEN a.id IS NULL THEN NULL ELSE json_build_object(
                                        'id', a.id, 'url', '/uploads/' || a.stored_name, 'fileName', a.original_name,
                                        'contentType', a.content_type, 'size', a.size) END,
                                    'createdAt', webhook_time(m.created_at)),
                                'conversation', webhook_conversation(c.id))) ORDER BY m.id)
                            FROM inserted m
                            JOIN conversations c ON c.id = m.conversation_id
                            LEFT JOIN users u ON u.id = m.sender_user_id
                            LEFT JOIN attachments a ON a.id = m.attachment_id));
                    END IF;
                    RETURN NULL;
                END $$;
                """);
        }
    }
}
