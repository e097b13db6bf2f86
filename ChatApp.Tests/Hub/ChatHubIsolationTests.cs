using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;

namespace ChatApp.Tests.Hub;

/// <summary>
/// A visitor hears only its own conversation, and never the operators' inbox traffic. Each test ends with a
/// fence (the visitor's own message echoed back): whatever leaked would have arrived before it.
/// </summary>
[Collection(ApiCollection.Name)]
public class ChatHubIsolationTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Visitor_NeverReceivesAnotherConversationsMessagesTypingOrReadReceipts()
    {
        var a = await api.StartWidgetAsync("Alice");
        var b = await api.StartWidgetAsync("Bob");
        var operatorUser = await api.CreateUserAsync();
        await using var visitorA = await HubTestClient.ConnectAsync(api, a.VisitorToken);
        await using var visitorB = await HubTestClient.ConnectAsync(api, b.VisitorToken);
        await using var staff = await HubTestClient.ConnectAsync(api, operatorUser.Token);
        await staff.JoinAsync(a.Conversation.Id);
        await staff.JoinAsync(b.Conversation.Id);

        var fromA = await visitorA.SendAsync(a.Conversation.Id, "Alice's secret");
        await visitorA.SetTypingAsync(a.Conversation.Id, true);
        await staff.MarkReadAsync(a.Conversation.Id, fromA.Id);
        await staff.SetTypingAsync(a.Conversation.Id, true);
        var toA = await staff.SendAsync(a.Conversation.Id, "Reply for Alice");
        await visitorA.MarkReadAsync(a.Conversation.Id, toA.Id);

        // A's conversation got all of it, so the events were really sent...
        Assert.Equal([fromA.Id, toA.Id], (await visitorA.Messages.NextAsync(2)).Select(m => m.Id));
        Assert.Equal(SenderKind.Operator, (await visitorA.Typing.NextAsync()).SenderKind);
        Assert.Equal(SenderKind.Visitor, (await staff.Typing.NextAsync()).SenderKind);
        Assert.Equal(new MessagesReadDto(a.Conversation.Id, SenderKind.Operator, fromA.Id), await visitorA.Reads.NextAsync());
        Assert.Equal(new MessagesReadDto(a.Conversation.Id, SenderKind.Visitor, toA.Id), await staff.Reads.NextAsync(r => r.ReaderKind == SenderKind.Visitor));
        // ...and none of it reached B.
        await visitorB.FenceAsync(b.Conversation.Id);
        visitorB.Typing.AssertNonePending();
        visitorB.Reads.AssertNonePending();
        Assert.DoesNotContain(visitorB.Updates.All, u => u.Id == a.Conversation.Id);
    }

    [Fact]
    public async Task Visitor_NeverReceivesOperatorOnlyConversationUpdates()
    {
        var a = await api.StartWidgetAsync("Alice");
        var b = await api.StartWidgetAsync("Bob");
        var operatorUser = await api.CreateUserAsync();
        await using var visitorA = await HubTestClient.ConnectAsync(api, a.VisitorToken);
        await using var visitorB = await HubTestClient.ConnectAsync(api, b.VisitorToken);
        await using var staff = await HubTestClient.ConnectAsync(api, operatorUser.Token);
        using var rest = api.Client(operatorUser.Token);

        // Inbox traffic of every kind: a new conversation, message previews, assignment, closing.
        var c = await api.StartWidgetAsync("Carol");
        await visitorA.SendAsync(a.Conversation.Id, "Alice asks");
        await visitorB.SendAsync(b.Conversation.Id, "Bob asks");
        await (await rest.PostAsync($"/api/conversations/{a.Conversation.Id}/assign", null)).ReadAsync<ConversationDto>();
        await (await rest.PostAsync($"/api/conversations/{a.Conversation.Id}/close", null)).ReadAsync<ConversationDto>();

        // Operators saw all of it.
        await staff.Updates.NextAsync(u => u.Id == c.Conversation.Id);
        await staff.Updates.NextAsync(u => u.Id == b.Conversation.Id && u.LastMessagePreview == "Bob asks");
        await staff.Updates.NextAsync(u => u.Id == a.Conversation.Id && u.Status == ConversationStatus.Closed);
        // A hears its own conversation's status changes, and only those.
        Assert.Equal(ConversationStatus.Assigned, (await visitorA.Updates.NextAsync()).Status);
        Assert.Equal(ConversationStatus.Closed, (await visitorA.Updates.NextAsync()).Status);

        // B heard nothing from the inbox: no other conversation, not even the preview of its own message.
        await visitorB.Messages.NextAsync(m => m.Body == "Bob asks");
        await visitorB.FenceAsync(b.Conversation.Id);
        Assert.Empty(visitorB.Updates.All);
        Assert.All(visitorA.Updates.All, u => Assert.Equal(a.Conversation.Id, u.Id));
    }
}
