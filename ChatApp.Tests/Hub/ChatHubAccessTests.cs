using System.Net;
using System.Net.WebSockets;
using ChatApp.Api.Auth;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatApp.Tests.Hub;

/// <summary>Who may connect, and which conversations and methods each caller may reach.</summary>
[Collection(ApiCollection.Name)]
public class ChatHubAccessTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task JoinConversation_OfAnotherVisitor_IsRefused()
    {
        var a = await api.StartWidgetAsync("Alice");
        var b = await api.StartWidgetAsync("Bob");
        await using var visitorB = await HubTestClient.ConnectAsync(api, b.VisitorToken);

        await HubAssert.RefusedAsync(() => visitorB.JoinAsync(a.Conversation.Id), "There is no conversation");

        // Not joined: B does not hear A's conversation afterwards.
        await using var visitorA = await HubTestClient.ConnectAsync(api, a.VisitorToken);
        await visitorA.SendAsync(a.Conversation.Id, "private to Alice");
        await visitorB.FenceAsync(b.Conversation.Id);
    }

    [Fact]
    public async Task GetMessagesAfter_OfAnotherVisitorsConversation_IsRefused()
    {
        var a = await api.StartWidgetAsync("Alice");
        var b = await api.StartWidgetAsync("Bob");
        await using var visitorA = await HubTestClient.ConnectAsync(api, a.VisitorToken);
        await visitorA.SendAsync(a.Conversation.Id, "my address is 1 Secret Lane");
        await using var visitorB = await HubTestClient.ConnectAsync(api, b.VisitorToken);

        await HubAssert.RefusedAsync(() => visitorB.GetMessagesAfterAsync(a.Conversation.Id, 0), "There is no conversation");
    }

    [Fact]
    public async Task SendMessage_ToAnotherVisitorsConversation_IsRefusedAndStoresNothing()
    {
        var a = await api.StartWidgetAsync("Alice");
        var b = await api.StartWidgetAsync("Bob");
        await using var visitorA = await HubTestClient.ConnectAsync(api, a.VisitorToken);
        await using var visitorB = await HubTestClient.ConnectAsync(api, b.VisitorToken);

        await HubAssert.RefusedAsync(() => visitorB.SendAsync(a.Conversation.Id, "spoofed"), "There is no conversation");

        Assert.Empty(await api.StoredMessagesAsync(a.Conversation.Id));
        await visitorA.FenceAsync(a.Conversation.Id);
        // B was not slipped into A's group by the refused send.
        await visitorA.SendAsync(a.Conversation.Id, "still private");
        await visitorB.FenceAsync(b.Conversation.Id);
    }

    [Fact]
    public async Task SetTypingAndMarkRead_OnAnotherVisitorsConversation_AreRefused()
    {
        var a = await api.StartWidgetAsync("Alice");
        var b = await api.StartWidgetAsync("Bob");
        await using var visitorA = await HubTestClient.ConnectAsync(api, a.VisitorToken);
        await using var visitorB = await HubTestClient.ConnectAsync(api, b.VisitorToken);

        await HubAssert.RefusedAsync(() => visitorB.SetTypingAsync(a.Conversation.Id, true), "There is no conversation");
        await HubAssert.RefusedAsync(() => visitorB.MarkReadAsync(a.Conversation.Id, long.MaxValue), "There is no conversation");

        await visitorA.FenceAsync(a.Conversation.Id);
        visitorA.Typing.AssertNonePending();
        visitorA.Reads.AssertNonePending();
    }

    [Fact]
    public async Task LeaveConversation_AsVisitor_IsRefusedAsStaffOnly()
    {
        var session = await api.StartWidgetAsync();
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);

        await HubAssert.RefusedAsync(() => visitor.LeaveAsync(session.Conversation.Id), "Only operators and admins");

        // The refused call had no effect: the visitor still hears its conversation.
        var operatorUser = await api.CreateUserAsync();
        await using var staff = await HubTestClient.ConnectAsync(api, operatorUser.Token);
        var reply = await staff.SendAsync(session.Conversation.Id, "Still here?");
        Assert.Equal(reply.Id, (await visitor.Messages.NextAsync()).Id);
    }

    [Fact]
    public async Task LeaveConversation_AsOperator_StopsItsMessages()
    {
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        var operatorUser = await api.CreateUserAsync();
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);
        await using var staff = await HubTestClient.ConnectAsync(api, operatorUser.Token);
        await staff.JoinAsync(conversationId);
        var before = await visitor.SendAsync(conversationId, "before");
        Assert.Equal(before.Id, (await staff.Messages.NextAsync()).Id);

        // A second conversation the operator keeps open serves as the fence.
        var other = await api.StartWidgetAsync("Other");
        await using var otherVisitor = await HubTestClient.ConnectAsync(api, other.VisitorToken);
        await staff.JoinAsync(other.Conversation.Id);

        await staff.LeaveAsync(conversationId);
        await visitor.SendAsync(conversationId, "after");
        var fence = await otherVisitor.SendAsync(other.Conversation.Id, "fence");

        // The preview still reaches the operators group; the message itself no longer does.
        await staff.Updates.NextAsync(u => u.LastMessagePreview == "after");
        Assert.Equal(fence.Id, (await staff.Messages.NextAsync()).Id);
    }

    [Fact]
    public async Task MarkRead_ByVisitor_MovesOnlyTheVisitorsMarkerNeverTheOperators()
    {
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        var operatorUser = await api.CreateUserAsync();
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);
        await using var staff = await HubTestClient.ConnectAsync(api, operatorUser.Token);
        await staff.JoinAsync(conversationId);
        await visitor.SendAsync(conversationId, "question");
        var reply = await staff.SendAsync(conversationId, "answer");
        await visitor.SendAsync(conversationId, "follow-up, not yet read by staff");
        long notice;
        await using (var db = api.CreateDbContext())
        {
            var system = new Message { ConversationId = conversationId, SenderKind = SenderKind.System, Body = "Olga is away", ClientMessageId = "system-1" };
            db.Messages.Add(system);
            await db.SaveChangesAsync();
            notice = system.Id;
        }

        await visitor.MarkReadAsync(conversationId, long.MaxValue);

        Assert.Equal(new MessagesReadDto(conversationId, SenderKind.Visitor, notice), await staff.Reads.NextAsync());
        var stored = await api.StoredConversationAsync(conversationId);
        Assert.Equal(notice, stored.VisitorLastReadMessageId);
        Assert.Equal(reply.Id, stored.OperatorLastReadMessageId);
        Assert.Equal(1, stored.OperatorUnreadCount);
    }

    [Fact]
    public async Task SendMessage_ByVisitorReusingAnOperatorsClientMessageId_IsRefused()
    {
        var session = await api.StartWidgetAsync();
        var conversationId = session.Conversation.Id;
        var operatorUser = await api.CreateUserAsync();
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);
        await using var staff = await HubTestClient.ConnectAsync(api, operatorUser.Token);
        var staffMessage = await staff.SendAsync(conversationId, "Operator's words", "shared-id");

        await HubAssert.RefusedAsync(() => visitor.SendAsync(conversationId, "Visitor's words", "shared-id"),
            "already used by another sender");
        Assert.Equal([staffMessage.Id], (await api.StoredMessagesAsync(conversationId)).Select(m => m.Id));
    }

    [Fact]
    public async Task Connect_WithoutToken_IsRefusedWith401()
    {
        await AssertConnectRefusedAsync("");
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl")]
    public async Task Connect_WithInvalidToken_IsRefusedWith401(string token)
    {
        await AssertConnectRefusedAsync(token);
    }

    [Fact]
    public async Task Connect_WithTamperedVisitorToken_IsRefusedWith401()
    {
        var session = await api.StartWidgetAsync();
        var parts = session.VisitorToken.Split('.');
        var signature = parts[2].ToCharArray();
        signature[5] = signature[5] == 'A' ? 'B' : 'A';
        await AssertConnectRefusedAsync($"{parts[0]}.{parts[1]}.{new string(signature)}");
    }

    [Theory]
    [InlineData(Roles.Visitor)]
    [InlineData(Roles.Operator)]
    public async Task Connect_WithExpiredToken_IsRefusedWith401(string role)
    {
        var session = await api.StartWidgetAsync();
        var operatorUser = await api.CreateUserAsync();
        var subject = role == Roles.Visitor ? session.VisitorId : operatorUser.Id;
        await AssertConnectRefusedAsync(ExpiredToken(subject, role));
    }

    [Fact]
    public async Task Connect_WithDeactivatedOperatorsToken_IsRefusedWith401()
    {
        var operatorUser = await api.CreateUserAsync();
        await using (var db = api.CreateDbContext())
        {
            await db.Users.Where(u => u.Id == operatorUser.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsActive, false));
        }
        await AssertConnectRefusedAsync(operatorUser.Token);
    }

    /// <summary>
    /// Both ways in are shut: the negotiate request (browsers, and clients that negotiate) answers 401, and so
    /// does a WebSocket upgrade that skips negotiation.
    /// </summary>
    private async Task AssertConnectRefusedAsync(string token)
    {
        await using var negotiating = HubTestClient.Create(api.Factory.BaseAddress, token, automaticReconnect: false);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => negotiating.Connection.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        await using var direct = api.CreateHubConnection(token);
        var upgrade = await Assert.ThrowsAsync<WebSocketException>(() => direct.StartAsync());
        Assert.Contains("status code '401'", upgrade.Message);
    }

    private string ExpiredToken(Guid subject, string role)
    {
        var options = api.Factory.Services.GetRequiredService<IOptions<JwtOptions>>().Value;
        var key = api.Factory.Services.GetRequiredService<SigningKeyProvider>().Key;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Claims = new Dictionary<string, object>
            {
                [ClaimNames.Subject] = subject.ToString(),
                [ClaimNames.Role] = role,
            },
            IssuedAt = DateTime.UtcNow.AddHours(-2),
            NotBefore = DateTime.UtcNow.AddHours(-2),
            Expires = DateTime.UtcNow.AddMinutes(-5),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }
}
