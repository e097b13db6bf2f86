namespace ChatApp.Api.Data.Entities;

/// <summary>One admin action: who did what to which thing, when and from which address.</summary>
public class AuditEntry
{
    /// <summary>Database identity: the order entries were recorded in.</summary>
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>The admin who acted (null when the user was deleted since, or for actions of the system itself).</summary>
    public Guid? ActorUserId { get; set; }

    /// <summary>The actor's display name at the time.</summary>
    public string? ActorName { get; set; }

    /// <summary>What was done, as a stable name such as <c>user.created</c> (see <c>AuditActions</c>).</summary>
    public required string Action { get; set; }
    public string? TargetType { get; set; }
    public string? TargetId { get; set; }

    /// <summary>A readable name of the target at the time (a user's e-mail, a webhook's URL).</summary>
    public string? TargetName { get; set; }

    /// <summary>What changed, as a small JSON object (never a secret).</summary>
    public string? Details { get; set; }

    /// <summary>The client's IP address as the API saw it (after trusted forwarded headers).</summary>
    public string? IpAddress { get; set; }
}
