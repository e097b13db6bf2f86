namespace ChatApp.Api.Data.Entities;

/// <summary>A saved reply that operators insert by typing <c>/shortcut</c> in the composer.</summary>
public class CannedResponse
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Lower case letters, digits, '-' and '_'; unique.</summary>
    public required string Shortcut { get; set; }
    public required string Title { get; set; }
    public required string Body { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}
