namespace ChatApp.Api.Data.Entities;

/// <summary>An outside system's URL that receives the events it subscribed to, signed with its own secret.</summary>
public class WebhookEndpoint
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Url { get; set; }
    public string? Description { get; set; }

    /// <summary>The event names it receives (<c>WebhookEvents.All</c>).</summary>
    public List<string> Events { get; set; } = [];
    public bool Enabled { get; set; } = true;

    /// <summary>The HMAC key of the signatures; shown to admins, never logged.</summary>
    public required string Secret { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>
    /// The API instance delivering to this endpoint now, until <see cref="LeaseExpiresAt"/>: one delivery in flight per
    /// endpoint across every instance, in order.
    /// </summary>
    public Guid? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
}
