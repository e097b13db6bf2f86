using System.Net.Mail;
using ChatApp.Api.Auth;
using ChatApp.Api.Data;
using ChatApp.Api.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Api.Services;

/// <summary>What the public widget does: start a conversation as a (new or returning) visitor and resume it.</summary>
public class WidgetService(ChatDbContext db, TokenService tokens, IChatNotifier notifier, AssignmentService assignment, TimeProvider time)
{
    public const int MaxNameLength = 100;
    public const int MaxEmailLength = 320;
    public const int MaxPageUrlLength = 2048;
    public const int MaxUserAgentLength = 512;

    /// <summary>Starts a conversation; <paramref name="returningVisitorId"/> is set when the widget already holds a visitor token.</summary>
    public async Task<WidgetSessionDto> StartAsync(
        Guid? returningVisitorId, StartConversationRequest request, string? userAgent, CancellationToken ct = default)
    {
        var name = Optional(request.Name, "name", MaxNameLength);
        var email = Optional(request.Email, "email", MaxEmailLength);
        if (email is not null && !MailAddress.TryCreate(email, out _))
        {
            throw ChatException.Invalid("email", "That e-mail address does not look right.");
        }
        var pageUrl = Optional(request.PageUrl, "pageUrl", MaxPageUrlLength);
        if (pageUrl is not null && !(Uri.TryCreate(pageUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            throw ChatException.Invalid("pageUrl", "The page URL must be an absolute http or https URL.");
        }

        var now = time.GetUtcNow();
        var visitor = returningVisitorId is { } id ? await db.Visitors.FirstOrDefaultAsync(v => v.Id == id, ct) : null;
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
            UserAgent = userAgent is { Length: > MaxUserAgentLength } ? userAgent[..MaxUserAgentLength] : userAgent,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Conversations.Add(conversation);
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

    private static string? Optional(string? value, string field, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }
        return trimmed.Length <= maxLength ? trimmed
            : throw ChatException.Invalid(field, $"The {field} may be at most {maxLength} characters.");
    }
}
