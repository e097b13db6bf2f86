using System.Net.Mail;
using ChatApp.Api.Auth;
using ChatApp.Api.Data;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Settings;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ChatApp.Api.Services;

/// <summary>
/// What the public widget does: start a conversation as a (new or returning) visitor, following the pre-chat settings
/// and the team's availability (an offline message when nobody is there), resume it, and verify a signed-in customer.
/// A new conversation, an offline message too, goes through automatic assignment when the admins turned it on.
/// </summary>
public class WidgetService(
    ChatDbContext db, TokenService tokens, IChatNotifier notifier, TimeProvider time,
    WidgetSettingsService settings, AvailabilityService availability, AssignmentService assignment)
{
    public const int MaxNameLength = 100;
    public const int MaxEmailLength = 320;
    public const int MaxPageUrlLength = 2048;
    public const int MaxUserAgentLength = 512;
    public const int MaxListedConversations = 50;

    /// <summary>Starts a conversation; <paramref name="returningVisitorId"/> is set when the widget already holds a visitor token.</summary>
    public async Task<WidgetSessionDto> StartAsync(
        Guid? returningVisitorId, StartConversationRequest request, string? userAgent, CancellationToken ct = default)
    {
        var name = TextRules.OptionalName(request.Name, "name", "name", MaxNameLength);
        var email = OptionalEmail(request.Email);
        var pageUrl = Optional(request.PageUrl, "pageUrl", MaxPageUrlLength);
        if (pageUrl is not null && !(Uri.TryCreate(pageUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            throw ChatException.Invalid("pageUrl", "The page URL must be an absolute http or https URL.");
        }
        var body = Optional(request.Message, "message", MessageRules.MaxBodyLength, multiline: true);

        var current = await settings.GetAsync(ct);
        var away = (await availability.GetAsync(current, ct)).Status == AvailabilityStatus.Away;
        var now = time.GetUtcNow();
        var visitor = returningVisitorId is { } id ? await db.Visitors.FirstOrDefaultAsync(v => v.Id == id, ct) : null;
        RequirePreChat(current.Settings, away, name ?? visitor?.Name, email ?? visitor?.Email, body);

        if (visitor is null)
        {
            visitor = new Visitor { CreatedAt = now };
            db.Visitors.Add(visitor);
        }
        visitor.Name = name ?? visitor.Name;
        visitor.Email = email ?? visitor.Email;
        visitor.LastSeenAt = now;

        var conversation = new Conversation
        {
            Visitor = visitor,
            VisitorName = visitor.Name,
            VisitorEmail = visitor.Email,
            PageUrl = pageUrl,
            UserAgent = string.IsNullOrEmpty(userAgent) ? null : TextRules.Truncate(TextRules.Storable(userAgent), MaxUserAgentLength),
            IsOfflineMessage = away,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Conversations.Add(conversation);
        if (body is not null)
        {
            // The first message is stored with the conversation, in the same transaction.
            db.Messages.Add(new Message
            {
                Conversation = conversation,
                SenderKind = SenderKind.Visitor,
                Body = body,
                ClientMessageId = Guid.CreateVersion7().ToString(),
                CreatedAt = now,
            });
            conversation.LastMessageAt = now;
            conversation.LastMessagePreview = MessageRules.Preview(body, null);
            conversation.OperatorUnreadCount = 1;
        }
        await db.SaveChangesAsync(ct);

        await notifier.ConversationChangedAsync(conversation.ToSummary());
        var started = conversation.ToDto();
        if ((await assignment.AssignWaitingAsync(ct)).Contains(conversation.Id))
        {
            started = (await db.Conversations.AsNoTracking().Include(c => c.AssignedUser).FirstAsync(c => c.Id == conversation.Id, ct)).ToDto();
        }
        return new WidgetSessionDto(tokens.ForVisitor(visitor).Token, visitor.Id, started);
    }

    /// <summary>The visitor's latest conversation with a fresh token, or null when it has none.</summary>
    public async Task<WidgetSessionDto?> ResumeAsync(Guid visitorId, CancellationToken ct = default)
    {
        var visitor = await db.Visitors.FirstOrDefaultAsync(v => v.Id == visitorId, ct);
        if (visitor is null)
        {
            return null;
        }
        var conversation = await db.Conversations
            .Include(c => c.AssignedUser)
            .Where(c => c.VisitorId == visitorId)
            .OrderByDescending(c => c.CreatedAt)
            .FirstOrDefaultAsync(ct);
        if (conversation is null)
        {
            return null;
        }
        visitor.LastSeenAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return new WidgetSessionDto(tokens.ForVisitor(visitor).Token, visitor.Id, conversation.ToDto());
    }

    /// <summary>The visitor's conversations, newest first (a verified customer's from every device).</summary>
    public async Task<IReadOnlyList<ConversationSummaryDto>> ListAsync(Guid visitorId, CancellationToken ct = default)
    {
        var conversations = await db.Conversations.AsNoTracking()
            .Include(c => c.AssignedUser)
            .Where(c => c.VisitorId == visitorId)
            .OrderByDescending(c => c.CreatedAt)
            .Take(MaxListedConversations)
            .ToListAsync(ct);
        return [.. conversations.Select(c => c.ToSummary())];
    }

    /// <summary>
    /// The pre-chat fields the admins made required; when the team is away, an e-mail address (to answer to) and the
    /// message are required too.
    /// </summary>
    private static void RequirePreChat(WidgetSettings settings, bool away, string? name, string? email, string? message)
    {
        var errors = new Dictionary<string, string[]>();
        if (settings.NameField == PreChatField.Required && name is null)
        {
            errors["name"] = ["Please tell us your name."];
        }
        if (email is null && (away || settings.EmailField == PreChatField.Required))
        {
            errors["email"] = [away
                ? "Nobody is available right now: leave your e-mail address and we will answer you there."
                : "Please give your e-mail address."];
        }
        if (away && message is null)
        {
            errors["message"] = ["Nobody is available right now: write your message and we will answer by e-mail."];
        }
        if (errors.Count > 0)
        {
            throw new ChatException(ChatError.Invalid, string.Join(" ", errors.Values.SelectMany(e => e)), errors);
        }
    }

    /// <summary>
    /// Verifies a signed-in customer and returns a token for its visitor: the one already known by that identifier
    /// (from any device), or the calling anonymous visitor, which becomes it. An anonymous caller's conversations move
    /// to the identified visitor. A wrong hash changes nothing.
    /// </summary>
    public async Task<WidgetIdentityDto> IdentifyAsync(Guid? callerVisitorId, IdentifyVisitorRequest request, CancellationToken ct = default)
    {
        var identifier = request.Identifier?.Trim();
        if (string.IsNullOrEmpty(identifier) || identifier.Length > VisitorIdentity.MaxIdentifierLength)
        {
            throw ChatException.Invalid("identifier", $"The identifier is required, at most {VisitorIdentity.MaxIdentifierLength} characters.");
        }
        if (!VisitorIdentity.Verify(identifier, request.IdentifierHash, await settings.GetIdentitySecretAsync(ct)))
        {
            throw new ChatException(ChatError.Unauthorized,
                "The identity could not be verified: identifierHash must be the hex HMAC-SHA256 of the identifier with the identity secret.");
        }
        var name = TextRules.OptionalName(request.Name, "name", "name", MaxNameLength);
        var email = OptionalEmail(request.Email);

        try
        {
            return await IdentifyOnceAsync(callerVisitorId, identifier, name, email, ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The same customer was identified on another device at the same moment: that visitor now exists.
            db.ChangeTracker.Clear();
            return await IdentifyOnceAsync(callerVisitorId, identifier, name, email, ct);
        }
    }

    private Task<WidgetIdentityDto> IdentifyOnceAsync(Guid? callerVisitorId, string identifier, string? name, string? email, CancellationToken ct) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var now = time.GetUtcNow();
            var identified = await db.Visitors.FirstOrDefaultAsync(v => v.Identifier == identifier, ct);
            var caller = callerVisitorId is { } id ? await db.Visitors.FirstOrDefaultAsync(v => v.Id == id, ct) : null;
            var anonymousCaller = caller is { Identifier: null } ? caller : null;
            if (identified is null)
            {
                identified = anonymousCaller ?? db.Visitors.Add(new Visitor { CreatedAt = now }).Entity;
                identified.Identifier = identifier;
            }
            else if (anonymousCaller is not null && anonymousCaller.Id != identified.Id)
            {
                await db.Conversations.Where(c => c.VisitorId == anonymousCaller.Id)
                    .ExecuteUpdateAsync(set => set.SetProperty(c => c.VisitorId, identified.Id), ct);
                await db.Attachments.Where(a => a.UploadedByVisitorId == anonymousCaller.Id)
                    .ExecuteUpdateAsync(set => set.SetProperty(a => a.UploadedByVisitorId, identified.Id), ct);
                db.Visitors.Remove(anonymousCaller);
            }
            identified.Name = name ?? identified.Name;
            identified.Email = email ?? identified.Email;
            identified.LastSeenAt = now;
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return new WidgetIdentityDto(tokens.ForVisitor(identified).Token, identified.Id);
        });

    private static string? OptionalEmail(string? value)
    {
        var email = Optional(value, "email", MaxEmailLength);
        return email is null || MailAddress.TryCreate(email, out _) ? email
            : throw ChatException.Invalid("email", "That e-mail address does not look right.");
    }

    /// <summary>The shared input rules (<see cref="TextRules"/>): no control characters, within the column.</summary>
    private static string? Optional(string? value, string field, int maxLength, bool multiline = false) =>
        string.IsNullOrWhiteSpace(value) ? null : TextRules.Check(value, field, field, maxLength, multiline);
}
