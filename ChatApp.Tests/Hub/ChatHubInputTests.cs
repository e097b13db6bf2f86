using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace ChatApp.Tests.Hub;

/// <summary>Bad input over the hub: refused with a readable HubException that names the problem, and nobody else affected.</summary>
[Collection(ApiCollection.Name)]
public class ChatHubInputTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task SendMessage_WithNulBodiesWhileOthersChat_FailsNoneOfTheOthersMessages()
    {
        var victim = await api.StartWidgetAsync("Victim");
        var attacker = await api.StartWidgetAsync("Attacker");
        await using var victimClient = await HubTestClient.ConnectAsync(api, victim.VisitorToken);
        await using var attackerClient = await HubTestClient.ConnectAsync(api, attacker.VisitorToken);

        var attacks = Enumerable.Range(0, 15).Select(i =>
            Record.ExceptionAsync(() => attackerClient.SendAsync(attacker.Conversation.Id, $"evil {i} \0"))).ToList();
        var sends = Enumerable.Range(0, 15).Select(i =>
            Record.ExceptionAsync(() => victimClient.SendAsync(victim.Conversation.Id, $"hello {i}"))).ToList();

        Assert.All(await Task.WhenAll(sends), Assert.Null);
        Assert.All(await Task.WhenAll(attacks), e => Assert.Contains("NUL character", Assert.IsType<HubException>(e).Message));
        Assert.Equal(15, (await api.StoredMessagesAsync(victim.Conversation.Id)).Count);
        Assert.Empty(await api.StoredMessagesAsync(attacker.Conversation.Id));
    }

    [Theory]
    [InlineData("SendMessage", new object?[] { 42, "id", "body", null }, "Argument 1 of SendMessage(conversationId, clientMessageId, body, attachmentId), conversationId, must be a GUID")]
    [InlineData("SendMessage", new object?[] { "00000000-0000-0000-0000-000000000001", 7, "body", null }, "clientMessageId, must be a string")]
    [InlineData("SendMessage", new object?[] { "00000000-0000-0000-0000-000000000001", "id", "body", "not-a-guid" }, "attachmentId, must be a GUID or null")]
    [InlineData("SendMessage", new object?[] { "00000000-0000-0000-0000-000000000001", "id" }, "takes 4 arguments; 2 were sent")]
    [InlineData("GetMessagesAfter", new object?[] { "00000000-0000-0000-0000-000000000001", "yesterday" }, "afterMessageId, must be a whole number")]
    [InlineData("SetTyping", new object?[] { "00000000-0000-0000-0000-000000000001", "yes" }, "isTyping, must be true or false")]
    public async Task HubCall_WithWrongArguments_SaysWhichArgumentIsWrong(string method, object?[] args, string expected)
    {
        var session = await api.StartWidgetAsync();
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);

        var ex = await Assert.ThrowsAsync<HubException>(() => visitor.Connection.InvokeCoreAsync(method, typeof(object), args).WaitAsync(HubTestClient.Timeout));

        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain("System.", ex.Message);
        // The connection survives it.
        await visitor.SendAsync(session.Conversation.Id, "still here");
    }
}
