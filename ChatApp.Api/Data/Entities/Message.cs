namespace ChatApp.Api.Data.Entities;

public enum SenderKind
{
    Visitor,
    Operator,
    System
}

public class Message
{
    /// <summary>Database identity: gives the order and the resume cursor.</summary>
    public long Id { get; set; }
    public Guid ConversationId { get; set; }
    public Conversation Conversation { get; set; } = null!;
    public SenderKind SenderKind { get; set; }
    public Guid? SenderUserId { get; set; }
    public User? SenderUser { get; set; }
    public required string Body { get; set; }
    public Guid? AttachmentId { get; set; }
    public Attachment? Attachment { get; set; }

    /// <summary>
    /// A private note or an activity record (assigned, closed, …): staff only. A visitor never receives one, by any
    /// path; it never changes the conversation's preview, activity time or unread count.
    /// </summary>
    public bool IsPrivate { get; set; }

    /// <summary>Chosen by the client; unique per conversation, so a resent message is stored once.</summary>
    public required string ClientMessageId { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
