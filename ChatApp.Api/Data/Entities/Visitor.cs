namespace ChatApp.Api.Data.Entities;

/// <summary>A widget user: anonymous, or a site's signed-in customer once its identity was verified.</summary>
public class Visitor
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string? Name { get; set; }
    public string? Email { get; set; }

    /// <summary>
    /// The site's own id for a signed-in customer, set only after its HMAC was verified; a verified visitor reaches
    /// its conversations from any device.
    /// </summary>
    public string? Identifier { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset LastSeenAt { get; set; } = DateTimeOffset.UtcNow;
}
