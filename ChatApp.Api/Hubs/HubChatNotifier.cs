using ChatApp.Api.Services;
using Microsoft.AspNetCore.SignalR;

namespace ChatApp.Api.Hubs;

public class HubChatNotifier(IHubContext<ChatHub, IChatClient> hub, PreviewBroadcaster previews) : IChatNotifier
{
    public Task MessageCreatedAsync(MessageDto message, ConversationSummaryDto summary)
    {
        previews.Enqueue(summary);
        return hub.Clients.Group(ChatGroups.Conversation(message.ConversationId)).MessageReceived(message);
    }

    public Task MessageResentAsync(MessageDto message) =>
        hub.Clients.Group(ChatGroups.Conversation(message.ConversationId)).MessageReceived(message);

    public Task ConversationChangedAsync(ConversationSummaryDto summary) =>
        Task.WhenAll(
            hub.Clients.Group(ChatGroups.Operators).ConversationUpdated(summary),
            hub.Clients.Group(ChatGroups.Visitor(summary.VisitorId)).ConversationUpdated(summary));

    public Task StaffMessageCreatedAsync(MessageDto message) =>
        hub.Clients.Group(ChatGroups.ConversationStaff(message.ConversationId)).MessageReceived(message);

    public Task PresenceChangedAsync(PresenceDto presence) =>
        hub.Clients.Group(ChatGroups.Operators).PresenceChanged(presence);

    public Task TypingAsync(TypingDto typing, string? exceptConnectionId)
    {
        var group = ChatGroups.Conversation(typing.ConversationId);
        var clients = exceptConnectionId is null ? hub.Clients.Group(group) : hub.Clients.GroupExcept(group, exceptConnectionId);
        return clients.TypingChanged(typing);
    }

    public Task MessagesReadAsync(MessagesReadDto read) =>
        hub.Clients.Group(ChatGroups.Conversation(read.ConversationId)).MessagesRead(read);
}
