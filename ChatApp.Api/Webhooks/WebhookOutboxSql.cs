namespace ChatApp.Api.Webhooks;

/// <summary>
/// The webhook outbox, written by PostgreSQL itself: statement-level triggers on <c>conversations</c> and
/// <c>messages</c> turn each change into one delivery per subscribed, enabled endpoint, inside the transaction that made
/// the change. So every path that stores a conversation or a message (EF Core, the message writer's batched insert, a
/// conditional update) raises its events exactly when it commits, and an API crash after the commit loses none.
/// <list type="bullet">
/// <item><c>conversation.created</c>: a conversation inserted.</item>
/// <item><c>conversation.assigned</c>: <c>assigned_user_id</c> set to someone other than before.</item>
/// <item><c>conversation.closed</c>: <c>status</c> changed to <c>Closed</c>.</item>
/// <item><c>rating.created</c>: <c>rating_score</c> set where there was none.</item>
/// <item><c>message.created</c>: a message inserted (the message writer's batched insert included), never a private one
/// (a note or an activity record): the <c>WebhooksSkipPrivateMessages</c> migration replaces the function below.</item>
/// </list>
/// Bodies are <c>{ "id", "event", "createdAt", "data" }</c> (PROTOCOL.md); times are UTC ISO-8601 with a Z.
/// Each trigger returns at once when no enabled endpoint subscribes to its events.
/// </summary>
public static class WebhookOutboxSql
{
    /// <summary>Installed by the <c>ReportsWebhooksAudit</c> migration (later migrations replace some functions: never edit this).</summary>
    public const string Install = """
        CREATE FUNCTION webhook_time(t timestamptz) RETURNS text LANGUAGE sql STABLE AS
        $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') $$;

        -- A conversation as it is now (in the trigger's transaction), for event bodies.
        CREATE FUNCTION webhook_conversation(conversation_id uuid) RETURNS json LANGUAGE sql STABLE AS $$
            SELECT json_build_object(
                'id', c.id,
                'status', c.status,
                'visitorId', c.visitor_id,
                'visitorName', c.visitor_name,
                'visitorEmail', c.visitor_email,
                'assignedUserId', c.assigned_user_id,
                'assignedUserName', (SELECT u.display_name FROM users u WHERE u.id = c.assigned_user_id),
                'pageUrl', c.page_url,
                'isOfflineMessage', c.is_offline_message,
                'createdAt', webhook_time(c.created_at),
                'closedAt', webhook_time(c.closed_at),
                'rating', CASE WHEN c.rating_score IS NULL THEN NULL ELSE json_build_object(
                    'score', c.rating_score, 'comment', c.rating_comment, 'ratedAt', webhook_time(c.rated_at)) END)
            FROM conversations c WHERE c.id = conversation_id
        $$;

        -- Queues each event (in the order of ord) for every enabled endpoint that subscribes to it; one event id each.
        CREATE FUNCTION webhook_enqueue(events json) RETURNS void LANGUAGE sql AS $$
            WITH ev AS MATERIALIZED (
                SELECT e.ord, e.event, json_build_object(
                    'id', gen_random_uuid(), 'event', e.event, 'createdAt', webhook_time(now()), 'data', e.data)::text AS payload
                FROM json_to_recordset(events) AS e(ord bigint, event text, data json)
            )
            INSERT INTO webhook_deliveries (endpoint_id, delivery_id, event, payload, status, attempts, next_attempt_at, created_at)
            SELECT w.id, gen_random_uuid(), ev.event, ev.payload, 'Pending', 0, now(), now()
            FROM ev JOIN webhook_endpoints w ON w.enabled AND ev.event = ANY(w.events)
            ORDER BY ev.ord, w.id
        $$;

        CREATE FUNCTION webhook_subscribed(names text[]) RETURNS boolean LANGUAGE sql STABLE AS
        $$ SELECT EXISTS (SELECT 1 FROM webhook_endpoints w WHERE w.enabled AND w.events && names) $$;

        CREATE FUNCTION webhook_conversations_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF webhook_subscribed(ARRAY['conversation.created']) THEN
                PERFORM webhook_enqueue((
                    SELECT json_agg(json_build_object('ord', x.ord, 'event', 'conversation.created',
                        'data', json_build_object('conversation', webhook_conversation(x.id))) ORDER BY x.ord)
                    FROM (SELECT n.id, row_number() OVER (ORDER BY n.created_at, n.id) AS ord FROM inserted n) x));
            END IF;
            RETURN NULL;
        END $$;

        CREATE FUNCTION webhook_conversations_updated() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF webhook_subscribed(ARRAY['conversation.assigned', 'conversation.closed', 'rating.created']) THEN
                PERFORM webhook_enqueue((
                    SELECT json_agg(json_build_object('ord', ch.ord, 'event', ch.event, 'data', ch.data) ORDER BY ch.ord)
                    FROM (
                        SELECT row_number() OVER (ORDER BY n.id, k.rank) AS ord, k.event,
                               CASE WHEN k.event = 'rating.created'
                                    THEN json_build_object('conversation', webhook_conversation(n.id), 'rating', webhook_conversation(n.id)->'rating')
                                    ELSE json_build_object('conversation', webhook_conversation(n.id)) END AS data
                        FROM inserted n JOIN deleted o ON o.id = n.id
                        CROSS JOIN LATERAL (VALUES
                            (1, 'conversation.assigned', n.assigned_user_id IS NOT NULL AND n.assigned_user_id IS DISTINCT FROM o.assigned_user_id),
                            (2, 'conversation.closed', n.status = 'Closed' AND o.status <> 'Closed'),
                            (3, 'rating.created', n.rating_score IS NOT NULL AND o.rating_score IS NULL)
                        ) AS k(rank, event, happened)
                        WHERE k.happened
                    ) ch));
            END IF;
            RETURN NULL;
        END $$;

        CREATE FUNCTION webhook_messages_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
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

        CREATE TRIGGER webhook_conversations_inserted AFTER INSERT ON conversations
            REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION webhook_conversations_inserted();
        CREATE TRIGGER webhook_conversations_updated AFTER UPDATE ON conversations
            REFERENCING OLD TABLE AS deleted NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION webhook_conversations_updated();
        CREATE TRIGGER webhook_messages_inserted AFTER INSERT ON messages
            REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION webhook_messages_inserted();
        """;

    public const string Uninstall = """
        DROP TRIGGER IF EXISTS webhook_messages_inserted ON messages;
        DROP TRIGGER IF EXISTS webhook_conversations_updated ON conversations;
        DROP TRIGGER IF EXISTS webhook_conversations_inserted ON conversations;
        DROP FUNCTION IF EXISTS webhook_messages_inserted();
        DROP FUNCTION IF EXISTS webhook_conversations_updated();
        DROP FUNCTION IF EXISTS webhook_conversations_inserted();
        DROP FUNCTION IF EXISTS webhook_subscribed(text[]);
        DROP FUNCTION IF EXISTS webhook_enqueue(json);
        DROP FUNCTION IF EXISTS webhook_conversation(uuid);
        DROP FUNCTION IF EXISTS webhook_time(timestamptz);
        """;
}
