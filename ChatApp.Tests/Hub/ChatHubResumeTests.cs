using System.Text.Json;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace ChatApp.Tests.Hub;

/// <summary>Nothing is lost across a dropped connection, a reconnect or an API restart.</summary>
[Collection(ApiCollection.Name)]
public class ChatHubResumeTests(ApiFixture api, ITestOutputHelper output) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task GetMessagesAfter_OnReconnect_RecoversEveryMessageSentWhileAway()
    {
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        var operatorUser = await api.CreateUserAsync();
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);
        await using var staff = await HubTestClient.ConnectAsync(api, operatorUser.Token);
        await staff.JoinAsync(conversationId);
        await visitor.SendAsync(conversationId, "hello");
        var lastHeld = (await visitor.Messages.NextAsync()).Id;

        await visitor.Connection.StopAsync();
        var missed = new List<MessageDto>();
        for (var i = 0; i < 4; i++)
        {
            missed.Add(await staff.SendAsync(conversationId, $"while you were away {i}"));
        }
        await visitor.StartAsync();

        var recovered = await visitor.GetMessagesAfterAsync(conversationId, lastHeld);
        Assert.Equal(missed.Select(m => (m.Id, m.Body)), recovered.Select(m => (m.Id, m.Body)));
        // Back in its conversation's group on connect: live messages flow again, and the missed ones are not replayed.
        var live = await staff.SendAsync(conversationId, "welcome back");
        Assert.Equal(live.Id, (await visitor.Messages.NextAsync()).Id);
        Assert.Empty(await visitor.GetMessagesAfterAsync(conversationId, live.Id));
    }

    [Fact]
    public async Task GetMessagesAfter_ReturnsAtMost500AndPagesOnFromTheLastId()
    {
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        await using (var db = api.CreateDbContext())
        {
            db.Messages.AddRange(Enumerable.Range(0, 520).Select(i => new Message
            {
                ConversationId = conversationId,
                SenderKind = SenderKind.Visitor,
                Body = $"m{i}",
                ClientMessageId = $"bulk-{i}",
            }));
            await db.SaveChangesAsync();
        }
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);

        var page1 = await visitor.GetMessagesAfterAsync(conversationId, 0);
        var page2 = await visitor.GetMessagesAfterAsync(conversationId, page1[^1].Id);

        Assert.Equal(500, page1.Count);
        Assert.Equal(20, page2.Count);
        var all = page1.Concat(page2).Select(m => m.Body).ToList();
        Assert.Equal(Enumerable.Range(0, 520).Select(i => $"m{i}"), all);
    }

    [Fact]
    public async Task ApiRestart_MidConversation_LosesNoMessageAndTokensStayValid()
    {
        // A fixed port, so the restarted API comes back on the same address.
        var port = LoopbackPorts.PickFree();
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        var operatorUser = await api.CreateUserAsync();

        await using var first = api.CreateFactory(port);
        var address = first.BaseAddress;
        // The visitor's widget reconnects by itself; the operator's tab reconnects by starting again.
        await using var visitor = HubTestClient.Create(address, session.VisitorToken, automaticReconnect: true);
        await using var staff = HubTestClient.Create(address, operatorUser.Token, automaticReconnect: false);
        await visitor.StartAsync();
        await staff.StartAsync();
        await staff.JoinAsync(conversationId);

        var beforeRestart = new List<MessageDto>
        {
            await visitor.SendAsync(conversationId, "My order did not arrive", "outbox-1"),
            await staff.SendAsync(conversationId, "Let me check"),
        };
        var visitorHolds = (await visitor.Messages.NextAsync(2))[^1].Id;
        var staffHolds = (await staff.Messages.NextAsync(2))[^1].Id;

        await first.DisposeAsync();
        Assert.Equal("reconnecting", await visitor.States.NextAsync());
        Assert.Equal("closed", await staff.States.NextAsync());

        await using var second = api.CreateFactory(port);
        Assert.Equal(address, second.BaseAddress);
        await visitor.RecoverAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("reconnected", visitor.States.All);
        output.WriteLine("Visitor connection: " + string.Join("; ", visitor.Timeline));

        // The visitor, back first with the same token, resends its outbox and writes on.
        var resent = await visitor.SendAsync(conversationId, "My order did not arrive", "outbox-1");
        Assert.Equal(beforeRestart[0].Id, resent.Id);
        var whileOperatorAway = new List<MessageDto>();
        for (var i = 0; i < 3; i++)
        {
            whileOperatorAway.Add(await visitor.SendAsync(conversationId, $"still waiting {i}"));
        }

        await staff.StartAsync();
        await staff.JoinAsync(conversationId);
        var staffRecovered = await staff.GetMessagesAfterAsync(conversationId, staffHolds);
        Assert.Equal(whileOperatorAway.Select(m => m.Id), staffRecovered.Select(m => m.Id));

        var reply = await staff.SendAsync(conversationId, "Found it, it ships today");
        var visitorRecovered = await visitor.GetMessagesAfterAsync(conversationId, visitorHolds);
        Assert.Equal(whileOperatorAway.Append(reply).Select(m => m.Id), visitorRecovered.Select(m => m.Id));
        Assert.Equal(reply.Id, (await visitor.Messages.NextAsync(m => m.Id == reply.Id)).Id);

        var stored = await api.StoredMessagesAsync(conversationId);
        Assert.Equal(beforeRestart.Concat(whileOperatorAway).Append(reply).Select(m => m.Id), stored.Select(m => m.Id));

        // Clients first: a client that reconnects to a stopping server holds its shutdown for the whole timeout.
        await visitor.DisposeAsync();
        await staff.DisposeAsync();
    }

    [Fact]
    public async Task StatefulReconnect_AfterTransportDrop_ReplaysMessagesSentDuringTheDrop()
    {
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        var operatorUser = await api.CreateUserAsync();
        await using var proxy = new DroppingProxy(api.Factory.BaseAddress);
        await using var visitor = HubTestClient.Create(proxy.BaseAddress, session.VisitorToken, automaticReconnect: false);
        await visitor.StartAsync();
        await using var staff = await HubTestClient.ConnectAsync(api, operatorUser.Token);
        await staff.JoinAsync(conversationId);
        var connectionId = visitor.Connection.ConnectionId;
        Assert.NotNull(connectionId);

        Assert.True(proxy.DropAll() >= 1, "the WebSocket went through the proxy");
        var sent = new List<MessageDto>();
        for (var i = 0; i < 3; i++)
        {
            sent.Add(await staff.SendAsync(conversationId, $"during the drop {i}"));
        }

        // The same logical connection resumes: the messages arrive live, once each, with no resume call.
        var received = await visitor.Messages.NextAsync(3);
        Assert.Equal(sent.Select(m => m.Id), received.Select(m => m.Id));
        Assert.Equal(connectionId, visitor.Connection.ConnectionId);
        Assert.Equal(HubConnectionState.Connected, visitor.Connection.State);
        visitor.States.AssertNonePending();
        await visitor.FenceAsync(conversationId);
    }

    [Fact]
    public async Task Negotiate_OffersStatefulReconnect()
    {
        var session = await api.StartWidgetAsync();
        using var client = api.Client(session.VisitorToken);

        var response = await client.PostAsync("/hubs/chat/negotiate?negotiateVersion=1&useStatefulReconnect=true", null);

        var body = await response.ReadAsync<JsonElement>();
        Assert.True(body.TryGetProperty("useStatefulReconnect", out var offered) && offered.GetBoolean(),
            $"The server does not offer stateful reconnect: {body}");
    }

    [Fact]
    public async Task Negotiate_WithoutToken_IsRefused()
    {
        using var client = api.Client();
        var response = await client.PostAsync("/hubs/chat/negotiate?negotiateVersion=1", null);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
