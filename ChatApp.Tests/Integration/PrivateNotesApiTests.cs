using System.Net;
using System.Net.Http.Json;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Tests.Integration;

/// <summary>Private notes over REST, and every visitor-facing REST path proven free of them.</summary>
[Collection(ApiCollection.Name)]
public class PrivateNotesApiTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static string Notes(Guid id) => $"/api/conversations/{id}/notes";

    [Fact]
    public async Task PostNote_StoresAPrivateNote_AndAResendReturnsTheSameNote()
    {
        var op = await api.CreateUserAsync(name: "Otto Operator");
        var session = await api.StartWidgetAsync();
        using var client = api.Client(op.Token);

        var first = await client.PostAsJsonAsync(Notes(session.Conversation.Id), new SendNoteRequest("note-1", "  VIP customer, be kind  "));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var note = await first.ReadAsync<MessageDto>();
        Assert.True(note.IsPrivate);
        Assert.Equal("VIP customer, be kind", note.Body);
        Assert.Equal(SenderKind.Operator, note.SenderKind);
        Assert.Equal(op.Id, note.SenderUserId);
        Assert.Equal("Otto Operator", note.SenderName);

        var again = await client.PostAsJsonAsync(Notes(session.Conversation.Id), new SendNoteRequest("note-1", "VIP customer, be kind"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(note.Id, (await again.ReadAsync<MessageDto>()).Id);

        var thread = await (await client.GetAsync($"/api/conversations/{session.Conversation.Id}/messages")).ReadAsync<List<MessageDto>>();
        Assert.True(Assert.Single(thread).IsPrivate);
        await using var db = api.CreateDbContext();
        Assert.True((await db.Messages.SingleAsync()).IsPrivate);
    }

    [Fact]
    public async Task PostNote_ConcurrentResends_StoreOnce()
    {
        var session = await api.StartWidgetAsync();
        using var client = api.Client(api.Admin.Token);
        var responses = await Task.WhenAll(Enumerable.Range(0, 6)
            .Select(_ => client.PostAsJsonAsync(Notes(session.Conversation.Id), new SendNoteRequest("raced-note", "once"))));
        var ids = new HashSet<long>();
        foreach (var response in responses) ids.Add((await response.ReadAsync<MessageDto>()).Id);
        Assert.Single(ids);
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
    }

    [Fact]
    public async Task PostNote_IsRefusedToVisitors_AndValidatesLikeMessages()
    {
        var session = await api.StartWidgetAsync();
        using var visitor = api.Client(session.VisitorToken);
        await (await visitor.PostAsJsonAsync(Notes(session.Conversation.Id), new SendNoteRequest("v-note", "hi"))).AssertProblemAsync(HttpStatusCode.Forbidden);

        using var staff = api.Client(api.Admin.Token);
        await (await staff.PostAsJsonAsync(Notes(session.Conversation.Id), new SendNoteRequest("n-1", "   "))).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await staff.PostAsJsonAsync(Notes(session.Conversation.Id), new SendNoteRequest(null, "text"))).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await staff.PostAsJsonAsync(Notes(session.Conversation.Id), new SendNoteRequest("n-2", new string('x', 4001)))).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await staff.PostAsJsonAsync(Notes(Guid.NewGuid()), new SendNoteRequest("n-3", "text"))).AssertProblemAsync(HttpStatusCode.NotFound);
        await using var db = api.CreateDbContext();
        Assert.Equal(0, await db.Messages.CountAsync());
    }

    [Fact]
    public async Task PostNote_OnAClosedConversation_IsAllowed()
    {
        var session = await api.StartWidgetAsync();
        using var staff = api.Client(api.Admin.Token);
        await (await staff.PostAsync($"/api/conversations/{session.Conversation.Id}/close", null)).ReadAsync<ConversationDto>();
        var response = await staff.PostAsJsonAsync(Notes(session.Conversation.Id), new SendNoteRequest("after-close", "Refund sent after closing"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Note_ChangesNeitherPreviewNorUnreadCountNorActivityTime()
    {
        var session = await api.StartWidgetAsync();
        using var visitor = api.Client(session.VisitorToken);
        await (await visitor.PostAsJsonAsync($"/api/widget/conversations/{session.Conversation.Id}/messages",
            new SendMessageRequest("v-1", "Where is my parcel?", null))).ReadAsync<MessageDto>();
        using var staff = api.Client(api.Admin.Token);
        var before = await (await staff.GetAsync($"/api/conversations/{session.Conversation.Id}")).ReadAsync<ConversationDto>();

        await (await staff.PostAsJsonAsync(Notes(session.Conversation.Id), new SendNoteRequest("n-1", "SECRET: refund him"))).ReadAsync<MessageDto>();

        var after = await (await staff.GetAsync($"/api/conversations/{session.Conversation.Id}")).ReadAsync<ConversationDto>();
        Assert.Equal("Where is my parcel?", after.LastMessagePreview);
        Assert.Equal(before.LastMessageAt, after.LastMessageAt);
        Assert.Equal(1, after.UnreadCount);
        var widget = await (await visitor.GetAsync($"/api/widget/conversations/{session.Conversation.Id}")).ReadAsync<ConversationDto>();
        Assert.Equal("Where is my parcel?", widget.LastMessagePreview);
        var resumed = await (await visitor.GetAsync("/api/widget/conversations/current")).ReadAsync<WidgetSessionDto>();
        Assert.DoesNotContain("SECRET", resumed.Conversation.LastMessagePreview ?? "");
    }

    [Fact]
    public async Task WidgetHistory_NeverContainsNotesOrActivityRecords()
    {
        var session = await api.StartWidgetAsync();
        var id = session.Conversation.Id;
        using var visitor = api.Client(session.VisitorToken);
        using var staff = api.Client(api.Admin.Token);
        await (await visitor.PostAsJsonAsync($"/api/widget/conversations/{id}/messages", new SendMessageRequest("v-1", "Hello", null))).ReadAsync<MessageDto>();
        await (await staff.PostAsJsonAsync(Notes(id), new SendNoteRequest("n-1", "SECRET note"))).ReadAsync<MessageDto>();
        await (await staff.PostAsync($"/api/conversations/{id}/assign", null)).ReadAsync<ConversationDto>();
        await (await staff.PostAsJsonAsync($"/api/conversations/{id}/messages", new SendMessageRequest("o-1", "Hi there", null))).ReadAsync<MessageDto>();
        await (await staff.PostAsync($"/api/conversations/{id}/close", null)).ReadAsync<ConversationDto>();

        var staffView = await (await staff.GetAsync($"/api/conversations/{id}/messages")).ReadAsync<List<MessageDto>>();
        Assert.Equal(5, staffView.Count);
        var widgetView = await (await visitor.GetAsync($"/api/widget/conversations/{id}/messages")).ReadAsync<List<MessageDto>>();
        Assert.Equal(["Hello", "Hi there"], widgetView.Select(m => m.Body));
        Assert.All(widgetView, m => Assert.False(m.IsPrivate));
        // Paging from a cursor inside the private ones still skips them.
        var afterFirst = await (await visitor.GetAsync($"/api/widget/conversations/{id}/messages?after={widgetView[0].Id}&limit=1")).ReadAsync<List<MessageDto>>();
        Assert.Equal("Hi there", Assert.Single(afterFirst).Body);
    }

    [Fact]
    public async Task Transcripts_ForTheVisitor_NeverContainNotesOrActivityRecords_ForStaff_MarkTheNotes()
    {
        var session = await api.StartWidgetAsync("Vera Visitor");
        var id = session.Conversation.Id;
        var op = await api.CreateUserAsync(name: "Otto Operator");
        using var visitor = api.Client(session.VisitorToken);
        using var staff = api.Client(op.Token);
        await (await visitor.PostAsJsonAsync($"/api/widget/conversations/{id}/messages", new SendMessageRequest("v-1", "Hello", null))).ReadAsync<MessageDto>();
        await (await staff.PostAsync($"/api/conversations/{id}/assign", null)).ReadAsync<ConversationDto>();
        await (await staff.PostAsJsonAsync(Notes(id), new SendNoteRequest("n-1", "SECRET note\nsecond line"))).ReadAsync<MessageDto>();
        await (await staff.PostAsJsonAsync($"/api/conversations/{id}/messages", new SendMessageRequest("o-1", "Hi there", null))).ReadAsync<MessageDto>();
        await (await staff.PostAsync($"/api/conversations/{id}/close", null)).ReadAsync<ConversationDto>();

        var visitorText = await (await visitor.GetAsync($"/api/widget/conversations/{id}/transcript")).Content.ReadAsStringAsync();
        Assert.Contains("Vera Visitor: Hello", visitorText);
        Assert.Contains("Otto Operator: Hi there", visitorText);
        Assert.DoesNotContain("SECRET", visitorText);
        Assert.DoesNotContain("second line", visitorText);
        Assert.DoesNotContain("Private note", visitorText);
        Assert.DoesNotContain("assigned the conversation", visitorText);
        Assert.DoesNotContain("closed the conversation", visitorText);
        var listed = await (await visitor.GetAsync("/api/widget/conversations")).ReadAsync<List<ConversationSummaryDto>>();
        Assert.DoesNotContain("SECRET", Assert.Single(listed).LastMessagePreview ?? "");

        var staffResponse = await staff.GetAsync($"/api/conversations/{id}/transcript");
        Assert.Equal(HttpStatusCode.OK, staffResponse.StatusCode);
        var staffLines = (await staffResponse.Content.ReadAsStringAsync()).Split('\n');
        var noteLine = Array.FindIndex(staffLines, l => l.Contains("SECRET note"));
        Assert.True(noteLine > 0, string.Join('\n', staffLines));
        Assert.Contains("] [Private note] Otto Operator: SECRET note", staffLines[noteLine]);
        Assert.Equal("    second line", staffLines[noteLine + 1].TrimEnd('\r'));
        Assert.Contains(staffLines, l => l.Contains("] Otto Operator: Hi there") && !l.Contains("Private note"));
        Assert.Contains(staffLines, l => l.Contains("Otto Operator closed the conversation."));
    }

    [Fact]
    public async Task Visitor_ReusingANotesClientId_GetsAConflict_WithoutTheNote()
    {
        var session = await api.StartWidgetAsync();
        using var staff = api.Client(api.Admin.Token);
        await (await staff.PostAsJsonAsync(Notes(session.Conversation.Id), new SendNoteRequest("guessed-id", "SECRET note"))).ReadAsync<MessageDto>();
        using var visitor = api.Client(session.VisitorToken);
        var response = await visitor.PostAsJsonAsync($"/api/widget/conversations/{session.Conversation.Id}/messages",
            new SendMessageRequest("guessed-id", "hello", null));
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("SECRET", body);
        await response.AssertProblemAsync(HttpStatusCode.Conflict);
    }
}
