using System.Diagnostics;
using ChatApp.Api.Data;
using ChatApp.Api.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Api.Services;

/// <summary>
/// Conversations and their messages: every rule about who may read, write, assign and close lives here,
/// and both the REST endpoints and the hub call it.
/// </summary>
public class ConversationService(ChatDbContext db, IChatNotifier notifier, MessageWriter writer, IChatLimits limits, TimeProvider time)
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

    public async Task<PageDto<ConversationSummaryDto>> ListAsync(
        Caller caller, ConversationStatus? status, string? assignee, int page, int pageSize, CancellationToken ct = default)
    {
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
        var total = await query.CountAsync(ct);
        var items = await query
            .OrderByDescending(c => c.LastMessageAt ?? c.CreatedAt)
            .ThenByDescending(c => c.Id)
            .Skip((page - 1) * pageSize)
            .Take(pageSize)
            .ToListAsync(ct);
        return new PageDto<ConversationSummaryDto>([.. items.Select(c => c.ToSummary())], page, pageSize, total);
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

    private static MessageDto EnsureSameSender(MessageDto message, Caller caller)
    {
        var sameSender = caller.IsVisitor
            ? message.SenderKind == SenderKind.Visitor
            : message.SenderKind == SenderKind.Operator && message.SenderUserId == caller.Id;
        return sameSender ? message
            : throw ChatException.Conflict("This client message id is already used by another sender's message; use a new UUID.");
    }

    private async Task<Attachment> GetOwnAttachmentAsync(Caller caller, Guid attachmentId, CancellationToken ct)
    {
        var attachment = await db.Attachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == attachmentId, ct);
        var own = attachment is not null &&
            (caller.IsVisitor ? attachment.UploadedByVisitorId == caller.Id : attachment.UploadedByUserId == caller.Id);
        return own ? attachment! : throw ChatException.Invalid("attachmentId", "There is no such upload of yours to attach.");
    }

    public async Task<ConversationDto> AssignAsync(Caller caller, Guid conversationId, Guid? userId, CancellationToken ct = default)
    {
        RequireStaff(caller);
        var assigneeId = userId ?? caller.Id;
        if (assigneeId != caller.Id && !caller.IsAdmin)
        {
            throw ChatException.Forbidden("Only admins can assign a conversation to someone else.");
        }
        var conversation = await GetAccessibleAsync(caller, conversationId, ct);
        if (conversation.Status == ConversationStatus.Closed)
        {
            throw ChatException.Conflict("This conversation is closed and can no longer be assigned.");
        }
        var assignee = await db.Users.FirstOrDefaultAsync(u => u.Id == assigneeId && u.IsActive, ct)
            ?? throw ChatException.Invalid("userId", "There is no active user with that id to assign.");
        conversation.AssignedUserId = assignee.Id;
        conversation.AssignedUser = assignee;
        conversation.Status = ConversationStatus.Assigned;
        conversation.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await notifier.ConversationChangedAsync(conversation.ToSummary());
        return conversation.ToDto();
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
        conversation.Status = ConversationStatus.Closed;
        conversation.ClosedAt = now;
        conversation.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await notifier.ConversationChangedAsync(conversation.ToSummary());
        return conversation.ToDto();
    }

    public async Task MarkReadAsync(Caller caller, Guid conversationId, long upToMessageId, CancellationToken ct = default)
    {
        await limits.EnforceAsync(ChatAction.Read, caller);
        var conversation = await GetAccessibleAsync(caller, conversationId, ct);
        var lastId = await db.Messages.Where(m => m.ConversationId == conversationId).MaxAsync(m => (long?)m.Id, ct) ?? 0;
        var upTo = Math.Min(upToMessageId, lastId);
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
