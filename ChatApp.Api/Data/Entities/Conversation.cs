namespace ChatApp.Api.Data.Entities;

public enum ConversationStatus
{
    /// <summary>Waiting for an operator: nobody is assigned.</summary>
    Open,
    Assigned,
    Closed
}

public class Conversation
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid VisitorId { get; set; }
    public Visitor Visitor { get; set; } = null!;
    public ConversationStatus Status { get; set; } = ConversationStatus.Open;
    public Guid? AssignedUserId { get; set; }
    public User? AssignedUser { get; set; }

    // Visitor context captured when the conversation starts.
    public string? VisitorName { get; set; }
    public string? VisitorEmail { get; set; }
    public string? PageUrl { get; set; }
    public string? UserAgent { get; set; }

    /// <summary>Left for the team when nobody was available (outside business hours or no operator online).</summary>
    public bool IsOfflineMessage { get; set; }

    /// <summary>The visitor's rating, 1 to 5, given once after the conversation was closed.</summary>
    public int? RatingScore { get; set; }
    public string? RatingComment { get; set; }
    public DateTimeOffset? RatedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? LastMessageAt { get; set; }
    public string? LastMessagePreview { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>Highest message id the visitor has read; unread counts are measured from it.</summary>
    public long VisitorLastReadMessageId { get; set; }

    /// <summary>Highest message id any staff member has read.</summary>
    public long OperatorLastReadMessageId { get; set; }

    /// <summary>Visitor messages no staff member has read yet; kept up to date by the message insert itself.</summary>
    public int OperatorUnreadCount { get; set; }

    /// <summary>The visitor's name and e-mail for full-text search (a stored generated column with a GIN index).</summary>
    public NpgsqlTypes.NpgsqlTsVector SearchVector { get; set; } = null!;
}
