using System.Net;
using System.Net.Http.Json;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Tests.Integration;

/// <summary>Assign, transfer, unassign, close and reopen: each leaves a record in the thread, for staff only.</summary>
[Collection(ApiCollection.Name)]
public class ConversationLifeApiTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static string Url(Guid id, string action) => $"/api/conversations/{id}/{action}";

    private async Task<List<MessageDto>> ThreadAsync(HttpClient staff, Guid id) =>
        await (await staff.GetAsync(Url(id, "messages"))).ReadAsync<List<MessageDto>>();

    [Fact]
    public async Task EachChange_LeavesARecordWithWhoAndWhen_InOrder()
    {
        var otto = await api.CreateUserAsync(name: "Otto Operator");
        var session = await api.StartWidgetAsync();
        var id = session.Conversation.Id;
        using var asOtto = api.Client(otto.Token);
        using var admin = api.Client(api.Admin.Token);
        var start = DateTimeOffset.UtcNow.AddSeconds(-5);

        await (await asOtto.PostAsync(Url(id, "assign"), null)).ReadAsync<ConversationDto>();
        await (await asOtto.PostAsync(Url(id, "unassign"), null)).ReadAsync<ConversationDto>();
        await (await admin.PostAsJsonAsync(Url(id, "assign"), new AssignRequest(otto.Id))).ReadAsync<ConversationDto>();
        await (await asOtto.PostAsync(Url(id, "close"), null)).ReadAsync<ConversationDto>();
        await (await admin.PostAsync(Url(id, "reopen"), null)).ReadAsync<ConversationDto>();

        var records = await ThreadAsync(admin, id);
        Assert.Equal(
        [
            "Otto Operator assigned the conversation to themselves.",
            "Otto Operator unassigned the conversation.",
            "Ada Admin assigned the conversation to Otto Operator.",
            "Otto Operator closed the conversation.",
            "Ada Admin reopened the conversation.",
        ], records.Select(m => m.Body));
        Assert.All(records, m =>
        {
            Assert.Equal(SenderKind.System, m.SenderKind);
            Assert.True(m.IsPrivate);
            Assert.InRange(m.CreatedAt, start, DateTimeOffset.UtcNow.AddSeconds(5));
        });
        Assert.Equal([otto.Id, otto.Id, api.Admin.Id, otto.Id, api.Admin.Id], records.Select(m => m.SenderUserId!.Value));
        Assert.Equal("Ada Admin", records[^1].SenderName);

        // Doing nothing new records nothing.
        await (await admin.PostAsync(Url(id, "reopen"), null)).ReadAsync<ConversationDto>();
        await (await asOtto.PostAsync(Url(id, "assign"), null)).ReadAsync<ConversationDto>();
        Assert.Equal(5, (await ThreadAsync(admin, id)).Count);
    }

    [Fact]
    public async Task Reopen_GoesBackToTheOperator_OrToTheQueueWhenTheyAreGone()
    {
        var otto = await api.CreateUserAsync(name: "Otto");
        var a = await api.StartWidgetAsync("A");
        var b = await api.StartWidgetAsync("B");
        using var admin = api.Client(api.Admin.Token);
        foreach (var id in new[] { a.Conversation.Id, b.Conversation.Id })
        {
            await (await admin.PostAsJsonAsync(Url(id, "assign"), new AssignRequest(otto.Id))).ReadAsync<ConversationDto>();
            await (await admin.PostAsync(Url(id, "close"), null)).ReadAsync<ConversationDto>();
        }

        var reopened = await (await admin.PostAsync(Url(a.Conversation.Id, "reopen"), null)).ReadAsync<ConversationDto>();
        Assert.Equal(ConversationStatus.Assigned, reopened.Status);
        Assert.Equal(otto.Id, reopened.AssignedUserId);
        Assert.Null(reopened.ClosedAt);

        await (await admin.PostAsync($"/api/users/{otto.Id}/deactivate", null)).ReadAsync<UserDto>();
        var queued = await (await admin.PostAsync(Url(b.Conversation.Id, "reopen"), null)).ReadAsync<ConversationDto>();
        Assert.Equal(ConversationStatus.Open, queued.Status);
        Assert.Null(queued.AssignedUserId);

        // The visitor can write again.
        using var visitor = api.Client(a.VisitorToken);
        var sent = await visitor.PostAsJsonAsync($"/api/widget/conversations/{a.Conversation.Id}/messages", new SendMessageRequest("after", "Back again", null));
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        await (await admin.PostAsync(Url(Guid.NewGuid(), "reopen"), null)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Unassign_IsForTheAssigneeOrAnAdmin()
    {
        var otto = await api.CreateUserAsync(name: "Otto");
        var bea = await api.CreateUserAsync(name: "Bea");
        var session = await api.StartWidgetAsync();
        var id = session.Conversation.Id;
        using var asOtto = api.Client(otto.Token);
        using var asBea = api.Client(bea.Token);
        await (await asOtto.PostAsync(Url(id, "assign"), null)).ReadAsync<ConversationDto>();

        await (await asBea.PostAsync(Url(id, "unassign"), null)).AssertProblemAsync(HttpStatusCode.Forbidden);
        var unassigned = await (await asOtto.PostAsync(Url(id, "unassign"), null)).ReadAsync<ConversationDto>();
        Assert.Equal(ConversationStatus.Open, unassigned.Status);
        Assert.Null(unassigned.AssignedUserId);

        await (await asBea.PostAsync(Url(id, "assign"), null)).ReadAsync<ConversationDto>();
        using var admin = api.Client(api.Admin.Token);
        Assert.Equal(ConversationStatus.Open, (await (await admin.PostAsync(Url(id, "unassign"), null)).ReadAsync<ConversationDto>()).Status);
        Assert.EndsWith("unassigned Bea from the conversation.", (await ThreadAsync(admin, id))[^1].Body);
    }

    [Fact]
    public async Task Transfer_ByTheAssignee_WithANote_StoresAssignmentRecordAndNoteTogether()
    {
        var otto = await api.CreateUserAsync(name: "Otto");
        var bea = await api.CreateUserAsync(name: "Bea");
        var session = await api.StartWidgetAsync();
        var id = session.Conversation.Id;
        using var asOtto = api.Client(otto.Token);
        using var asBea = api.Client(bea.Token);
        await (await asOtto.PostAsync(Url(id, "assign"), null)).ReadAsync<ConversationDto>();

        // Only the assignee (or an admin) hands a conversation to someone else.
        await (await asBea.PostAsJsonAsync(Url(id, "assign"), new AssignRequest(otto.Id, "x"))).AssertProblemAsync(HttpStatusCode.Forbidden);

        var transferred = await (await asOtto.PostAsJsonAsync(Url(id, "assign"), new AssignRequest(bea.Id, "  Wants a refund; invoice 778  ")))
            .ReadAsync<ConversationDto>();
        Assert.Equal(bea.Id, transferred.AssignedUserId);
        Assert.Equal("Bea", transferred.AssignedUserName);

        var thread = await ThreadAsync(asBea, id);
        Assert.Equal("Otto transferred the conversation to Bea.", thread[^2].Body);
        Assert.Equal(SenderKind.System, thread[^2].SenderKind);
        var note = thread[^1];
        Assert.Equal("Wants a refund; invoice 778", note.Body);
        Assert.True(note.IsPrivate);
        Assert.Equal(SenderKind.Operator, note.SenderKind);
        Assert.Equal(otto.Id, note.SenderUserId);

        using var visitor = api.Client(session.VisitorToken);
        Assert.Empty(await (await visitor.GetAsync($"/api/widget/conversations/{id}/messages")).ReadAsync<List<MessageDto>>());
    }

    [Fact]
    public async Task Transfer_WithAnInvalidNote_ChangesNothing()
    {
        var otto = await api.CreateUserAsync(name: "Otto");
        var bea = await api.CreateUserAsync(name: "Bea");
        var session = await api.StartWidgetAsync();
        using var asOtto = api.Client(otto.Token);
        await (await asOtto.PostAsync(Url(session.Conversation.Id, "assign"), null)).ReadAsync<ConversationDto>();
        await (await asOtto.PostAsJsonAsync(Url(session.Conversation.Id, "assign"), new AssignRequest(bea.Id, new string('x', 4001))))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        await using var db = api.CreateDbContext();
        Assert.Equal(otto.Id, (await db.Conversations.SingleAsync()).AssignedUserId);
        Assert.Equal(1, await db.Messages.CountAsync());
    }

    [Fact]
    public async Task Counts_GiveEachTabsConversationsWithUnreadMessages()
    {
        var otto = await api.CreateUserAsync(name: "Otto");
        async Task<WidgetSessionDto> WithMessage(string name)
        {
            var s = await api.StartWidgetAsync(name);
            using var v = api.Client(s.VisitorToken);
            await (await v.PostAsJsonAsync($"/api/widget/conversations/{s.Conversation.Id}/messages", new SendMessageRequest("m", "hello", null)))
                .ReadAsync<MessageDto>();
            return s;
        }
        await WithMessage("Waiting 1");
        await WithMessage("Waiting 2");
        var mine = await WithMessage("Mine");
        var theirs = await WithMessage("Theirs");
        var read = await WithMessage("Read");
        using var asOtto = api.Client(otto.Token);
        using var admin = api.Client(api.Admin.Token);
        await (await asOtto.PostAsync(Url(mine.Conversation.Id, "assign"), null)).ReadAsync<ConversationDto>();
        await (await admin.PostAsync(Url(theirs.Conversation.Id, "assign"), null)).ReadAsync<ConversationDto>();
        await (await admin.PostAsJsonAsync(Url(read.Conversation.Id, "messages"), new SendMessageRequest("r", "answered", null))).ReadAsync<MessageDto>();

        var counts = await (await asOtto.GetAsync("/api/conversations/counts")).ReadAsync<InboxCountsDto>();
        Assert.Equal(new InboxCountsDto(Unassigned: 2, Mine: 1, Assigned: 2, Closed: 0), counts);
        var adminCounts = await (await admin.GetAsync("/api/conversations/counts")).ReadAsync<InboxCountsDto>();
        Assert.Equal(1, adminCounts.Mine);

        using var anonymous = api.Client();
        await (await anonymous.GetAsync("/api/conversations/counts")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
