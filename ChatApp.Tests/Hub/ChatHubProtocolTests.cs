using ChatApp.Api.Data.Entities;
using ChatApp.Tests.Infrastructure;

namespace ChatApp.Tests.Hub;

/// <summary>The hub speaks MessagePack to clients that ask for it, and JSON to the others, in the same conversation.</summary>
[Collection(ApiCollection.Name)]
public class ChatHubProtocolTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task SendMessage_BetweenMessagePackAndJsonClients_EachReceivesTheSameMessagesInOrder()
    {
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        var operatorUser = await api.CreateUserAsync(UserRole.Operator, "Olga Operator");
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken, messagePack: true);
        await using var staff = await HubTestClient.ConnectAsync(api, operatorUser.Token);
        await staff.JoinAsync(conversationId);

        var sent = new[]
        {
            await visitor.SendAsync(conversationId, "from MessagePack"),
            await staff.SendAsync(conversationId, "from JSON"),
            await visitor.SendAsync(conversationId, "from MessagePack again"),
        };

        var visitorSaw = await visitor.Messages.NextAsync(sent.Length);
        var staffSaw = await staff.Messages.NextAsync(sent.Length);
        Assert.Equal(sent.Select(m => (m.Id, m.Body, m.SenderKind, m.SenderName)), visitorSaw.Select(m => (m.Id, m.Body, m.SenderKind, m.SenderName)));
        Assert.Equal(sent.Select(m => (m.Id, m.Body, m.SenderKind, m.SenderName)), staffSaw.Select(m => (m.Id, m.Body, m.SenderKind, m.SenderName)));
        Assert.Equal(SenderKind.Operator, visitorSaw[1].SenderKind);
        Assert.Equal("Olga Operator", visitorSaw[1].SenderName);
        Assert.Equal(staffSaw[1].CreatedAt, visitorSaw[1].CreatedAt);

        // History over MessagePack is the same as what was delivered.
        var history = await visitor.GetMessagesAfterAsync(conversationId, 0);
        Assert.Equal(sent.Select(m => m.Id), history.Select(m => m.Id));
    }

    [Fact]
    public async Task InboxPreviewsAndHistory_ToAStaffMessagePackClient_ArriveAndKeepItsConnection()
    {
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        var operatorUser = await api.CreateUserAsync(UserRole.Operator, "Olga Operator");
        await using var staff = await HubTestClient.ConnectAsync(api, operatorUser.Token, messagePack: true);
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);
        await staff.JoinAsync(conversationId);

        var first = await visitor.SendAsync(conversationId, "Is this in stock?");
        var preview = await staff.Updates.NextAsync(u => u.Id == conversationId && u.LastMessagePreview == "Is this in stock?");
        Assert.Equal(1, preview.UnreadCount);

        // The connection is still the same one: the next message and the history reach it, and it never closed.
        var second = await visitor.SendAsync(conversationId, "And in blue?");
        var seen = await staff.Messages.NextAsync(2);
        Assert.Equal([first.Id, second.Id], seen.Select(m => m.Id));
        var history = await staff.GetMessagesAfterAsync(conversationId, 0);
        Assert.Equal([first.Id, second.Id], history.Select(m => m.Id));
        Assert.Empty(staff.States.All);
    }
}
