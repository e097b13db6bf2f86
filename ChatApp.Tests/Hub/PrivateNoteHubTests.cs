using System.Net.Http.Json;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;

namespace ChatApp.Tests.Hub;

/// <summary>
/// Private notes and activity records over the hub: live to the staff following the conversation, never to its visitor
/// (each visitor check ends with a fence: whatever leaked would have arrived before the visitor's own echo).
/// </summary>
[Collection(ApiCollection.Name)]
public class PrivateNoteHubTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task SendNote_ReachesTheStaffFollowingTheConversation_NeverItsVisitor()
    {
        var session = await api.StartWidgetAsync();
        var id = session.Conversation.Id;
        var writer = await api.CreateUserAsync(name: "Otto");
        var colleague = await api.CreateUserAsync(name: "Bea");
        var elsewhere = await api.CreateUserAsync(name: "Cy");
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);
        await using var otto = await HubTestClient.ConnectAsync(api, writer.Token);
        await using var bea = await HubTestClient.ConnectAsync(api, colleague.Token);
        await using var cy = await HubTestClient.ConnectAsync(api, elsewhere.Token);
        await otto.JoinAsync(id);
        await bea.JoinAsync(id);

        var note = await otto.SendNoteAsync(id, "SECRET: he already got a refund");

        Assert.True(note.IsPrivate);
        Assert.Equal("Otto", note.SenderName);
        var received = await bea.Messages.NextAsync();
        Assert.Equal(note.Id, received.Id);
        Assert.True(received.IsPrivate);
        Assert.Equal(note.Id, (await otto.Messages.NextAsync()).Id);

        await visitor.FenceAsync(id);
        visitor.Messages.AssertNonePending();
        Assert.DoesNotContain(visitor.Updates.All, u => (u.LastMessagePreview ?? "").Contains("SECRET"));
        // Staff who do not follow the conversation get no copy either (they read it when they open it), nor a preview.
        await cy.JoinAsync(id);
        await cy.FenceAsync(id);
        Assert.DoesNotContain(cy.Messages.All, m => m.Id == note.Id);
        Assert.DoesNotContain(cy.Updates.All, u => (u.LastMessagePreview ?? "").Contains("SECRET"));
    }

    [Fact]
    public async Task SendNote_ResentWithTheSameClientId_IsStoredAndBroadcastOnce()
    {
        var session = await api.StartWidgetAsync();
        var id = session.Conversation.Id;
        var staffUser = await api.CreateUserAsync();
        await using var staff = await HubTestClient.ConnectAsync(api, staffUser.Token);
        await using var colleague = await HubTestClient.ConnectAsync(api, (await api.CreateUserAsync()).Token);
        await staff.JoinAsync(id);
        await colleague.JoinAsync(id);

        var first = await staff.SendNoteAsync(id, "Check the invoice", "note-once");
        var second = await staff.SendNoteAsync(id, "Check the invoice", "note-once");

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Id, (await colleague.Messages.NextAsync()).Id);
        await colleague.FenceAsync(id);
        colleague.Messages.AssertNonePending();
        Assert.Single(await api.StoredMessagesAsync(id), m => m.IsPrivate);
    }

    [Fact]
    public async Task Visitor_CannotSendNotes_AndGetMessagesAfterNeverReturnsNotesOrRecords()
    {
        var session = await api.StartWidgetAsync();
        var id = session.Conversation.Id;
        var staffUser = await api.CreateUserAsync(name: "Otto");
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);
        await using var staff = await HubTestClient.ConnectAsync(api, staffUser.Token);
        await staff.JoinAsync(id);

        await HubAssert.RefusedAsync(() => visitor.SendNoteAsync(id, "let me in"), "Only operators and admins");
        var hello = await visitor.SendAsync(id, "Hello");
        await staff.SendNoteAsync(id, "SECRET note");
        using var rest = api.Client(staffUser.Token);
        await (await rest.PostAsync($"/api/conversations/{id}/assign", null)).ReadAsync<ConversationDto>();
        var reply = await staff.SendAsync(id, "Hi, Otto here");

        var forVisitor = await visitor.GetMessagesAfterAsync(id, 0);
        Assert.Equal([hello.Id, reply.Id], forVisitor.Select(m => m.Id));
        var afterHello = await visitor.GetMessagesAfterAsync(id, hello.Id);
        Assert.Equal([reply.Id], afterHello.Select(m => m.Id));
        var forStaff = await staff.GetMessagesAfterAsync(id, 0);
        Assert.Equal(["Hello", "SECRET note", "Otto assigned the conversation to themselves.", "Hi, Otto here"], forStaff.Select(m => m.Body));

        // Live, too: the visitor's own message, the reply, then straight the fence.
        Assert.Equal([hello.Id, reply.Id], (await visitor.Messages.NextAsync(2)).Select(m => m.Id));
        await visitor.FenceAsync(id);
        Assert.Equal([hello.Id, reply.Id], visitor.Messages.All.Select(m => m.Id).Where(m => m <= reply.Id));
    }

    [Fact]
    public async Task ActivityRecords_ArriveLive_ForStaffOnly_AndTheVisitorStillLearnsTheStatus()
    {
        var session = await api.StartWidgetAsync();
        var id = session.Conversation.Id;
        var staffUser = await api.CreateUserAsync(name: "Otto");
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);
        await using var staff = await HubTestClient.ConnectAsync(api, staffUser.Token);
        await staff.JoinAsync(id);
        var hello = await visitor.SendAsync(id, "Hello");
        await staff.Messages.NextAsync(m => m.Id == hello.Id);
        await visitor.Messages.NextAsync(m => m.Id == hello.Id);
        using var rest = api.Client(staffUser.Token);

        await (await rest.PostAsync($"/api/conversations/{id}/assign", null)).ReadAsync<ConversationDto>();
        await (await rest.PostAsync($"/api/conversations/{id}/close", null)).ReadAsync<ConversationDto>();
        await (await rest.PostAsync($"/api/conversations/{id}/reopen", null)).ReadAsync<ConversationDto>();

        var records = await staff.Messages.NextAsync(3);
        Assert.Equal(["Otto assigned the conversation to themselves.", "Otto closed the conversation.", "Otto reopened the conversation."],
            records.Select(m => m.Body));
        Assert.All(records, m => Assert.Equal(SenderKind.System, m.SenderKind));

        Assert.Equal([ConversationStatus.Assigned, ConversationStatus.Closed, ConversationStatus.Assigned],
            (await visitor.Updates.NextAsync(3)).Select(u => u.Status));
        Assert.All(visitor.Updates.All, u => Assert.Equal("Hello", u.LastMessagePreview));
        var fence = await visitor.FenceAsync(id);
        // The visitor heard its own message and the fence, nothing else.
        Assert.Equal([hello.Id, fence.Id], visitor.Messages.All.Select(m => m.Id));
    }

    [Fact]
    public async Task MarkRead_ByStaffUpToANote_TellsTheVisitorOnlyTheLastMessageItCanSee()
    {
        var session = await api.StartWidgetAsync();
        var id = session.Conversation.Id;
        var staffUser = await api.CreateUserAsync();
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken);
        await using var staff = await HubTestClient.ConnectAsync(api, staffUser.Token);
        await staff.JoinAsync(id);
        var question = await visitor.SendAsync(id, "Is it in stock?");
        var note = await staff.SendNoteAsync(id, "Ask the warehouse");

        await staff.MarkReadAsync(id, note.Id);

        var read = await visitor.Reads.NextAsync();
        Assert.Equal(new MessagesReadDto(id, SenderKind.Operator, question.Id), read);
        Assert.Equal(question.Id, (await api.StoredConversationAsync(id)).OperatorLastReadMessageId);
    }
}
