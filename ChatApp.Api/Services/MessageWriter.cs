using System.Diagnostics;
using System.Threading.Channels;
using ChatApp.Api.Data;
using ChatApp.Api.Data.Entities;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace ChatApp.Api.Services;

public class MessageWriterOptions
{
    public const string Section = "Chat:Writer";

    /// <summary>Most messages stored in one statement (one transaction, one WAL flush).</summary>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>
    /// Independent writer loops. A conversation always goes to the same one, so its messages keep their order;
    /// more loops overlap more commits, fewer make bigger batches. Two measured best on a 2-core machine
    /// (bench/run.sh: p99 29 ms at 5,000 msg/s against 455 ms with four).
    /// </summary>
    public int Partitions { get; set; } = 2;
}

/// <summary>A message that passed validation, on its way to the database.</summary>
public sealed record PendingMessage(
    Guid ConversationId,
    SenderKind SenderKind,
    Guid? SenderUserId,
    Guid? VisitorId,
    string? SenderName,
    string Body,
    Attachment? Attachment,
    string ClientMessageId,
    string Preview,
    DateTimeOffset CreatedAt)
{
    /// <summary>The sender's trace, so the batch insert can be parented or linked to it.</summary>
    internal ActivityContext TraceContext { get; } = Activity.Current?.Context ?? default;

    internal TaskCompletionSource<MessageDto?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// Stores messages in batches: every message waiting when a writer loop is free goes into one multi-row
/// INSERT … ON CONFLICT DO NOTHING that also checks the conversation (exists, not closed, the visitor's own) and
/// updates its activity fields, all in one statement, so one commit makes a whole batch durable and atomic.
/// Only after the commit are the batch's messages broadcast, in order, and their senders answered:
/// persist first, then broadcast, each message stored exactly once.
/// </summary>
public sealed class MessageWriter : BackgroundService
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly IChatNotifier _notifier;
    private readonly ILogger<MessageWriter> _logger;
    private readonly MessageWriterOptions _options;
    private readonly Channel<PendingMessage>[] _partitions;
    private readonly WriteHealth _health;

    public MessageWriter(NpgsqlDataSource dataSource, IChatNotifier notifier, WriteHealth health,
        IOptions<MessageWriterOptions> options, ILogger<MessageWriter> logger)
    {
        _dataSource = dataSource;
        _health = health;
        _notifier = notifier;
        _logger = logger;
        _options = options.Value;
        _partitions = [.. Enumerable.Range(0, Math.Max(1, _options.Partitions))
            .Select(_ => Channel.CreateUnbounded<PendingMessage>(new UnboundedChannelOptions { SingleReader = true }))];
    }

    /// <summary>
    /// Stores and broadcasts the message; returns it, or null when nothing was inserted (the conversation is
    /// missing, closed or not the visitor's, or the client message id is already stored): the caller finds out which.
    /// </summary>
    public Task<MessageDto?> WriteAsync(PendingMessage message)
    {
        var partition = _partitions[(message.ConversationId.GetHashCode() & int.MaxValue) % _partitions.Length];
        if (!partition.Writer.TryWrite(message))
        {
            throw new InvalidOperationException("The message writer is stopped.");
        }
        return message.Completion.Task;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_partitions.Select(p => Task.Run(() => RunPartitionAsync(p.Reader), CancellationToken.None)));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var partition in _partitions)
        {
            partition.Writer.TryComplete();
        }
        await base.StopAsync(cancellationToken);
    }

    private async Task RunPartitionAsync(ChannelReader<PendingMessage> reader)
    {
        var batch = new List<PendingMessage>(_options.MaxBatchSize);
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var message))
            {
                batch.Add(message);
            }
            if (batch.Count == 0)
            {
                continue;
            }
            // Not cancelled on shutdown: what was accepted is stored before the writer stops.
            if (await StoreAsync(batch) is { } unavailable)
            {
                // What queued up meanwhile would wait for another timeout: its senders get the same answer now, so
                // nobody waits longer than about two connection timeouts while the database is down.
                while (reader.TryRead(out var queued))
                {
                    queued.Completion.TrySetException(unavailable);
                }
            }
        }
    }

    /// <summary>
    /// Stores a batch and answers its senders. When the database rejects the statement because of what one message
    /// holds, nothing of it was stored (one statement): the halves are stored separately, down to the one message that
    /// is refused alone, so a message the database rejects never fails anyone else's.
    /// </summary>
    /// <returns>null, or the exception every sender got when the database could not be reached.</returns>
    private async Task<Exception?> StoreAsync(List<PendingMessage> batch)
    {
        Dictionary<(Guid, string), (MessageDto Message, ConversationSummaryDto Summary)> stored;
        try
        {
            stored = await InsertAsync(batch, CancellationToken.None);
        }
        catch (PostgresException ex) when (IsRejectedContent(ex))
        {
            if (batch.Count > 1)
            {
                var half = batch.Count / 2;
                return await StoreAsync(batch[..half]) ?? await StoreAsync(batch[half..]);
            }
            _logger.LogWarning(ex, "The database refused message {ClientMessageId} of conversation {ConversationId}",
                batch[0].ClientMessageId, batch[0].ConversationId);
            batch[0].Completion.TrySetException(ChatException.Invalid("body",
                "This message could not be stored: the database does not accept some of its text. Change it and send it again."));
            return null;
        }
        catch (Exception ex)
        {
            // The database is unreachable or failed: whether the statement committed cannot be known, so every sender
            // is told to resend; a resend of a message that was stored returns it and delivers it again.
            _logger.LogError(ex, "Storing a batch of {Count} messages failed", batch.Count);
            _health.Failed("storing messages");
            var unavailable = DatabaseFailures.Unavailable(ex);
            foreach (var message in batch)
            {
                message.Completion.TrySetException(unavailable);
            }
            return unavailable;
        }
        _health.Succeeded();
        foreach (var message in batch)
        {
            // Remove, so a client message id sent twice in one batch is broadcast once.
            if (stored.Remove((message.ConversationId, message.ClientMessageId), out var result))
            {
                Broadcast(result.Message, result.Summary);
                message.Completion.TrySetResult(result.Message);
            }
            else
            {
                message.Completion.TrySetResult(null);
            }
        }
        return null;
    }

    /// <summary>Errors the server raises for what a row holds (class 22 data exceptions, class 23 integrity violations).</summary>
    private static bool IsRejectedContent(PostgresException ex) => ex.SqlState.StartsWith("22") || ex.SqlState.StartsWith("23");

    private void Broadcast(MessageDto message, ConversationSummaryDto summary)
    {
        // Not awaited: group sends are queued to each connection in call order, so the batch's order holds, and a
        // slow client cannot hold up the writer.
        var sending = _notifier.MessageCreatedAsync(message, summary);
        if (!sending.IsCompletedSuccessfully)
        {
            sending.ContinueWith(t => _logger.LogWarning(t.Exception, "Broadcasting message {Id} failed", message.Id),
                CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    private const string InsertSql = """
        WITH input AS (
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::uuid[], $7::text[], $8::timestamptz[], $9::text[])
                WITH ORDINALITY AS t(conversation_id, sender_kind, sender_user_id, visitor_id, body, attachment_id, client_message_id, created_at, preview, ord)
        ), allowed AS (
            SELECT i.* FROM input i JOIN conversations c ON c.id = i.conversation_id
            WHERE c.status <> 'Closed' AND (i.visitor_id = '00000000-0000-0000-0000-000000000000' OR c.visitor_id = i.visitor_id)
        ), ins AS (
            INSERT INTO messages (conversation_id, sender_kind, sender_user_id, body, attachment_id, client_message_id, created_at)
            SELECT conversation_id, sender_kind, NULLIF(sender_user_id, '00000000-0000-0000-0000-000000000000'), body,
                   NULLIF(attachment_id, '00000000-0000-0000-0000-000000000000'), client_message_id, created_at
            FROM allowed ORDER BY ord
            ON CONFLICT (conversation_id, client_message_id) DO NOTHING
            RETURNING id, conversation_id, client_message_id, sender_kind, created_at
        ), per_conversation AS (
            SELECT conversation_id,
                   max(id) AS last_id,
                   max(id) FILTER (WHERE sender_kind <> 'Visitor') AS last_staff_id,
                   max(id) FILTER (WHERE sender_kind = 'Visitor') AS last_visitor_id,
                   count(*) FILTER (WHERE sender_kind = 'Visitor') AS visitor_count
            FROM ins GROUP BY conversation_id
        ), activity AS (
            SELECT p.*, last.created_at AS last_created_at, a.preview AS last_preview,
                   (SELECT count(*) FROM ins WHERE ins.conversation_id = p.conversation_id
                        AND ins.sender_kind = 'Visitor' AND ins.id > p.last_staff_id) AS visitor_after_staff
            FROM per_conversation p
            JOIN ins last ON last.id = p.last_id
            JOIN allowed a ON a.conversation_id = last.conversation_id AND a.client_message_id = last.client_message_id
        ), upd AS (
            UPDATE conversations c SET
                last_message_at = x.last_created_at,
                last_message_preview = x.last_preview,
                updated_at = x.last_created_at,
                -- A staff reply means the staff have read everything before it.
                operator_unread_count = CASE WHEN x.last_staff_id IS NULL THEN c.operator_unread_count + x.visitor_count
                                             ELSE x.visitor_after_staff END,
                operator_last_read_message_id = GREATEST(c.operator_last_read_message_id, COALESCE(x.last_staff_id, 0)),
                visitor_last_read_message_id = GREATEST(c.visitor_last_read_message_id, COALESCE(x.last_visitor_id, 0))
            FROM activity x WHERE c.id = x.conversation_id
            RETURNING c.id, c.status, c.visitor_id, c.visitor_name, c.visitor_email, c.assigned_user_id, c.created_at,
                      c.last_message_at, c.last_message_preview, c.operator_unread_count, c.closed_at, c.is_offline_message,
                      c.rating_score, c.rating_comment, c.rated_at
        )
        SELECT ins.conversation_id, ins.client_message_id, ins.id, ins.created_at,
               u.status, u.visitor_id, u.visitor_name, u.visitor_email, u.assigned_user_id, au.display_name,
               u.created_at, u.last_message_at, u.last_message_preview, u.operator_unread_count, u.closed_at,
               u.is_offline_message, u.rating_score, u.rating_comment, u.rated_at
        FROM ins JOIN upd u ON u.id = ins.conversation_id LEFT JOIN users au ON au.id = u.assigned_user_id
        """;

    private async Task<Dictionary<(Guid, string), (MessageDto Message, ConversationSummaryDto Summary)>> InsertAsync(
        List<PendingMessage> batch, CancellationToken ct)
    {
        // One insert serves the whole batch: it continues the first sender's trace and links the others'.
        using var activity = ChatTelemetry.Source.StartActivity("chat.message.persist", ActivityKind.Internal,
            batch[0].TraceContext, links: [.. batch.Skip(1).Where(m => m.TraceContext != default).Select(m => new ActivityLink(m.TraceContext))]);
        activity?.SetTag("chat.batch.size", batch.Count);

        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(InsertSql, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. batch.Select(m => m.ConversationId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(m => m.SenderKind.ToString())] });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. batch.Select(m => m.SenderUserId ?? Guid.Empty)] });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. batch.Select(m => m.VisitorId ?? Guid.Empty)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(m => m.Body)] });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. batch.Select(m => m.Attachment?.Id ?? Guid.Empty)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(m => m.ClientMessageId)] });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>
        {
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
            TypedValue = [.. batch.Select(m => m.CreatedAt)],
        });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(m => m.Preview)] });

        var byKey = new Dictionary<(Guid, string), PendingMessage>(batch.Count);
        foreach (var message in batch)
        {
            byKey.TryAdd((message.ConversationId, message.ClientMessageId), message);
        }
        // Prepared explicitly, never by Npgsql's auto-preparation: a statement auto-prepared by an execution that
        // fails while binding its parameters (a NUL in a text) stays marked as prepared without its result columns, and
        // the next execution on that connection fails with "Received unexpected backend message DataRow" after it has
        // committed. An explicit prepare is its own round trip (once per physical connection), before any parameter.
        await command.PrepareAsync(ct);

        var results = new Dictionary<(Guid, string), (MessageDto, ConversationSummaryDto)>(batch.Count);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var key = (reader.GetGuid(0), reader.GetString(1));
            if (!byKey.TryGetValue(key, out var pending))
            {
                // Cannot happen while keys round-trip exactly (the input rules refuse what would not); never worth
                // failing a committed batch over.
                _logger.LogError("Stored message {ClientMessageId} matches no message of its batch", key.Item2);
                continue;
            }
            var id = reader.GetInt64(2);
            var createdAt = reader.GetFieldValue<DateTimeOffset>(3);
            var visitorName = reader.IsDBNull(6) ? null : reader.GetString(6);
            var message = new MessageDto(id, pending.ConversationId, pending.ClientMessageId, pending.SenderKind, pending.SenderUserId,
                pending.SenderKind == SenderKind.Visitor ? visitorName : pending.SenderName, pending.Body,
                pending.Attachment is null ? null : AttachmentDto.From(pending.Attachment), createdAt);
            var summary = new ConversationSummaryDto(
                pending.ConversationId,
                Enum.Parse<ConversationStatus>(reader.GetString(4)),
                reader.GetGuid(5),
                visitorName,
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetGuid(8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.GetFieldValue<DateTimeOffset>(10),
                reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
                reader.IsDBNull(12) ? null : reader.GetString(12),
                reader.GetInt32(13),
                reader.IsDBNull(14) ? null : reader.GetFieldValue<DateTimeOffset>(14),
                reader.GetBoolean(15),
                reader.IsDBNull(16) ? null
                    : new RatingDto(reader.GetInt32(16), reader.IsDBNull(17) ? null : reader.GetString(17), reader.GetFieldValue<DateTimeOffset>(18)));
            results[key] = (message, summary);
        }
        return results;
    }
}
