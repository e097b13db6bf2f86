using System.Net;
using System.Net.Http.Json;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Tests.Integration;

[Collection(ApiCollection.Name)]
public class ConversationsApiTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static string Messages(Guid id) => $"/api/conversations/{id}/messages";

    [Fact]
    public async Task List_FiltersByStatusAndAssigneeAndPages()
    {
        var op = await api.CreateUserAsync();
        var sessions = new List<WidgetSessionDto>();
        for (var i = 0; i < 5; i++) sessions.Add(await api.StartWidgetAsync($"V{i}"));
        using var asOp = api.Client(op.Token);
        await (await asOp.PostAsync($"/api/conversations/{sessions[0].Conversation.Id}/assign", null)).ReadAsync<ConversationDto>();
        await (await asOp.PostAsync($"/api/conversations/{sessions[1].Conversation.Id}/close", null)).ReadAsync<ConversationDto>();

        var open = await (await asOp.GetAsync("/api/conversations?status=Open&pageSize=2&page=1")).ReadAsync<PageDto<ConversationSummaryDto>>();
        Assert.Equal(3, open.TotalCount);
        Assert.Equal(2, open.Items.Count);
        var page2 = await (await asOp.GetAsync("/api/conversations?status=Open&pageSize=2&page=2")).ReadAsync<PageDto<ConversationSummaryDto>>();
        Assert.Single(page2.Items);
        Assert.Empty(open.Items.Select(c => c.Id).Intersect(page2.Items.Select(c => c.Id)));

        var mine = await (await asOp.GetAsync("/api/conversations?assignee=me")).ReadAsync<PageDto<ConversationSummaryDto>>();
        Assert.Equal(sessions[0].Conversation.Id, Assert.Single(mine.Items).Id);
        var closed = await (await asOp.GetAsync("/api/conversations?status=Closed")).ReadAsync<PageDto<ConversationSummaryDto>>();
        Assert.Equal(sessions[1].Conversation.Id, Assert.Single(closed.Items).Id);
        var all = await (await asOp.GetAsync("/api/conversations")).ReadAsync<PageDto<ConversationSummaryDto>>();
        Assert.Equal(5, all.TotalCount);
    }

    [Theory]
    [InlineData("/api/conversations?status=Bogus")]
    [InlineData("/api/conversations?pageSize=1000")]
    [InlineData("/api/conversations?page=0")]
    [InlineData("/api/conversations?assignee=someone")]
    public async Task List_WithBadQuery_Returns400Problem(string url)
    {
        using var client = api.Client(api.Admin.Token);
        await (await client.GetAsync(url)).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task List_WithoutToken_Returns401()
    {
        using var client = api.Client();
        await (await client.GetAsync("/api/conversations")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Get_ReturnsVisitorContext_AndUnknownIdIs404()
    {
        var session = await api.StartWidgetAsync("Vera", "vera@example.com");
        using var client = api.Client(api.Admin.Token);
        var conversation = await (await client.GetAsync($"/api/conversations/{session.Conversation.Id}")).ReadAsync<ConversationDto>();
        Assert.Equal("vera@example.com", conversation.VisitorEmail);
        Assert.Equal("https://shop.example/cart", conversation.PageUrl);
        await (await client.GetAsync($"/api/conversations/{Guid.NewGuid()}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Send_OperatorReply_IsStoredWithSenderAndUpdatesTheConversation()
    {
        var op = await api.CreateUserAsync(name: "Otto Operator");
        var session = await api.StartWidgetAsync();
        using var visitor = api.Client(session.VisitorToken);
        await (await visitor.PostAsJsonAsync($"/api/widget/conversations/{session.Conversation.Id}/messages",
            new SendMessageRequest("v-1", "Where is my order?", null))).ReadAsync<MessageDto>();

        using var client = api.Client(op.Token);
        var before = await (await client.GetAsync($"/api/conversations/{session.Conversation.Id}")).ReadAsync<ConversationDto>();
        Assert.Equal(1, before.UnreadCount);

        var response = await client.PostAsJsonAsync(Messages(session.Conversation.Id), new SendMessageRequest("o-1", "  On its way!  ", null));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var reply = await response.ReadAsync<MessageDto>();
        Assert.Equal("On its way!", reply.Body);
        Assert.Equal(SenderKind.Operator, reply.SenderKind);
        Assert.Equal(op.Id, reply.SenderUserId);
        Assert.Equal("Otto Operator", reply.SenderName);

        var after = await (await client.GetAsync($"/api/conversations/{session.Conversation.Id}")).ReadAsync<ConversationDto>();
        Assert.Equal("On its way!", after.LastMessagePreview);
        Assert.Equal(0, after.UnreadCount);
        var thread = await (await client.GetAsync(Messages(session.Conversation.Id))).ReadAsync<List<MessageDto>>();
        Assert.Equal(["Where is my order?", "On its way!"], thread.Select(m => m.Body));
    }

    [Fact]
    public async Task Send_WhenResentWithSameClientId_StoresOnce()
    {
        var session = await api.StartWidgetAsync();
        using var client = api.Client(api.Admin.Token);
        var request = new SendMessageRequest("same-id", "Hello once", null);
        var first = await client.PostAsJsonAsync(Messages(session.Conversation.Id), request);
        var second = await client.PostAsJsonAsync(Messages(session.Conversation.Id), request);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((await first.ReadAsync<MessageDto>()).Id, (await second.ReadAsync<MessageDto>()).Id);
        await using var db = api.CreateDbContext();
        Assert.Equal(1, await db.Messages.CountAsync());
    }

    [Fact]
    public async Task Send_ConcurrentResends_StoreOnce()
    {
        var session = await api.StartWidgetAsync();
        using var client = api.Client(api.Admin.Token);
        var request = new SendMessageRequest("raced-id", "Hello once", null);
        var responses = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(_ => client.PostAsJsonAsync(Messages(session.Conversation.Id), request)));
        var ids = new HashSet<long>();
        foreach (var response in responses) ids.Add((await response.ReadAsync<MessageDto>()).Id);
        Assert.Single(ids);
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        await using var db = api.CreateDbContext();
        Assert.Equal(1, await db.Messages.CountAsync());
    }

    [Fact]
    public async Task Send_ConcurrentMessagesAcrossConversations_AreAllStoredOnceWithCorrectActivity()
    {
        // Many sends at once land in shared insert batches: each must still be stored once, in its own conversation,
        // with the conversation's preview and unread count right.
        var sessions = new List<WidgetSessionDto>();
        for (var i = 0; i < 4; i++) sessions.Add(await api.StartWidgetAsync($"V{i}"));
        var sends = sessions.SelectMany(session => Enumerable.Range(0, 10).Select(async n =>
        {
            using var visitor = api.Client(session.VisitorToken);
            var response = await visitor.PostAsJsonAsync($"/api/widget/conversations/{session.Conversation.Id}/messages",
                new SendMessageRequest($"c{n}", $"{session.Conversation.Id} #{n}", null));
            return await response.ReadAsync<MessageDto>();
        })).ToList();
        var stored = await Task.WhenAll(sends);

        Assert.Equal(40, stored.Select(m => m.Id).Distinct().Count());
        Assert.All(stored, m => Assert.StartsWith(m.ConversationId.ToString(), m.Body));
        await using var db = api.CreateDbContext();
        Assert.Equal(40, await db.Messages.CountAsync());
        foreach (var session in sessions)
        {
            var conversation = await db.Conversations.SingleAsync(c => c.Id == session.Conversation.Id);
            var last = await db.Messages.Where(m => m.ConversationId == session.Conversation.Id).OrderBy(m => m.Id).LastAsync();
            Assert.Equal(10, conversation.OperatorUnreadCount);
            Assert.Equal(last.Body, conversation.LastMessagePreview);
            Assert.Equal(last.Id, conversation.VisitorLastReadMessageId);
        }

        using var admin = api.Client(api.Admin.Token);
        await (await admin.PostAsJsonAsync(Messages(sessions[0].Conversation.Id), new SendMessageRequest("reply", "Hi!", null)))
            .ReadAsync<MessageDto>();
        await using var after = api.CreateDbContext();
        Assert.Equal(0, (await after.Conversations.SingleAsync(c => c.Id == sessions[0].Conversation.Id)).OperatorUnreadCount);
    }

    [Fact]
    public async Task Send_SameClientIdFromAnotherSender_Returns409()
    {
        var session = await api.StartWidgetAsync();
        using var visitor = api.Client(session.VisitorToken);
        await (await visitor.PostAsJsonAsync($"/api/widget/conversations/{session.Conversation.Id}/messages",
            new SendMessageRequest("shared-id", "from visitor", null))).ReadAsync<MessageDto>();
        using var admin = api.Client(api.Admin.Token);
        var response = await admin.PostAsJsonAsync(Messages(session.Conversation.Id), new SendMessageRequest("shared-id", "from admin", null));
        await response.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Send_TenThousandCharacterBody_Returns400AndStoresNothing()
    {
        var session = await api.StartWidgetAsync();
        using var client = api.Client(api.Admin.Token);
        var response = await client.PostAsJsonAsync(Messages(session.Conversation.Id),
            new SendMessageRequest("long-1", new string('x', 10_000), null));
        var detail = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("10000 characters", detail);
        Assert.Contains($"{MessageRules.MaxBodyLength}", detail);
        await using var db = api.CreateDbContext();
        Assert.Equal(0, await db.Messages.CountAsync());
        Assert.Null((await db.Conversations.SingleAsync()).LastMessageAt);
    }

    [Theory]
    [InlineData(null, "body")]
    [InlineData("   ", "body")]
    public async Task Send_EmptyBody_Returns400(string? body, string field)
    {
        var session = await api.StartWidgetAsync();
        using var client = api.Client(api.Admin.Token);
        var response = await client.PostAsJsonAsync(Messages(session.Conversation.Id), new SendMessageRequest("e-1", body, null));
        Assert.Contains(field, await response.Content.ReadAsStringAsync());
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Send_WithoutClientMessageId_Returns400()
    {
        var session = await api.StartWidgetAsync();
        using var client = api.Client(api.Admin.Token);
        var response = await client.PostAsJsonAsync(Messages(session.Conversation.Id), new SendMessageRequest(null, "hi", null));
        var detail = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("client message id", detail);
    }

    [Fact]
    public async Task Send_ToClosedConversation_Returns409()
    {
        var session = await api.StartWidgetAsync();
        using var client = api.Client(api.Admin.Token);
        await (await client.PostAsync($"/api/conversations/{session.Conversation.Id}/close", null)).ReadAsync<ConversationDto>();
        using var visitor = api.Client(session.VisitorToken);
        var response = await visitor.PostAsJsonAsync($"/api/widget/conversations/{session.Conversation.Id}/messages",
            new SendMessageRequest("late-1", "anyone there?", null));
        var detail = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("closed", detail);
    }

    [Fact]
    public async Task Messages_AfterCursorAndLimit_PageThroughInOrder()
    {
        var session = await api.StartWidgetAsync();
        using var client = api.Client(api.Admin.Token);
        for (var i = 0; i < 7; i++)
        {
            await (await client.PostAsJsonAsync(Messages(session.Conversation.Id), new SendMessageRequest($"m{i}", $"#{i}", null)))
                .ReadAsync<MessageDto>();
        }
        var seen = new List<string>();
        long after = 0;
        while (true)
        {
            var page = await (await client.GetAsync($"{Messages(session.Conversation.Id)}?after={after}&limit=3")).ReadAsync<List<MessageDto>>();
            if (page.Count == 0) break;
            seen.AddRange(page.Select(m => m.Body));
            after = page[^1].Id;
        }
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"#{i}"), seen);
        await (await client.GetAsync($"{Messages(session.Conversation.Id)}?limit=0")).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Assign_OperatorToSelf_Works_ButNotToSomeoneElse()
    {
        var op = await api.CreateUserAsync();
        var other = await api.CreateUserAsync();
        var session = await api.StartWidgetAsync();
        using var client = api.Client(op.Token);
        var url = $"/api/conversations/{session.Conversation.Id}/assign";

        var forbidden = await client.PostAsJsonAsync(url, new AssignRequest(other.Id));
        await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
        var assigned = await (await client.PostAsJsonAsync(url, new AssignRequest(null))).ReadAsync<ConversationDto>();
        Assert.Equal(ConversationStatus.Assigned, assigned.Status);
        Assert.Equal(op.Id, assigned.AssignedUserId);
    }

    [Fact]
    public async Task Assign_AdminToAnyone_Works_AndUnknownUserIs400()
    {
        var op = await api.CreateUserAsync(name: "Olga");
        var session = await api.StartWidgetAsync();
        using var client = api.Client(api.Admin.Token);
        var url = $"/api/conversations/{session.Conversation.Id}/assign";
        var assigned = await (await client.PostAsJsonAsync(url, new AssignRequest(op.Id))).ReadAsync<ConversationDto>();
        Assert.Equal(op.Id, assigned.AssignedUserId);
        Assert.Equal("Olga", assigned.AssignedUserName);
        await (await client.PostAsJsonAsync(url, new AssignRequest(Guid.NewGuid()))).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Close_SetsStatusAndTime_AndClosedCannotBeAssigned()
    {
        var session = await api.StartWidgetAsync();
        using var client = api.Client(api.Admin.Token);
        var closed = await (await client.PostAsync($"/api/conversations/{session.Conversation.Id}/close", null)).ReadAsync<ConversationDto>();
        Assert.Equal(ConversationStatus.Closed, closed.Status);
        Assert.NotNull(closed.ClosedAt);
        var assign = await client.PostAsync($"/api/conversations/{session.Conversation.Id}/assign", null);
        await assign.AssertProblemAsync(HttpStatusCode.Conflict);
    }
}
