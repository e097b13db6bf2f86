using System.Net.Http.Json;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;

namespace ChatApp.Tests.Hub;

/// <summary>Messages, typing, read receipts and live inbox updates between real hub clients.</summary>
[Collection(ApiCollection.Name)]
public class ChatHubMessagingTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task SendMessage_BothWays_EachSideReceivesEveryMessageOnceInOrderAndAllAreStored()
    {
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        var operatorUser = await api.CreateUserAsync(UserRole.Operator, "Olga Operator");
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);
        await using var staff = await HubTestClient.ConnectAsync(api, operatorUser.Token);
        await staff.JoinAsync(conversationId);

        var sent = new List<MessageDto>();
        for (var i = 0; i < 5; i++)
        {
            sent.Add(await visitor.SendAsync(conversationId, $"visitor {i}"));
            sent.Add(await staff.SendAsync(conversationId, $"operator {i}"));
        }

        var visitorSaw = await visitor.Messages.NextAsync(sent.Count);
        var staffSaw = await staff.Messages.NextAsync(sent.Count);
        Assert.Equal(sent.Select(m => m.Id), visitorSaw.Select(m => m.Id));
        Assert.Equal(sent.Select(m => m.Id), staffSaw.Select(m => m.Id));
        Assert.True(sent.Select(m => m.Id).SequenceEqual(sent.Select(m => m.Id).Order()), "ids must grow in sending order");
        Assert.Equal(sent.Select(m => m.Body), visitorSaw.Select(m => m.Body));

        var last = staffSaw[^1];
        Assert.Equal(SenderKind.Operator, last.SenderKind);
        Assert.Equal(operatorUser.Id, last.SenderUserId);
        Assert.Equal("Olga Operator", last.SenderName);
        Assert.Equal(SenderKind.Visitor, visitorSaw[0].SenderKind);
        Assert.Null(visitorSaw[0].SenderUserId);
        Assert.Equal("Vera Visitor", visitorSaw[0].SenderName);

        var stored = await api.StoredMessagesAsync(conversationId);
        Assert.Equal(sent.Select(m => (m.Id, m.Body, m.ClientMessageId, m.SenderKind)),
            stored.Select(m => (m.Id, m.Body, m.ClientMessageId, m.SenderKind)));

        // Nothing more is on its way: a fence proves no duplicate follows on either side.
        var fence = await visitor.FenceAsync(conversationId);
        Assert.Equal(fence.Id, (await staff.Messages.NextAsync()).Id);
    }

    [Fact]
    public async Task SendMessage_InSimultaneousBursts_EachMessageArrivesOnceAndEachSendersOrderIsKept()
    {
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        var operatorUser = await api.CreateUserAsync();
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);
        await using var staff = await HubTestClient.ConnectAsync(api, operatorUser.Token);
        await staff.JoinAsync(conversationId);

        const int perSide = 10;
        var visitorSends = Enumerable.Range(0, perSide).Select(i => visitor.SendAsync(conversationId, $"v{i}")).ToList();
        var staffSends = Enumerable.Range(0, perSide).Select(i => staff.SendAsync(conversationId, $"o{i}")).ToList();
        var sent = (await Task.WhenAll(visitorSends.Concat(staffSends))).ToList();

        foreach (var client in new[] { visitor, staff })
        {
            var received = await client.Messages.NextAsync(2 * perSide);
            Assert.Equal(sent.Select(m => m.Id).Order(), received.Select(m => m.Id).Order());
            // Across senders, clients sort by id; within one sender, arrival order is sending order.
            Assert.Equal(Enumerable.Range(0, perSide).Select(i => $"v{i}"),
                received.Where(m => m.SenderKind == SenderKind.Visitor).Select(m => m.Body));
            Assert.Equal(Enumerable.Range(0, perSide).Select(i => $"o{i}"),
                received.Where(m => m.SenderKind == SenderKind.Operator).Select(m => m.Body));
        }

        var stored = await api.StoredMessagesAsync(conversationId);
        Assert.Equal(sent.Select(m => m.Id).Order(), stored.Select(m => m.Id));
    }

    [Fact]
    public async Task NewConversation_AppearsLiveToOperatorsWithItsFirstMessage()
    {
        var operatorUser = await api.CreateUserAsync();
        await using var staff = await HubTestClient.ConnectAsync(api, operatorUser.Token);

        var session = await api.StartWidgetAsync("Nina Newcomer");
        var conversationId = session.Conversation.Id;

        var created = await staff.Updates.NextAsync();
        Assert.Equal(conversationId, created.Id);
        Assert.Equal(ConversationStatus.Open, created.Status);
        Assert.Equal("Nina Newcomer", created.VisitorName);
        Assert.Null(created.LastMessagePreview);

        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);
        var first = await visitor.SendAsync(conversationId, "Hello, is anyone there?");

        var preview = await staff.Updates.NextAsync();
        Assert.Equal(conversationId, preview.Id);
        Assert.Equal("Hello, is anyone there?", preview.LastMessagePreview);
        Assert.Equal(1, preview.UnreadCount);
        Assert.Equal(first.CreatedAt, preview.LastMessageAt);

        // Opening the conversation shows the first message, and later ones arrive live.
        var opened = await staff.JoinAsync(conversationId);
        Assert.Equal(conversationId, opened.Id);
        var history = await staff.GetMessagesAfterAsync(conversationId, 0);
        Assert.Equal([first.Id], history.Select(m => m.Id));
        var second = await visitor.SendAsync(conversationId, "I need help with my order.");
        Assert.Equal(second.Id, (await staff.Messages.NextAsync()).Id);
    }

    [Fact]
    public async Task SendMessage_OverRest_ReachesHubClients_AndAResendDeliversItAgain()
    {
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        var operatorUser = await api.CreateUserAsync();
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);

        using var rest = api.Client(operatorUser.Token);
        var request = new SendMessageRequest(Guid.NewGuid().ToString(), "Sent from the REST API", null);
        var stored = await (await rest.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", request, TestJson.Options))
            .ReadAsync<MessageDto>();
        var resent = await (await rest.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", request, TestJson.Options))
            .ReadAsync<MessageDto>();
        Assert.Equal(stored.Id, resent.Id);

        var received = await visitor.Messages.NextAsync();
        Assert.Equal(stored.Id, received.Id);
        Assert.Equal("Sent from the REST API", received.Body);
        Assert.Equal(stored.Id, (await visitor.Messages.NextAsync()).Id);
        await visitor.FenceAsync(conversationId);
    }

    [Fact]
    public async Task SetTyping_ReachesTheOtherSideButNotTheSender()
    {
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        var operatorUser = await api.CreateUserAsync(UserRole.Operator, "Tom Typist");
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);
        await using var staff = await HubTestClient.ConnectAsync(api, operatorUser.Token);
        await staff.JoinAsync(conversationId);

        await visitor.SetTypingAsync(conversationId, true);
        var visitorTyping = await staff.Typing.NextAsync();
        Assert.Equal(new TypingDto(conversationId, SenderKind.Visitor, "Vera Visitor", true), visitorTyping);

        await staff.SetTypingAsync(conversationId, true);
        await staff.SetTypingAsync(conversationId, false);
        Assert.Equal(new TypingDto(conversationId, SenderKind.Operator, "Tom Typist", true), await visitor.Typing.NextAsync());
        Assert.Equal(new TypingDto(conversationId, SenderKind.Operator, "Tom Typist", false), await visitor.Typing.NextAsync());

        // Neither side hears its own typing: the echo would have come before the visitor's fence, on both sides.
        var fence = await visitor.FenceAsync(conversationId);
        Assert.Equal(fence.Id, (await staff.Messages.NextAsync()).Id);
        visitor.Typing.AssertNonePending();
        staff.Typing.AssertNonePending();
    }

    [Fact]
    public async Task MarkRead_ByOperator_TellsTheVisitorAndClearsTheUnreadCount()
    {
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        var operatorUser = await api.CreateUserAsync();
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);
        await using var staff = await HubTestClient.ConnectAsync(api, operatorUser.Token);
        await visitor.SendAsync(conversationId, "one");
        var second = await visitor.SendAsync(conversationId, "two");
        await staff.JoinAsync(conversationId);

        await staff.MarkReadAsync(conversationId, second.Id);

        Assert.Equal(new MessagesReadDto(conversationId, SenderKind.Operator, second.Id), await visitor.Reads.NextAsync());
        var update = await staff.Updates.NextAsync(u => u.Id == conversationId && u.UnreadCount == 0);
        Assert.Equal(second.Id, (await api.StoredConversationAsync(conversationId)).OperatorLastReadMessageId);
        Assert.Equal(0, update.UnreadCount);
    }

    [Fact]
    public async Task CloseConversation_VisitorSeesItClosedLive()
    {
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        var operatorUser = await api.CreateUserAsync();
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);

        using var rest = api.Client(operatorUser.Token);
        await (await rest.PostAsync($"/api/conversations/{conversationId}/close", null)).ReadAsync<ConversationDto>();

        var update = await visitor.Updates.NextAsync();
        Assert.Equal(conversationId, update.Id);
        Assert.Equal(ConversationStatus.Closed, update.Status);
        Assert.NotNull(update.ClosedAt);
    }
}
