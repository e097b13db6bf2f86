using System.Net;
using System.Net.Http.Json;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Tests.Integration;

[Collection(ApiCollection.Name)]
public class WidgetApiTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Start_StoresVisitorAndConversationWithContext()
    {
        using var client = api.Client();
        client.DefaultRequestHeaders.UserAgent.ParseAdd("TestBrowser/1.0");
        var response = await client.PostAsJsonAsync("/api/widget/conversations",
            new StartConversationRequest(" Vera ", "vera@example.com", "https://shop.example/cart"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var session = await response.ReadAsync<WidgetSessionDto>();

        Assert.False(string.IsNullOrEmpty(session.VisitorToken));
        Assert.Equal(ConversationStatus.Open, session.Conversation.Status);
        await using var db = api.CreateDbContext();
        var stored = await db.Conversations.Include(c => c.Visitor).SingleAsync();
        Assert.Equal(session.Conversation.Id, stored.Id);
        Assert.Equal("Vera", stored.VisitorName);
        Assert.Equal("vera@example.com", stored.Visitor.Email);
        Assert.Equal("https://shop.example/cart", stored.PageUrl);
        Assert.Equal("TestBrowser/1.0", stored.UserAgent);
    }

    [Fact]
    public async Task Start_WithNoBodyAtAll_StartsAnAnonymousConversation()
    {
        using var client = api.Client();
        var response = await client.PostAsync("/api/widget/conversations", null);
        var session = await response.ReadAsync<WidgetSessionDto>();
        Assert.Null(session.Conversation.VisitorName);
    }

    [Theory]
    [InlineData("not-an-email", null, "email")]
    [InlineData(null, "javascript:alert(1)", "pageUrl")]
    public async Task Start_WithInvalidContext_Returns400AndStoresNothing(string? email, string? pageUrl, string field)
    {
        using var client = api.Client();
        var response = await client.PostAsJsonAsync("/api/widget/conversations", new StartConversationRequest("V", email, pageUrl));
        var detail = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field == "email" ? "e-mail" : "URL", detail);
        await using var db = api.CreateDbContext();
        Assert.Equal(0, await db.Visitors.CountAsync());
        Assert.Equal(0, await db.Conversations.CountAsync());
    }

    [Fact]
    public async Task Current_ResumesTheLatestConversationWithAFreshToken()
    {
        var session = await api.StartWidgetAsync();
        using var client = api.Client(session.VisitorToken);
        var resumed = await (await client.GetAsync("/api/widget/conversations/current")).ReadAsync<WidgetSessionDto>();
        Assert.Equal(session.Conversation.Id, resumed.Conversation.Id);
        Assert.Equal(session.VisitorId, resumed.VisitorId);
        Assert.False(string.IsNullOrEmpty(resumed.VisitorToken));
    }

    [Fact]
    public async Task Start_WithVisitorToken_StartsANewConversationForTheSameVisitor()
    {
        var first = await api.StartWidgetAsync();
        using var client = api.Client(first.VisitorToken);
        var second = await (await client.PostAsJsonAsync("/api/widget/conversations",
            new StartConversationRequest(null, null, null))).ReadAsync<WidgetSessionDto>();
        Assert.Equal(first.VisitorId, second.VisitorId);
        Assert.NotEqual(first.Conversation.Id, second.Conversation.Id);
        Assert.Equal("Vera Visitor", second.Conversation.VisitorName);

        var current = await (await client.GetAsync("/api/widget/conversations/current")).ReadAsync<WidgetSessionDto>();
        Assert.Equal(second.Conversation.Id, current.Conversation.Id);
    }

    [Fact]
    public async Task SendAndHistory_VisitorSeesItsOwnThreadInOrder()
    {
        var session = await api.StartWidgetAsync();
        using var client = api.Client(session.VisitorToken);
        var url = $"/api/widget/conversations/{session.Conversation.Id}/messages";
        for (var i = 1; i <= 3; i++)
        {
            var sent = await client.PostAsJsonAsync(url, new SendMessageRequest($"c-{i}", $"Hello {i}", null));
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        }
        var all = await (await client.GetAsync(url)).ReadAsync<List<MessageDto>>();
        Assert.Equal(["Hello 1", "Hello 2", "Hello 3"], all.Select(m => m.Body));
        Assert.All(all, m => Assert.Equal(SenderKind.Visitor, m.SenderKind));
        Assert.All(all, m => Assert.Equal("Vera Visitor", m.SenderName));

        var after = await (await client.GetAsync($"{url}?after={all[0].Id}")).ReadAsync<List<MessageDto>>();
        Assert.Equal(["Hello 2", "Hello 3"], after.Select(m => m.Body));
    }

    [Fact]
    public async Task VisitorA_CannotReadOrWriteVisitorBsConversation()
    {
        var a = await api.StartWidgetAsync("Alice");
        var b = await api.StartWidgetAsync("Bob");
        using var asB = api.Client(b.VisitorToken);
        var aUrl = $"/api/widget/conversations/{a.Conversation.Id}";

        await (await asB.GetAsync(aUrl)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await asB.GetAsync($"{aUrl}/messages")).AssertProblemAsync(HttpStatusCode.NotFound);
        var send = await asB.PostAsJsonAsync($"{aUrl}/messages", new SendMessageRequest("x-1", "intrusion", null));
        await send.AssertProblemAsync(HttpStatusCode.NotFound);

        await using var db = api.CreateDbContext();
        Assert.Equal(0, await db.Messages.CountAsync());
    }

    [Fact]
    public async Task WidgetEndpoints_WithStaffToken_Return403()
    {
        var session = await api.StartWidgetAsync();
        using var client = api.Client(api.Admin.Token);
        var response = await client.GetAsync($"/api/widget/conversations/{session.Conversation.Id}");
        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
