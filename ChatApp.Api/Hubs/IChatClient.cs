using ChatApp.Api.Services;

namespace ChatApp.Api.Hubs;

/// <summary>The callbacks the hub invokes on its clients (the names are the wire contract).</summary>
public interface IChatClient
{
    /// <summary>
    /// A stored message, sent to its conversation's group; a private note or activity record (<c>isPrivate</c>) only to
    /// the conversation's staff group.
    /// </summary>
    Task MessageReceived(MessageDto message);

    /// <summary>Someone started or stopped typing in a conversation.</summary>
    Task TypingChanged(TypingDto typing);

    /// <summary>The visitor or the staff read a conversation up to a message id.</summary>
    Task MessagesRead(MessagesReadDto read);

    /// <summary>A conversation was created, assigned, closed or read (staff), or changed status (its visitor).</summary>
    Task ConversationUpdated(ConversationSummaryDto summary);

    /// <summary>Staff only: the latest summaries of the conversations that got new messages, a few times a second.</summary>
    Task ConversationsUpdated(IReadOnlyList<ConversationSummaryDto> summaries);

    /// <summary>Staff only: a colleague became online, away or offline.</summary>
    Task PresenceChanged(PresenceDto presence);

    /// <summary>
    /// Live events may have been missed (this connection's API instance lost Redis for a while, so it heard nothing
    /// from the others): fetch what is missing, as after a reconnect.
    /// </summary>
    Task Resync();
}

public static class ChatGroups
{
    public const string Operators = "operators";
    public static string Conversation(Guid id) => $"conversation:{id}";

    /// <summary>The staff following a conversation, without its visitor: where private notes go.</summary>
    public static string ConversationStaff(Guid id) => $"conversation:{id}:staff";
    public static string Visitor(Guid id) => $"visitor:{id}";
}
