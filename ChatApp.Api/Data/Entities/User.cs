namespace ChatApp.Api.Data.Entities;

/// <summary>The availability an operator chooses; whoever has no live connection is offline whatever they chose.</summary>
public enum PresenceStatus
{
    Online,
    Away,
    Offline
}

public enum UserRole
{
    Operator,
    Admin
}

/// <summary>An operator or admin who answers visitors from the admin UI.</summary>
public class User
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Email { get; set; }
    public required string DisplayName { get; set; }
    public required string PasswordHash { get; set; }
    public UserRole Role { get; set; } = UserRole.Operator;
    public bool IsActive { get; set; } = true;

    /// <summary>What the operator chose; <see cref="Services.PresenceService"/> combines it with the live connections.</summary>
    public PresenceStatus Presence { get; set; } = PresenceStatus.Online;

    /// <summary>Browser notifications and sounds for new conversations and messages (the operator's own choice).</summary>
    public bool NotificationsEnabled { get; set; } = true;

    /// <summary>Changes with the password: tokens carry it, so those issued before a change stop working.</summary>
    public Guid SecurityStamp { get; set; } = Guid.NewGuid();
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}
