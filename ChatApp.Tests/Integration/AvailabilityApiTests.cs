using System.Net;
using System.Net.Http.Json;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Api.Settings;
using ChatApp.Tests.Hub;
using ChatApp.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Tests.Integration;

/// <summary>
/// Availability from operator presence (real hub connections and the status each operator chose) and business hours,
/// and the offline message it leads to.
/// </summary>
[Collection(ApiCollection.Name)]
public class AvailabilityApiTests(ApiFixture api) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await api.ResetAsync();
        api.Factory.OperatorAvailability.Forced = null; // the real thing: who is connected to the hub
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<AvailabilityDto> AvailabilityAsync()
    {
        using var client = api.Client();
        return (await (await client.GetAsync("/api/widget/settings")).ReadAsync<PublicWidgetSettingsDto>()).Availability;
    }

    [Fact]
    public async Task Availability_IsOnlineWhileAnOperatorIsConnected_AndAwayOtherwise()
    {
        Assert.Equal(new AvailabilityDto(AvailabilityStatus.Away, null), await AvailabilityAsync());

        var operatorUser = await api.CreateUserAsync(UserRole.Operator);
        // Connected as far as the server is concerned: OnConnectedAsync (which records the presence) has run.
        await using var hub = await HubTestClient.ConnectAsync(api, operatorUser.Token);
        Assert.Equal(new AvailabilityDto(AvailabilityStatus.Online, null), await AvailabilityAsync());

        await hub.Connection.StopAsync();
        await WaitUntilAsync(async () => (await AvailabilityAsync()).Status == AvailabilityStatus.Away);
    }

    [Fact]
    public async Task Availability_OutsideBusinessHours_IsAwayWithTheNextOpening_EvenWithAnOperatorOnline()
    {
        // The only opening is the day after tomorrow: whenever this runs, now is outside it.
        var day = DateTimeOffset.UtcNow.AddDays(2);
        using var admin = api.Client(api.Admin.Token);
        await (await admin.PutAsJsonAsync("/api/settings/widget", WidgetSettingsApiTests.Valid(
            hours: new BusinessHoursDto(true, "UTC", [new(day.DayOfWeek, "09:00", "17:00")])), TestJson.Options)).ReadAsync<WidgetSettingsDto>();
        var operatorUser = await api.CreateUserAsync(UserRole.Operator);
        await using var hub = await HubTestClient.ConnectAsync(api, operatorUser.Token);

        var availability = await AvailabilityAsync();
        Assert.Equal(AvailabilityStatus.Away, availability.Status);
        Assert.Equal(new DateTimeOffset(day.Year, day.Month, day.Day, 9, 0, 0, TimeSpan.Zero), availability.NextOpeningAt);
    }

    [Fact]
    public async Task Availability_WithinBusinessHours_AndAnOperatorOnline_IsOnline()
    {
        var openAllWeek = Enum.GetValues<DayOfWeek>().Select(d => new BusinessHoursIntervalDto(d, "00:00", "24:00")).ToList();
        using var admin = api.Client(api.Admin.Token);
        await (await admin.PutAsJsonAsync("/api/settings/widget", WidgetSettingsApiTests.Valid(
            hours: new BusinessHoursDto(true, "Asia/Tokyo", openAllWeek)), TestJson.Options)).ReadAsync<WidgetSettingsDto>();
        var operatorUser = await api.CreateUserAsync(UserRole.Operator);
        await using var hub = await HubTestClient.ConnectAsync(api, operatorUser.Token);
        Assert.Equal(AvailabilityStatus.Online, (await AvailabilityAsync()).Status);
    }

    [Fact]
    public async Task Start_WhenAway_WithoutAnEmailOrAMessage_Returns400_AndStoresNothing()
    {
        using var client = api.Client();
        foreach (var request in new[]
        {
            new StartConversationRequest("Night Owl", null, null, "Where is my order?"),
            new StartConversationRequest("Night Owl", "owl@example.com", null, null),
        })
        {
            var response = await client.PostAsJsonAsync("/api/widget/conversations", request, TestJson.Options);
            var detail = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("Nobody is available right now", detail);
        }
        await using var db = api.CreateDbContext();
        Assert.Equal(0, await db.Visitors.CountAsync());
        Assert.Equal(0, await db.Conversations.CountAsync());
    }

    [Fact]
    public async Task Start_WhenAway_StoresAnOfflineMessage_ThatWaitsForTheTeam()
    {
        using var client = api.Client();
        var session = await (await client.PostAsJsonAsync("/api/widget/conversations",
            new StartConversationRequest("Night Owl", "owl@example.com", null, "  Where is my order?  "), TestJson.Options)).ReadAsync<WidgetSessionDto>();
        Assert.True(session.Conversation.IsOfflineMessage);
        Assert.Equal(ConversationStatus.Open, session.Conversation.Status);

        var messages = await api.StoredMessagesAsync(session.Conversation.Id);
        var message = Assert.Single(messages);
        Assert.Equal("Where is my order?", message.Body);
        Assert.Equal(SenderKind.Visitor, message.SenderKind);

        var operatorUser = await api.CreateUserAsync(UserRole.Operator);
        using var staff = api.Client(operatorUser.Token);
        var inbox = await (await staff.GetAsync("/api/conversations?status=Open")).ReadAsync<PageDto<ConversationSummaryDto>>();
        var row = Assert.Single(inbox.Items);
        Assert.True(row.IsOfflineMessage);
        Assert.Equal("Where is my order?", row.LastMessagePreview);
        Assert.Equal(1, row.UnreadCount);
        Assert.Equal("owl@example.com", row.VisitorEmail);

        // The visitor's widget shows it as its own message.
        using var visitor = api.Client(session.VisitorToken);
        var history = await (await visitor.GetAsync($"/api/widget/conversations/{session.Conversation.Id}/messages")).ReadAsync<List<MessageDto>>();
        Assert.Equal(["Where is my order?"], history.Select(m => m.Body));
    }

    [Fact]
    public async Task Start_WhenOnline_IsAnOrdinaryConversation()
    {
        var operatorUser = await api.CreateUserAsync(UserRole.Operator);
        await using var hub = await HubTestClient.ConnectAsync(api, operatorUser.Token);
        var session = await api.StartWidgetAsync("Day Visitor");
        Assert.False(session.Conversation.IsOfflineMessage);
        Assert.Empty(await api.StoredMessagesAsync(session.Conversation.Id));
    }

    [Fact]
    public async Task Availability_FollowsTheStatusOperatorsChoose_AwayWhenTheOnlyConnectedOneChoseAway()
    {
        var operatorUser = await api.CreateUserAsync(UserRole.Operator);
        await using var hub = await HubTestClient.ConnectAsync(api, operatorUser.Token);
        Assert.Equal(AvailabilityStatus.Online, (await AvailabilityAsync()).Status);

        using var asOperator = api.Client(operatorUser.Token);
        await (await asOperator.PutAsJsonAsync("/api/presence/me", new SetPresenceRequest(PresenceStatus.Away), TestJson.Options)).ReadAsync<PresenceDto>();
        Assert.Equal(new AvailabilityDto(AvailabilityStatus.Away, null), await AvailabilityAsync());

        await (await asOperator.PutAsJsonAsync("/api/presence/me", new SetPresenceRequest(PresenceStatus.Online), TestJson.Options)).ReadAsync<PresenceDto>();
        Assert.Equal(AvailabilityStatus.Online, (await AvailabilityAsync()).Status);
    }

    [Fact]
    public async Task Start_OfflineMessage_OutsideBusinessHours_IsAssignedAutomatically_ToAnOnlineOperatorWithRoom()
    {
        var day = DateTimeOffset.UtcNow.AddDays(2);
        using var admin = api.Client(api.Admin.Token);
        await (await admin.PutAsJsonAsync("/api/settings/widget", WidgetSettingsApiTests.Valid(
            hours: new BusinessHoursDto(true, "UTC", [new(day.DayOfWeek, "09:00", "17:00")])), TestJson.Options)).ReadAsync<WidgetSettingsDto>();
        await (await admin.PutAsJsonAsync("/api/settings/assignment", new AssignmentSettingsRequest(true, 2))).ReadAsync<AssignmentSettingsDto>();
        var operatorUser = await api.CreateUserAsync(UserRole.Operator, "Late Larry");
        await using var hub = await HubTestClient.ConnectAsync(api, operatorUser.Token);

        using var client = api.Client();
        var session = await (await client.PostAsJsonAsync("/api/widget/conversations",
            new StartConversationRequest("Night Owl", "owl@example.com", null, "Where is my order?"), TestJson.Options)).ReadAsync<WidgetSessionDto>();

        // Still an offline message (the team is closed), but someone is there with room: it is theirs at once.
        Assert.True(session.Conversation.IsOfflineMessage);
        Assert.Equal(ConversationStatus.Assigned, session.Conversation.Status);
        Assert.Equal(operatorUser.Id, session.Conversation.AssignedUserId);
        var stored = await api.StoredMessagesAsync(session.Conversation.Id);
        Assert.Equal(["Where is my order?", "The conversation was assigned to Late Larry automatically."], stored.Select(m => m.Body));
        Assert.Equal([false, true], stored.Select(m => m.IsPrivate));
        // The visitor sees its own message, never the record.
        using var visitor = api.Client(session.VisitorToken);
        var history = await (await visitor.GetAsync($"/api/widget/conversations/{session.Conversation.Id}/messages")).ReadAsync<List<MessageDto>>();
        Assert.Equal(["Where is my order?"], history.Select(m => m.Body));
    }

    [Fact]
    public async Task Start_OfflineMessage_WithNobodyOnline_WaitsUnassigned_UntilAnOperatorComesOnline()
    {
        using var admin = api.Client(api.Admin.Token);
        await (await admin.PutAsJsonAsync("/api/settings/assignment", new AssignmentSettingsRequest(true, 2))).ReadAsync<AssignmentSettingsDto>();
        using var client = api.Client();
        var session = await (await client.PostAsJsonAsync("/api/widget/conversations",
            new StartConversationRequest("Night Owl", "owl@example.com", null, "Anyone there?"), TestJson.Options)).ReadAsync<WidgetSessionDto>();
        Assert.True(session.Conversation.IsOfflineMessage);
        Assert.Equal(ConversationStatus.Open, session.Conversation.Status);
        Assert.Null(session.Conversation.AssignedUserId);

        var operatorUser = await api.CreateUserAsync(UserRole.Operator);
        await using var hub = await HubTestClient.ConnectAsync(api, operatorUser.Token);
        var update = await hub.Updates.AnyAsync(u => u.Id == session.Conversation.Id && u.Status == ConversationStatus.Assigned);
        Assert.Equal(operatorUser.Id, update.AssignedUserId);
        Assert.True(update.IsOfflineMessage);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not come true within 10 s.");
            await Task.Delay(50);
        }
    }
}
