using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace ChatApp.Tests.Hub;

/// <summary>Every input rule of the hub refuses with a readable <see cref="HubException"/> and stores nothing.</summary>
[Collection(ApiCollection.Name)]
public class ChatHubRefusalTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    public async Task SendMessage_WithEmptyBody_IsRefused(string body)
    {
        var session = await api.StartWidgetAsync();
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);

        await HubAssert.RefusedAsync(() => visitor.SendAsync(session.Conversation.Id, body), "The message is empty.");

        Assert.Empty(await api.StoredMessagesAsync(session.Conversation.Id));
    }

    [Fact]
    public async Task SendMessage_WithOverLongBody_IsRefusedSayingTheLimit()
    {
        var session = await api.StartWidgetAsync();
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);

        await HubAssert.RefusedAsync(() => visitor.SendAsync(session.Conversation.Id, new string('x', 10_000)),
            "The message is 10000 characters long; the limit is 4000.");

        Assert.Empty(await api.StoredMessagesAsync(session.Conversation.Id));
        // The connection survives a refusal.
        await visitor.SendAsync(session.Conversation.Id, new string('y', MessageRules.MaxBodyLength));
    }

    [Fact]
    public async Task SendMessage_WithoutClientMessageId_IsRefused()
    {
        var session = await api.StartWidgetAsync();
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);

        await HubAssert.RefusedAsync(() => visitor.SendAsync(session.Conversation.Id, "hi", clientMessageId: " "),
            "A client message id is required");
        await HubAssert.RefusedAsync(() => visitor.SendAsync(session.Conversation.Id, "hi", clientMessageId: new string('c', 65)),
            "at most 64 characters");
    }

    [Fact]
    public async Task SendMessage_OverTheHubsMaximumMessageSize_ClosesTheConnectionAndStoresNothing()
    {
        var session = await api.StartWidgetAsync();
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);

        // 40,000 characters: over the 32 KB hub limit, so the server drops the frame before any validation.
        var ex = await Record.ExceptionAsync(() => visitor.SendAsync(session.Conversation.Id, new string('z', 40_000)));

        // Not a validation refusal: the server ends the connection (a well-behaved client never sends this much).
        var closed = Assert.IsType<HubException>(ex);
        Assert.Contains("The server closed the connection", closed.Message);
        Assert.Equal("closed", await visitor.States.NextAsync());
        Assert.Equal(HubConnectionState.Disconnected, visitor.Connection.State);
        Assert.Empty(await api.StoredMessagesAsync(session.Conversation.Id));
    }

    [Fact]
    public async Task SendMessage_ToUnknownConversation_IsRefused()
    {
        var session = await api.StartWidgetAsync();
        var operatorUser = await api.CreateUserAsync();
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);
        await using var staff = await HubTestClient.ConnectAsync(api, operatorUser.Token);
        var unknown = Guid.NewGuid();

        await HubAssert.RefusedAsync(() => visitor.SendAsync(unknown, "hello?"), $"There is no conversation {unknown}");
        await HubAssert.RefusedAsync(() => staff.SendAsync(unknown, "hello?"), $"There is no conversation {unknown}");
        await HubAssert.RefusedAsync(() => staff.JoinAsync(unknown), $"There is no conversation {unknown}");
        await HubAssert.RefusedAsync(() => staff.GetMessagesAfterAsync(unknown, 0), $"There is no conversation {unknown}");
    }

    [Fact]
    public async Task SendMessage_ToClosedConversation_IsRefused()
    {
        var session = await api.StartWidgetAsync();
        var operatorUser = await api.CreateUserAsync();
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);
        await using var staff = await HubTestClient.ConnectAsync(api, operatorUser.Token);
        var before = await visitor.SendAsync(session.Conversation.Id, "thanks, bye", "last-words");
        using var rest = api.Client(operatorUser.Token);
        await (await rest.PostAsync($"/api/conversations/{session.Conversation.Id}/close", null)).ReadAsync<ConversationDto>();

        await HubAssert.RefusedAsync(() => visitor.SendAsync(session.Conversation.Id, "one more thing"), "This conversation is closed");
        await HubAssert.RefusedAsync(() => staff.SendAsync(session.Conversation.Id, "reopen?"), "This conversation is closed");
        await HubAssert.RefusedAsync(() => visitor.SetTypingAsync(session.Conversation.Id, true), "This conversation is closed");

        // A resend of a message stored before closing still returns it (the outbox may retry late).
        Assert.Equal(before.Id, (await visitor.SendAsync(session.Conversation.Id, "thanks, bye", "last-words")).Id);
        // Nothing else was stored but the record of the closing.
        var stored = await api.StoredMessagesAsync(session.Conversation.Id);
        Assert.Equal([before.Id], stored.Where(m => m.SenderKind != SenderKind.System).Select(m => m.Id));
        Assert.EndsWith("closed the conversation.", Assert.Single(stored, m => m.SenderKind == SenderKind.System).Body);
    }

    [Fact]
    public async Task GetMessagesAfter_WithNegativeCursor_IsRefused()
    {
        var session = await api.StartWidgetAsync();
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);

        await HubAssert.RefusedAsync(() => visitor.GetMessagesAfterAsync(session.Conversation.Id, -1), "The cursor must be a message id");
    }

    [Fact]
    public async Task SendMessage_WhenResentWithSameClientId_StoresOnceAndBroadcastsOnce()
    {
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        var operatorUser = await api.CreateUserAsync();
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);
        await using var staff = await HubTestClient.ConnectAsync(api, operatorUser.Token);
        await staff.JoinAsync(conversationId);
        var clientId = Guid.NewGuid().ToString();

        var first = await visitor.SendAsync(conversationId, "Where is my parcel?", clientId);
        var again = await visitor.SendAsync(conversationId, "Where is my parcel?", clientId);
        // A resend from a new connection (the page was reloaded) is the same message too.
        await using var reloaded = await HubTestClient.ConnectAsync(api, session.VisitorToken);
        var third = await reloaded.SendAsync(conversationId, "Where is my parcel?", clientId);

        Assert.Equal(first, again);
        Assert.Equal(first, third);
        Assert.Equal([first.Id], (await api.StoredMessagesAsync(conversationId)).Select(m => m.Id));
        Assert.Equal(first.Id, (await staff.Messages.NextAsync()).Id);
        Assert.Equal(first.Id, (await visitor.Messages.NextAsync()).Id);
        // No second broadcast: none within a short wait, and the next message anyone gets is a new one.
        await staff.Messages.AssertNoneWithinAsync(TimeSpan.FromMilliseconds(500));
        var fence = await visitor.FenceAsync(conversationId);
        Assert.Equal(fence.Id, (await staff.Messages.NextAsync()).Id);
        Assert.Single(staff.Updates.All, u => u.LastMessagePreview == "Where is my parcel?");
    }

    [Fact]
    public async Task SendMessage_ResentConcurrently_StoresOnceAndBroadcastsOnce()
    {
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        await using var first = await HubTestClient.ConnectAsync(api, session.VisitorToken);
        await using var second = await HubTestClient.ConnectAsync(api, session.VisitorToken);
        var clientId = Guid.NewGuid().ToString();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            (i % 2 == 0 ? first : second).SendAsync(conversationId, "double click", clientId)));

        Assert.Single(results.Select(m => m.Id).Distinct());
        Assert.Single(await api.StoredMessagesAsync(conversationId));
        Assert.Equal(results[0].Id, (await first.Messages.NextAsync()).Id);
        Assert.Equal(results[0].Id, (await second.Messages.NextAsync()).Id);
        var fence = await second.FenceAsync(conversationId);
        Assert.Equal(fence.Id, (await first.Messages.NextAsync()).Id);
    }

    [Fact]
    public async Task SendMessage_FasterThanTheConfiguredRate_RefusesTheExcessAndStoresOnlyTheAccepted()
    {
        await using var limited = api.CreateFactory(settings: new Dictionary<string, string?> { ["Chat:MaxMessagesPerSecond"] = "3" });
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken, limited);

        var attempts = Enumerable.Range(0, 12)
            .Select(i => Record.ExceptionAsync(() => visitor.SendAsync(conversationId, $"spam {i}")))
            .ToList();
        var outcomes = await Task.WhenAll(attempts);

        var refused = outcomes.OfType<HubException>().ToList();
        var accepted = outcomes.Count(e => e is null);
        Assert.All(outcomes, e => Assert.True(e is null or HubException, $"Unexpected failure: {e}"));
        Assert.NotEmpty(refused);
        Assert.All(refused, e => Assert.Contains("You are sending too fast (more than 3 messages a second)", e.Message));
        Assert.InRange(accepted, 3, 9);
        var stored = await api.StoredMessagesAsync(conversationId);
        Assert.Equal(accepted, stored.Count);

        // The limit is per second: once the bucket refills, the same connection may send again.
        MessageDto? later = null;
        var deadline = DateTime.UtcNow + HubTestClient.Timeout;
        while (later is null && DateTime.UtcNow < deadline)
        {
            try
            {
                later = await visitor.SendAsync(conversationId, "after a pause");
            }
            catch (HubException)
            {
                await Task.Delay(200);
            }
        }
        Assert.NotNull(later);
    }

    [Fact]
    public async Task SendMessage_RateLimit_IsPerConnection()
    {
        await using var limited = api.CreateFactory(settings: new Dictionary<string, string?> { ["Chat:MaxMessagesPerSecond"] = "3" });
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        var operatorUser = await api.CreateUserAsync();
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken, limited);
        await using var staff = await HubTestClient.ConnectAsync(api, operatorUser.Token, limited);

        var spam = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(i => Record.ExceptionAsync(() => visitor.SendAsync(conversationId, $"spam {i}"))));
        Assert.Contains(spam, e => e is HubException);

        // The operator's connection has its own budget.
        await staff.SendAsync(conversationId, "Please slow down.");
    }
}
