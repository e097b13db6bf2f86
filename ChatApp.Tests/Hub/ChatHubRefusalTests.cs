using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using System.Net.Http.Json;

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
            "the limit is 64");
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
    public async Task SendMessage_WhenResentWithSameClientId_StoresOnceAndDeliversTheStoredMessageAgain()
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
        // Each resend delivers the stored message again (the sender cannot know whether anyone got it); clients
        // keep one copy per id. Nothing else arrives: the next message anyone gets is a new one.
        Assert.Equal([first, first, first], await staff.Messages.NextAsync(3));
        Assert.Equal([first, first, first], await visitor.Messages.NextAsync(3));
        var fence = await visitor.FenceAsync(conversationId);
        Assert.Equal(fence.Id, (await staff.Messages.NextAsync()).Id);
    }

    [Fact]
    public async Task SendMessage_ResendOfAMessageStoredButNeverDelivered_DeliversItToTheConversation()
    {
        // The writer committed, then its connection dropped before the answer: the sender was told it failed and
        // nobody got the broadcast. Its resend must bring the message to everyone.
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        var operatorUser = await api.CreateUserAsync();
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);
        await using var staff = await HubTestClient.ConnectAsync(api, operatorUser.Token);
        await staff.JoinAsync(conversationId);
        long storedId;
        await using (var db = api.CreateDbContext())
        {
            var message = new ChatApp.Api.Data.Entities.Message
            {
                ConversationId = conversationId,
                SenderKind = ChatApp.Api.Data.Entities.SenderKind.Visitor,
                Body = "stored, never delivered",
                ClientMessageId = "lost-in-commit",
            };
            db.Messages.Add(message);
            await db.SaveChangesAsync();
            storedId = message.Id;
        }

        var resent = await visitor.SendAsync(conversationId, "stored, never delivered", "lost-in-commit");

        Assert.Equal(storedId, resent.Id);
        Assert.Equal(storedId, (await staff.Messages.NextAsync()).Id);
        Assert.Equal(storedId, (await visitor.Messages.NextAsync()).Id);
    }

    [Fact]
    public async Task SendMessage_ResentConcurrently_StoresOnceAndDeliversOnlyThatMessage()
    {
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        await using var first = await HubTestClient.ConnectAsync(api, session.VisitorToken);
        await using var second = await HubTestClient.ConnectAsync(api, session.VisitorToken);
        var clientId = Guid.NewGuid().ToString();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            (i % 2 == 0 ? first : second).SendAsync(conversationId, "double click", clientId)));

        var id = Assert.Single(results.Select(m => m.Id).Distinct());
        Assert.Single(await api.StoredMessagesAsync(conversationId));
        // Up to one delivery per send, all of the one stored message, then nothing else.
        var fence = await second.SendAsync(conversationId, "fence");
        foreach (var client in new[] { first, second })
        {
            await client.Messages.AnyAsync(m => m.Id == fence.Id);
            var received = client.Messages.All.Where(m => m.Id != fence.Id).ToList();
            Assert.InRange(received.Count, 1, 6);
            Assert.All(received, m => Assert.Equal(id, m.Id));
        }
    }

    [Fact]
    public async Task SendMessage_FasterThanTheConfiguredRate_RefusesTheExcessAndStoresOnlyTheAccepted()
    {
        await using var limited = api.CreateFactory(settings: new Dictionary<string, string?> { ["Chat:MaxMessagesPerSecond"] = "3" });
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken, limited);

        var burst = System.Diagnostics.Stopwatch.StartNew();
        var attempts = Enumerable.Range(0, 12)
            .Select(i => Record.ExceptionAsync(() => visitor.SendAsync(conversationId, $"spam {i}")))
            .ToList();
        var outcomes = await Task.WhenAll(attempts);
        burst.Stop();

        var refused = outcomes.OfType<HubException>().ToList();
        var accepted = outcomes.Count(e => e is null);
        Assert.All(outcomes, e => Assert.True(e is null or HubException, $"Unexpected failure: {e}"));
        Assert.NotEmpty(refused);
        Assert.All(refused, e => Assert.Contains("You are sending too fast (more than 3 messages a second)", e.Message));
        RateAssert.AllowedWithin(accepted, 3, burst.Elapsed);
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
    public async Task SendMessage_RateLimit_IsPerSenderAcrossConnectionsAndRest_AndSaysWhenToRetry()
    {
        await using var limited = api.CreateFactory(settings: new Dictionary<string, string?> { ["Chat:MaxMessagesPerSecond"] = "3" });
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        var operatorUser = await api.CreateUserAsync();
        var tabs = new List<HubTestClient>();
        for (var i = 0; i < 5; i++)
        {
            tabs.Add(await HubTestClient.ConnectAsync(api, session.VisitorToken, limited));
        }
        await using var staff = await HubTestClient.ConnectAsync(api, operatorUser.Token, limited);
        using var rest = api.Client(session.VisitorToken, limited);

        // Five connections and REST at once: the one visitor still gets about three a second, not five times that.
        var burst = System.Diagnostics.Stopwatch.StartNew();
        var hubSends = Enumerable.Range(0, 20).Select(i => Record.ExceptionAsync(() => tabs[i % 5].SendAsync(conversationId, $"spam {i}")));
        var restSends = Enumerable.Range(0, 5).Select(i => rest.PostAsJsonAsync($"/api/widget/conversations/{conversationId}/messages",
            new SendMessageRequest(Guid.NewGuid().ToString(), $"rest spam {i}", null), TestJson.Options));
        var hubOutcomes = await Task.WhenAll(hubSends);
        var restOutcomes = await Task.WhenAll(restSends);
        burst.Stop();

        var stored = (await api.StoredMessagesAsync(conversationId)).Count;
        RateAssert.AllowedWithin(stored, 3, burst.Elapsed);
        Assert.True(stored < 25, "Five connections must not multiply the limit.");
        Assert.Equal(stored, hubOutcomes.Count(e => e is null) + restOutcomes.Count(r => r.StatusCode == System.Net.HttpStatusCode.Created));
        Assert.All(hubOutcomes.OfType<HubException>(), e => Assert.Matches(@"more than 3 messages a second\)\. Try again in \d+ seconds?\.", e.Message));
        // The operator's budget is its own.
        await staff.SendAsync(conversationId, "Please slow down.");
        foreach (var tab in tabs)
        {
            await tab.DisposeAsync();
        }
    }

    [Fact]
    public async Task SetTypingAndMarkRead_FasterThanTheirLimits_AreRefusedSayingWhenToRetry()
    {
        await using var limited = api.CreateFactory(settings: new Dictionary<string, string?>
        {
            ["Chat:MaxTypingPerSecond"] = "2",
            ["Chat:MaxReadsPerSecond"] = "2",
        });
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken, limited);
        var message = await visitor.SendAsync(conversationId, "hello");

        var typingBurst = System.Diagnostics.Stopwatch.StartNew();
        var typing = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Record.ExceptionAsync(() => visitor.SetTypingAsync(conversationId, i % 2 == 0))));
        typingBurst.Stop();
        var readBurst = System.Diagnostics.Stopwatch.StartNew();
        var reads = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Record.ExceptionAsync(() => visitor.MarkReadAsync(conversationId, message.Id))));
        readBurst.Stop();

        Assert.Contains(typing, e => e is HubException { Message: var m } && m.Contains("Too many typing updates") && m.Contains("Try again in"));
        Assert.Contains(reads, e => e is HubException { Message: var m } && m.Contains("Too many read receipts") && m.Contains("Try again in"));
        RateAssert.AllowedWithin(typing.Count(e => e is null), 2, typingBurst.Elapsed);
        RateAssert.AllowedWithin(reads.Count(e => e is null), 2, readBurst.Elapsed);
    }

    [Fact]
    public async Task Connect_BeyondTheLiveConnectionsAllowedPerVisitor_IsClosedSayingWhy_AndAClosedTabFreesItsPlace()
    {
        await using var limited = api.CreateFactory(settings: new Dictionary<string, string?> { ["Chat:MaxConnectionsPerVisitor"] = "2" });
        var session = await api.StartWidgetAsync();
        await using var first = await HubTestClient.ConnectAsync(api, session.VisitorToken, limited);
        await using var second = await HubTestClient.ConnectAsync(api, session.VisitorToken, limited);

        // The server refuses it just after the handshake: the client sees the connection closed, with the reason.
        await using var third = new HubTestClientFactory(api, session.VisitorToken, limited).Create();
        await Record.ExceptionAsync(third.StartAsync);
        Assert.Equal("closed", await third.States.AnyAsync(s => s == "closed"));
        var reason = string.Join("\n", third.Timeline);
        Assert.Contains("already has 2 chat windows open", reason);
        Assert.Contains("Try again in 10 seconds", reason);

        await first.DisposeAsync();
        await using var again = await ConnectWhenAllowedAsync(api, session.VisitorToken, limited);
        await again.SendAsync(session.Conversation.Id, "back in a new tab");
    }

    private static async Task<HubTestClient> ConnectWhenAllowedAsync(ApiFixture api, string token, ChatApiFactory factory)
    {
        // The server counts the closed tab out when it sees the close: poll with a generous deadline.
        var deadline = DateTime.UtcNow + HubTestClient.Timeout;
        while (true)
        {
            var client = new HubTestClientFactory(api, token, factory).Create();
            await Record.ExceptionAsync(client.StartAsync);
            await Task.Delay(100);
            if (client.Connection.State == HubConnectionState.Connected)
            {
                return client;
            }
            await client.DisposeAsync();
            Assert.True(DateTime.UtcNow < deadline, "The closed tab never freed its place.");
        }
    }
}

/// <summary>Builds a not yet started client the way <see cref="HubTestClient.ConnectAsync"/> does.</summary>
internal sealed class HubTestClientFactory(ApiFixture api, string token, ChatApiFactory factory)
{
    public HubTestClient Create() => HubTestClient.Wrap(api.CreateHubConnection(token, factory));
}
