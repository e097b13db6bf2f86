using System.Security.Claims;
using System.Text.Json;
using ChatApp.Api.Auth;
using ChatApp.Api.Data;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Api.Audit;

/// <summary>The names of the recorded admin actions (<c>thing.verb</c>), stable: filters and the admin UI use them.</summary>
public static class AuditActions
{
    public const string UserCreated = "user.created";
    public const string UserRoleChanged = "user.role_changed";
    public const string UserDeactivated = "user.deactivated";
    public const string UserReactivated = "user.reactivated";
    public const string UserPasswordReset = "user.password_reset";
    public const string CannedResponseCreated = "canned_response.created";
    public const string CannedResponseUpdated = "canned_response.updated";
    public const string CannedResponseDeleted = "canned_response.deleted";
    public const string AssignmentSettingsUpdated = "assignment_settings.updated";
    public const string WidgetSettingsUpdated = "widget_settings.updated";
    public const string IdentitySecretRotated = "widget_settings.identity_secret_rotated";
    public const string WebhookCreated = "webhook.created";
    public const string WebhookUpdated = "webhook.updated";
    public const string WebhookDeleted = "webhook.deleted";
    public const string WebhookSecretRotated = "webhook.secret_rotated";
    public const string WebhookTestSent = "webhook.test_sent";
    public const string WebhookRedelivered = "webhook.redelivered";
}

public record AuditEntryDto(
    long Id, DateTimeOffset At, Guid? ActorUserId, string? ActorName, string Action,
    string? TargetType, string? TargetId, string? TargetName, JsonElement? Details, string? IpAddress);

/// <summary>
/// Records admin actions. <see cref="Record"/> stages the entry in the request's <see cref="ChatDbContext"/>, so it is
/// stored by the same SaveChanges (one transaction) as the change it describes: no entry without the change, no change
/// without its entry. Who and from where come from the current request.
/// </summary>
public class AuditLog(ChatDbContext db, IHttpContextAccessor http, TimeProvider time)
{
    public const int MaxPageSize = 200;

    /// <summary>Call before the SaveChanges that stores the change. <paramref name="details"/> must never hold a secret.</summary>
    public void Record(string action, string? targetType = null, object? targetId = null, string? targetName = null, object? details = null)
    {
        var context = http.HttpContext;
        var user = context?.User;
        var actorId = Guid.TryParse(user?.FindFirstValue(ClaimNames.Subject), out var id) ? id : (Guid?)null;
        db.AuditEntries.Add(new AuditEntry
        {
            At = time.GetUtcNow(),
            ActorUserId = actorId,
            ActorName = Truncate(user?.FindFirstValue(ClaimNames.Name), 100),
            Action = action,
            TargetType = targetType,
            TargetId = targetId?.ToString(),
            TargetName = Truncate(targetName, 2048),
            Details = details is null ? null : JsonSerializer.Serialize(details, Webhooks.WebhookEvents.Json),
            IpAddress = context?.Connection.RemoteIpAddress?.ToString(),
        });
    }

    /// <summary>Entries newest first, filtered by action (a name, or a prefix ending with a dot: <c>user.</c>), actor, target and time.</summary>
    public async Task<PageDto<AuditEntryDto>> ListAsync(AuditQuery query, CancellationToken ct = default)
    {
        var page = query.Page ?? 1;
        var pageSize = query.PageSize ?? 50;
        if (page < 1)
        {
            throw ChatException.Invalid("page", "Pages are numbered from 1.");
        }
        if (pageSize is < 1 or > MaxPageSize)
        {
            throw ChatException.Invalid("pageSize", $"The page size must be between 1 and {MaxPageSize}.");
        }
        if (query.From is { } f && query.To is { } t && f > t)
        {
            throw ChatException.Invalid("from", "The start of the period must be before its end.");
        }
        var entries = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Action))
        {
            var action = query.Action.Trim();
            entries = action.EndsWith('.') ? entries.Where(e => e.Action.StartsWith(action)) : entries.Where(e => e.Action == action);
        }
        if (query.ActorId is { } actorId)
        {
            entries = entries.Where(e => e.ActorUserId == actorId);
        }
        if (!string.IsNullOrWhiteSpace(query.TargetId))
        {
            entries = entries.Where(e => e.TargetId == query.TargetId.Trim());
        }
        if (query.From is { } from)
        {
            entries = entries.Where(e => e.At >= from);
        }
        if (query.To is { } to)
        {
            entries = entries.Where(e => e.At < to);
        }
        var total = await entries.CountAsync(ct);
        var items = await entries.OrderByDescending(e => e.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new PageDto<AuditEntryDto>([.. items.Select(ToDto)], page, pageSize, total);
    }

    private static AuditEntryDto ToDto(AuditEntry e) => new(
        e.Id, e.At, e.ActorUserId, e.ActorName, e.Action, e.TargetType, e.TargetId, e.TargetName,
        e.Details is null ? null : JsonDocument.Parse(e.Details).RootElement.Clone(), e.IpAddress);

    private static string? Truncate(string? value, int max) => value is { Length: > 0 } && value.Length > max ? value[..max] : value;
}

public record AuditQuery(string? Action, Guid? ActorId, string? TargetId, DateTimeOffset? From, DateTimeOffset? To, int? Page, int? PageSize);
