using System.Diagnostics;
using ChatApp.Api.Data;
using ChatApp.Api.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Api.Services;

/// <summary>
/// Conversations and their messages: every rule about who may read, write, assign and close lives here,
/// and both the REST endpoints and the hub call it.
/// </summary>
public class ConversationService(
    ChatDbContext db, IChatNotifier notifier, MessageWriter writer, AssignmentService assignment, IChatLimits limits, TimeProvider time)
{
    public const int MaxPageSize = 100;
    public const int MaxMessagesPerRead = 500;

    /// <summary>Loads a conversation the caller may reach; a visitor gets "not found" for any but its own.</summary>
    public async Task<Conversation> GetAccessibleAsync(Caller caller, Guid conversationId, CancellationToken ct = default)
    {
        var conversation = await db.Conversations
            .Include(c => c.AssignedUser)
            .FirstOrDefaultAsync(c => c.Id == conversationId, ct);
        if (conversation is null || (caller.IsVisitor && conversation.VisitorId != caller.Id))
        {
            throw ChatException.NotFound($"There is no conversation {conversationId} that you can open.");
        }
        return conversation;
    }

    public async Task<ConversationDto> GetAsync(Caller caller, Guid conversationId, CancellationToken ct = default) =>
        (await GetAccessibleAsync(caller, conversationId, ct)).ToDto();

    /// <summary>
    /// Conversations by status and assignee, newest activity first; with <paramref name="search"/>, only those that match
    /// it (<see cref="ConversationSearch"/>), each with the newest matching message as an excerpt.
    /// </summary>
    public async Task<PageDto<ConversationSummaryDto>> ListAsync(
        Caller caller, ConversationStatus? status, string? assignee, string? search, int page, int pageSize, CancellationToken ct = default)
    {
        RequireStaff(caller);
        if (page < 1)
        {
            throw ChatException.Invalid("page", "Pages are numbered from 1.");
        }
        if (pageSize is < 1 or > MaxPageSize)
        {
            throw ChatException.Invalid("pageSize", $"The page size must be between 1 and {MaxPageSize}.");
        }
        if (page > int.MaxValue / pageSize)
        {
            throw ChatException.Invalid("page", $"At {pageSize} a page, pages go up to {int.MaxValue / pageSize}.");
        }
        var query = db.Conversations.AsNoTracking().Include(c => c.AssignedUser).AsQueryable();
        if (status is not null)
        {
            query = query.Where(c => c.Status == status);
        }
        if (!string.IsNullOrEmpty(assignee))
        {
            Guid assigneeId = assignee.Equals("me", StringComparison.OrdinalIgnoreCase) ? caller.Id
                : Guid.TryParse(assignee, out var parsed) ? parsed
                : throw ChatException.Invalid("assignee", "The assignee must be \"me\" or a user id.");
            query = query.Where(c => c.AssignedUserId == assigneeId);
        }
        string? tsQuery = null;
        if (!string.IsNullOrWhiteSpace(search))
        {
            tsQuery = ConversationSearch.ToTsQuery(search.Trim());
            if (tsQuery is null)
            {
                // Only punctuation: nothing can match.
                return new PageDto<ConversationSummaryDto>([], page, pageSize, 0);
            }
            query = query.Matching(db, tsQuery);
        }
        var total = await query.CountAsync(ct);
        var items = await query
            .OrderByDescending(c => c.LastMessageAt ?? c.CreatedAt)
            .ThenByDescending(c => c.Id)
            .Skip((page - 1) * pageSize)
            .Take(pageSize)
            .ToListAsync(ct);
        var matches = tsQuery is null ? [] : await ConversationSearch.MatchesAsync(db, [.. items.Select(c => c.Id)], tsQuery, ct);
        return new PageDto<ConversationSummaryDto>(
            [.. items.Select(c => c.ToSummary() with { Match = matches.GetValueOrDefault(c.Id) })], page, pageSize, total);
    }

    /// <summary>The inbox tabs' unread badges: conversations with visitor messages no staff member has read.</summary>
    public async Task<InboxCountsDto> CountUnreadAsync(Caller caller, CancellationToken ct = default)
    {
        RequireStaff(caller);
        var counts = await db.Conversations.AsNoTracking()
            .Where(c => c.OperatorUnreadCount > 0)
            .GroupBy(c => 1)
            .Select(g => new
            {
                Unassigned = g.Count(c => c.Status == ConversationStatus.Open),
                Mine = g.Count(c => c.Status == ConversationStatus.Assigned && c.AssignedUserId == caller.Id),
                Assigned = g.Count(c => c.Status == ConversationStatus.Assigned),
                Closed = g.Count(c => c.Status == ConversationStatus.Closed),
            })
            .FirstOrDefaultAsync(ct);
        return counts is null ? new InboxCountsDto(0, 0, 0, 0)
            : new InboxCountsDto(counts.Unassigned, counts.Mine, counts.Assigned, counts.Closed);
    }

    public async Task<IReadOnlyList<MessageDto>> GetMessagesAfterAsync(
        Caller caller, Guid conversationId, long afterMessageId, int limit, CancellationToken ct = default)
    {
        if (limit is < 1 or > MaxMessagesPerRead)
        {
            throw ChatException.Invalid("limit", $"The limit must be between 1 and {MaxMessagesPerRead}.");
        }
        if (afterMessageId < 0)
        {
            throw ChatException.Invalid("after", "The cursor must be a message id (0 for the start).");
        }
        var conversation = await GetAccessibleAsync(caller, conversationId, ct);
        var messages = await db.Messages.AsNoTracking()
            .Include(m => m.SenderUser)
            .Include(m => m.Attachment)
            .VisibleTo(caller)
            .Where(m => m.ConversationId == conversationId && m.Id > afterMessageId)
            .OrderBy(m => m.Id)
            .Take(limit)
            .ToListAsync(ct);
        // An array (not a collection expression): the hub returns it as it is, and MessagePack needs a type it knows.
        return messages.Select(m => m.ToDto(conversation.VisitorName)).ToArray();
    }

    /// <summary>
    /// Stores a message once per client message id, then broadcasts it (<see cref="MessageWriter"/>). A resend
    /// returns the stored message with <c>Created = false</c> and delivers it to the conversation again: a sender that
    /// resends could not know whether it was stored (the connection dropped mid-commit), nor whether anyone got it.
    /// </summary>
    public async Task<(MessageDto Message, bool Created)> SendAsync(
        Caller caller, Guid conversationId, SendMessageRequest request, CancellationToken ct = default)
    {
        var received = Stopwatch.GetTimestamp();
        using var activity = ChatTelemetry.Source.StartActivity("chat.message.send");
        activity?.SetTag("chat.conversation.id", conversationId);
        activity?.SetTag("chat.sender.kind", caller.Kind.ToString());

        var (clientMessageId, body) = MessageRules.Validate(request.ClientMessageId, request.Body, request.AttachmentId is not null);
        await limits.EnforceAsync(ChatAction.Send, caller);
        var attachment = request.AttachmentId is { } attachmentId ? await GetOwnAttachmentAsync(caller, attachmentId, ct) : null;

        // The writer checks the conversation (exists, open, the visitor's own) in the same statement that stores
        // the message; only when nothing was stored do we look at why.
        var stored = await writer.WriteAsync(new PendingMessage(
            conversationId,
            caller.Kind,
            SenderUserId: caller.IsStaff ? caller.Id : null,
            VisitorId: caller.IsVisitor ? caller.Id : null,
            SenderName: caller.IsStaff ? caller.Name : null,
            body,
            attachment,
            clientMessageId,
            MessageRules.Preview(body, attachment?.OriginalName),
            time.GetUtcNow()));
        if (stored is not null)
        {
            activity?.SetTag("chat.message.id", stored.Id);
            ChatTelemetry.MessagesSent.Add(1, new KeyValuePair<string, object?>("chat.sender.kind", caller.Kind.ToString()));
            ChatTelemetry.MessageDeliveryDuration.Record(Stopwatch.GetElapsedTime(received).TotalSeconds,
                new KeyValuePair<string, object?>("chat.sender.kind", caller.Kind.ToString()));
            return (stored, true);
        }

        var conversation = await GetAccessibleAsync(caller, conversationId, ct);
        var existing = await FindByClientIdAsync(conversation, clientMessageId, ct);
        if (existing is not null)
        {
            EnsureSameSender(existing, caller);
            await notifier.MessageResentAsync(existing);
            return (existing, false);
        }
        if (conversation.Status == ConversationStatus.Closed)
        {
            throw ChatException.Conflict("This conversation is closed; start a new one to keep chatting.");
        }
        throw new InvalidOperationException($"Message {clientMessageId} was neither stored nor refused.");
    }

    private async Task<MessageDto?> FindByClientIdAsync(Conversation conversation, string clientMessageId, CancellationToken ct)
    {
        var message = await db.Messages.AsNoTracking()
            .Include(m => m.SenderUser)
            .Include(m => m.Attachment)
            .FirstOrDefaultAsync(m => m.ConversationId == conversation.Id && m.ClientMessageId == clientMessageId, ct);
        return message?.ToDto(conversation.VisitorName);
    }

    private static MessageDto EnsureSameSender(MessageDto message, Caller caller, bool isPrivate = false)
    {
        var sameSender = caller.IsVisitor
            ? message.SenderKind == SenderKind.Visitor
            : message.SenderKind == SenderKind.Operator && message.SenderUserId == caller.Id && message.IsPrivate == isPrivate;
        return sameSender ? message
            : throw ChatException.Conflict("This client message id is already used by another sender's message; use a new UUID.");
    }

    /// <summary>
    /// Stores a private note once per client message id, then sends it to the staff following the conversation, never
    /// to its visitor. A resend returns the stored note with <c>Created = false</c> and broadcasts nothing. Notes may be
    /// added to closed conversations too.
    /// </summary>
    public async Task<(MessageDto Message, bool Created)> SendNoteAsync(
        Caller caller, Guid conversationId, SendNoteRequest request, CancellationToken ct = default)
    {
        RequireStaff(caller);
        var (clientMessageId, body) = MessageRules.Validate(request.ClientMessageId, request.Body, hasAttachment: false);
        // A note counts against the same per-sender limit as a message.
        await limits.EnforceAsync(ChatAction.Send, caller);
        var conversation = await GetAccessibleAsync(caller, conversationId, ct);
        if (await FindByClientIdAsync(conversation, clientMessageId, ct) is { } existing)
        {
            return (EnsureSameSender(existing, caller, isPrivate: true), false);
        }
        var note = ConversationActivity.Note(conversationId, caller, body, clientMessageId, time.GetUtcNow());
        db.Messages.Add(note);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            // The same note sent twice at once: the other one was stored.
            db.Entry(note).State = EntityState.Detached;
            var stored = await FindByClientIdAsync(conversation, clientMessageId, ct)
                ?? throw new InvalidOperationException($"Note {clientMessageId} was neither stored nor found.");
            return (EnsureSameSender(stored, caller, isPrivate: true), false);
        }
        var dto = note.ToDto(conversation.VisitorName) with { SenderName = caller.Name };
        await notifier.StaffMessageCreatedAsync(dto);
        return (dto, true);
    }

    private async Task<Attachment> GetOwnAttachmentAsync(Caller caller, Guid attachmentId, CancellationToken ct)
    {
        var attachment = await db.Attachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == attachmentId, ct);
        var own = attachment is not null &&
            (caller.IsVisitor ? attachment.UploadedByVisitorId == caller.Id : attachment.UploadedByUserId == caller.Id);
        return own ? attachment! : throw ChatException.Invalid("attachmentId", "There is no such upload of yours to attach.");
    }

    /// <summary>
    /// Assigns to the caller, or to a colleague: admins may assign any conversation to anyone; an operator may transfer
    /// a conversation assigned to them, with an optional private note for the colleague. The change, its activity record
    /// and the note are stored together, then broadcast.
    /// </summary>
    public async Task<ConversationDto> AssignAsync(
        Caller caller, Guid conversationId, Guid? userId, string? note = null, CancellationToken ct = default)
    {
        RequireStaff(caller);
        var assigneeId = userId ?? caller.Id;
        var conversation = await GetAccessibleAsync(caller, conversationId, ct);
        if (assigneeId != caller.Id && !caller.IsAdmin && conversation.AssignedUserId != caller.Id)
        {
            throw ChatException.Forbidden(
                "Only admins can assign a conversation to someone else; you can transfer the conversations assigned to you.");
        }
        if (conversation.Status == ConversationStatus.Closed)
        {
            throw ChatException.Conflict("This conversation is closed and can no longer be assigned; reopen it first.");
        }
        // The note follows the rules of any message (its client message id is made below).
        var noteBody = string.IsNullOrWhiteSpace(note) ? null
            : MessageRules.Validate("transfer-note", note, hasAttachment: false).Body;
        var assignee = await db.Users.FirstOrDefaultAsync(u => u.Id == assigneeId && u.IsActive, ct)
            ?? throw ChatException.Invalid("userId", "There is no active user with that id to assign.");
        if (conversation.Status == ConversationStatus.Assigned && conversation.AssignedUserId == assignee.Id)
        {
            return conversation.ToDto();
        }
        var previous = conversation.AssignedUser;
        var now = time.GetUtcNow();
        conversation.AssignedUserId = assignee.Id;
        conversation.AssignedUser = assignee;
        conversation.Status = ConversationStatus.Assigned;
        conversation.UpdatedAt = now;
        var records = new List<Message>
        {
            ConversationActivity.Record(conversation, caller, now,
                ConversationActivity.Assigned(caller.Name, previous?.DisplayName, assignee.DisplayName,
                    toSelf: assignee.Id == caller.Id, fromSelf: previous?.Id == caller.Id)),
        };
        if (noteBody is not null)
        {
            records.Add(ConversationActivity.Note(conversation.Id, caller, noteBody, $"transfer-note:{Guid.CreateVersion7()}", now));
        }
        db.Messages.AddRange(records);
        await db.SaveChangesAsync(ct);
        await BroadcastAsync(conversation, caller, records);
        if (previous is not null)
        {
            // The previous assignee has room again.
            await assignment.AssignWaitingAsync(ct);
        }
        return conversation.ToDto();
    }

    /// <summary>Puts an assigned conversation back in the queue: its assignee, or an admin, may do it.</summary>
    public async Task<ConversationDto> UnassignAsync(Caller caller, Guid conversationId, CancellationToken ct = default)
    {
        RequireStaff(caller);
        var conversation = await GetAccessibleAsync(caller, conversationId, ct);
        if (conversation.Status != ConversationStatus.Assigned)
        {
            return conversation.ToDto();
        }
        if (conversation.AssignedUserId != caller.Id && !caller.IsAdmin)
        {
            throw ChatException.Forbidden("Only its assignee or an admin can unassign a conversation.");
        }
        var previous = conversation.AssignedUser;
        var now = time.GetUtcNow();
        conversation.AssignedUserId = null;
        conversation.AssignedUser = null;
        conversation.Status = ConversationStatus.Open;
        conversation.UpdatedAt = now;
        var record = ConversationActivity.Record(conversation, caller, now, ConversationActivity.Unassigned(caller.Name, previous?.DisplayName, self: previous?.Id == caller.Id));
        db.Messages.Add(record);
        await db.SaveChangesAsync(ct);
        await BroadcastAsync(conversation, caller, [record]);
        return await AfterQueueChangeAsync(conversation, ct);
    }

    public async Task<ConversationDto> CloseAsync(Caller caller, Guid conversationId, CancellationToken ct = default)
    {
        RequireStaff(caller);
        var conversation = await GetAccessibleAsync(caller, conversationId, ct);
        if (conversation.Status == ConversationStatus.Closed)
        {
            return conversation.ToDto();
        }
        var now = time.GetUtcNow();
        var wasAssigned = conversation.Status == ConversationStatus.Assigned;
        conversation.Status = ConversationStatus.Closed;
        conversation.ClosedAt = now;
        conversation.UpdatedAt = now;
        var record = ConversationActivity.Record(conversation, caller, now, ConversationActivity.Closed(caller.Name));
        db.Messages.Add(record);
        await db.SaveChangesAsync(ct);
        await BroadcastAsync(conversation, caller, [record]);
        if (wasAssigned)
        {
            // Its operator has room for a waiting conversation.
            await assignment.AssignWaitingAsync(ct);
        }
        return conversation.ToDto();
    }

    /// <summary>
    /// Opens a closed conversation again: back to its operator when they are still active, otherwise to the queue
    /// (where automatic assignment may pick it up).
    /// </summary>
    public async Task<ConversationDto> ReopenAsync(Caller caller, Guid conversationId, CancellationToken ct = default)
    {
        RequireStaff(caller);
        var conversation = await GetAccessibleAsync(caller, conversationId, ct);
        if (conversation.Status != ConversationStatus.Closed)
        {
            return conversation.ToDto();
        }
        var now = time.GetUtcNow();
        var keepsAssignee = conversation.AssignedUser is { IsActive: true };
        if (!keepsAssignee)
        {
            conversation.AssignedUserId = null;
            conversation.AssignedUser = null;
        }
        conversation.Status = keepsAssignee ? ConversationStatus.Assigned : ConversationStatus.Open;
        conversation.ClosedAt = null;
        conversation.UpdatedAt = now;
        var record = ConversationActivity.Record(conversation, caller, now, ConversationActivity.Reopened(caller.Name));
        db.Messages.Add(record);
        await db.SaveChangesAsync(ct);
        await BroadcastAsync(conversation, caller, [record]);
        return await AfterQueueChangeAsync(conversation, ct);
    }

    /// <summary>A conversation went (back) to the queue: automatic assignment may take it at once; returns its state then.</summary>
    private async Task<ConversationDto> AfterQueueChangeAsync(Conversation conversation, CancellationToken ct)
    {
        if (conversation.Status == ConversationStatus.Open && (await assignment.AssignWaitingAsync(ct)).Contains(conversation.Id))
        {
            var now = await db.Conversations.AsNoTracking().Include(c => c.AssignedUser).FirstAsync(c => c.Id == conversation.Id, ct);
            return now.ToDto();
        }
        return conversation.ToDto();
    }

    /// <summary>After a change is stored: the new state to staff and the visitor, the activity records to staff only.</summary>
    private async Task BroadcastAsync(Conversation conversation, Caller actor, IEnumerable<Message> records)
    {
        await notifier.ConversationChangedAsync(conversation.ToSummary());
        foreach (var record in records)
        {
            await notifier.StaffMessageCreatedAsync(record.ToDto(conversation.VisitorName) with { SenderName = actor.Name });
        }
    }

    public async Task MarkReadAsync(Caller caller, Guid conversationId, long upToMessageId, CancellationToken ct = default)
    {
        await limits.EnforceAsync(ChatAction.Read, caller);
        var conversation = await GetAccessibleAsync(caller, conversationId, ct);
        // Read receipts count the messages both sides see: a note's id never reaches the visitor this way either.
        var upTo = await db.Messages
            .Where(m => m.ConversationId == conversationId && m.Id <= upToMessageId && !m.IsPrivate)
            .MaxAsync(m => (long?)m.Id, ct) ?? 0;
        if (caller.IsVisitor)
        {
            if (upTo <= conversation.VisitorLastReadMessageId) return;
            conversation.VisitorLastReadMessageId = upTo;
        }
        else
        {
            if (upTo <= conversation.OperatorLastReadMessageId) return;
            conversation.OperatorLastReadMessageId = upTo;
            conversation.OperatorUnreadCount = await db.Messages.CountAsync(
                m => m.ConversationId == conversationId && m.Id > upTo && m.SenderKind == SenderKind.Visitor, ct);
        }
        await db.SaveChangesAsync(ct);
        await notifier.MessagesReadAsync(new MessagesReadDto(conversationId, caller.Kind, upTo));
        if (caller.IsStaff)
        {
            await notifier.ConversationChangedAsync(conversation.ToSummary());
        }
    }

    public async Task SetTypingAsync(Caller caller, Guid conversationId, bool isTyping, string? connectionId, CancellationToken ct = default)
    {
        await limits.EnforceAsync(ChatAction.Typing, caller);
        var conversation = await GetAccessibleAsync(caller, conversationId, ct);
        if (conversation.Status == ConversationStatus.Closed && isTyping)
        {
            throw ChatException.Conflict("This conversation is closed.");
        }
        await notifier.TypingAsync(new TypingDto(conversationId, caller.Kind, caller.Name, isTyping), connectionId);
    }

    private static void RequireStaff(Caller caller)
    {
        if (!caller.IsStaff)
        {
            throw ChatException.Forbidden("Only operators and admins can do this.");
        }
    }

}
