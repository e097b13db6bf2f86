using ChatApp.Api.Services;
using Microsoft.AspNetCore.SignalR;

namespace ChatApp.Api.Hubs;

public class HubChatNotifier(IHubContext<ChatHub, IChatClient> hub) : IChatNotifier
{
    public Task MessageCreatedAsync(MessageDto message, ConversationSummaryDto summary) =>
        Task.WhenAll(
            hub.Clients.Group(ChatGroups.Conversation(message.ConversationId)).MessageReceived(message),
            hub.Clients.Group(ChatGroups.Operators).ConversationUpdated(summary));

    public Task ConversationChangedAsync(ConversationSummaryDto summary) =>
        Task.WhenAll(
            hub.Clients.Group(ChatGroups.Operators).ConversationUpdated(summary),
            hub.Clients.Group(ChatGroups.Visitor(summary.VisitorId)).ConversationUpdated(summary));

    public Task TypingAsync(TypingDto typing, string? exceptConnectionId)
    {
        var group = ChatGroups.Conversation(typing.ConversationId);
        var clients = exceptConnectionId is null ? hub.Clients.Group(group) : hub.Clients.GroupExcept(group, exceptConnectionId);
        return clients.TypingChanged(typing);
    }

    public Task MessagesReadAsync(MessagesReadDto read) =>
        hub.Clients.Group(ChatGroups.Conversation(read.ConversationId)).MessagesRead(read);
}
