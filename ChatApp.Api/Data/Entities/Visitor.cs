namespace ChatApp.Api.Data.Entities;

/// <summary>A widget user, anonymous or identified by the name and e-mail it gave.</summary>
public class Visitor
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string? Name { get; set; }
    public string? Email { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset LastSeenAt { get; set; } = DateTimeOffset.UtcNow;
}
