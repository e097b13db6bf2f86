using ChatApp.Api.Data.Entities;

namespace ChatApp.Api.Services;

/// <summary>
/// The records of what happened to a conversation (assigned, unassigned, closed, reopened) and the notes that appear in
/// its thread for staff, and the one rule of who sees which messages.
/// </summary>
public static class ConversationActivity
{
    /// <summary>
    /// The messages a caller may see: a visitor never gets a private note or an activity record. Every read of messages
    /// that can reach a visitor (history, resume, transcripts) goes through this.
    /// </summary>
    public static IQueryable<Message> VisibleTo(this IQueryable<Message> messages, Caller caller) =>
        caller.IsStaff ? messages : messages.Where(m => !m.IsPrivate);

    /// <summary>An activity record, private to staff, by <paramref name="actor"/> (null: done automatically).</summary>
    public static Message Record(Conversation conversation, Caller? actor, DateTimeOffset at, string text) => new()
    {
        ConversationId = conversation.Id,
        SenderKind = SenderKind.System,
        SenderUserId = actor is { IsStaff: true } ? actor.Id : null,
        Body = text,
        // Generated, so each record is stored once like any other message.
        ClientMessageId = $"activity:{Guid.CreateVersion7()}",
        IsPrivate = true,
        CreatedAt = at,
    };

    /// <summary>A private note by <paramref name="author"/>, stored once per <paramref name="clientMessageId"/>.</summary>
    public static Message Note(Guid conversationId, Caller author, string body, string clientMessageId, DateTimeOffset at) => new()
    {
        ConversationId = conversationId,
        SenderKind = SenderKind.Operator,
        SenderUserId = author.Id,
        Body = body,
        ClientMessageId = clientMessageId,
        IsPrivate = true,
        CreatedAt = at,
    };

    public static string Assigned(string? actor, string? previous, string assignee, bool toSelf, bool fromSelf) =>
        (previous, toSelf, fromSelf) switch
        {
            (null, true, _) => $"{Name(actor)} assigned the conversation to themselves.",
            (null, false, _) => $"{Name(actor)} assigned the conversation to {assignee}.",
            (_, true, _) => $"{Name(actor)} took the conversation over from {previous}.",
            (_, false, true) => $"{Name(actor)} transferred the conversation to {assignee}.",
            _ => $"{Name(actor)} reassigned the conversation from {previous} to {assignee}.",
        };

    public static string AssignedAutomatically(string assignee) => $"The conversation was assigned to {assignee} automatically.";

    public static string Unassigned(string? actor, string? previous, bool self) =>
        self || previous is null ? $"{Name(actor)} unassigned the conversation." : $"{Name(actor)} unassigned {previous} from the conversation.";

    public static string Closed(string? actor) => $"{Name(actor)} closed the conversation.";

    public static string Reopened(string? actor) => $"{Name(actor)} reopened the conversation.";

    private static string Name(string? actor) => string.IsNullOrWhiteSpace(actor) ? "Someone" : actor;
}
