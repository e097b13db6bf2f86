namespace ChatApp.Api.Services;

/// <summary>Tells connected clients what changed. Called only after the change is stored.</summary>
public interface IChatNotifier
{
    /// <summary>A new message: to its conversation, and a preview to all staff.</summary>
    Task MessageCreatedAsync(MessageDto message, ConversationSummaryDto summary);

    /// <summary>
    /// A stored message sent again (its sender resent it): to its conversation once more, since the sender cannot know
    /// whether the first delivery happened. Clients keep one copy per id.
    /// </summary>
    Task MessageResentAsync(MessageDto message);

    /// <summary>A conversation was created, assigned or closed: to all staff and to its visitor.</summary>
    Task ConversationChangedAsync(ConversationSummaryDto summary);

    /// <summary>A private note or an activity record: to the staff following its conversation, never to its visitor.</summary>
    Task StaffMessageCreatedAsync(MessageDto message);

    /// <summary>A staff member's availability changed: to all staff.</summary>
    Task PresenceChangedAsync(PresenceDto presence);

    Task TypingAsync(TypingDto typing, string? exceptConnectionId);

    Task MessagesReadAsync(MessagesReadDto read);
}
