using System.Net;
using System.Net.Http.Json;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatApp.Tests.Hub;

/// <summary>Operators' availability from real hub connections, and automatic assignment built on it.</summary>
[Collection(ApiCollection.Name)]
public class PresenceAndAssignmentTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<Dictionary<Guid, PresenceStatus>> PresenceAsync(ChatApiFactory? factory = null)
    {
        using var client = api.Client(api.Admin.Token, factory);
        var list = await (await client.GetAsync("/api/presence")).ReadAsync<List<PresenceDto>>();
        return list.ToDictionary(p => p.UserId, p => p.Status);
    }

    private async Task<bool> IsAnyOperatorOnlineAsync()
    {
        await using var scope = api.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PresenceService>().IsAnyOperatorOnlineAsync();
    }

    private async Task SetAutoAssignAsync(bool on, int capacity)
    {
        using var admin = api.Client(api.Admin.Token);
        var settings = await (await admin.PutAsJsonAsync("/api/settings/assignment", new AssignmentSettingsRequest(on, capacity)))
            .ReadAsync<AssignmentSettingsDto>();
        Assert.Equal(new AssignmentSettingsDto(on, capacity), settings);
    }

    private async Task<ConversationDto> ConversationAsync(Guid id)
    {
        using var admin = api.Client(api.Admin.Token);
        return await (await admin.GetAsync($"/api/conversations/{id}")).ReadAsync<ConversationDto>();
    }

    [Fact]
    public async Task Presence_FollowsConnectionsAndTheChosenStatus_AndColleaguesSeeItLive()
    {
        var watcherUser = await api.CreateUserAsync(name: "Wanda");
        var otto = await api.CreateUserAsync(name: "Otto");
        await using var watcher = await HubTestClient.ConnectAsync(api, watcherUser.Token);
        Assert.Equal(PresenceStatus.Offline, (await PresenceAsync())[otto.Id]);

        await using var first = await HubTestClient.ConnectAsync(api, otto.Token);
        Assert.Equal(new PresenceDto(otto.Id, "Otto", UserRole.Operator, PresenceStatus.Online),
            await watcher.Presence.NextAsync(p => p.UserId == otto.Id));
        Assert.Equal(PresenceStatus.Online, (await PresenceAsync())[otto.Id]);

        using var asOtto = api.Client(otto.Token);
        var away = await (await asOtto.PutAsJsonAsync("/api/presence/me", new SetPresenceRequest(PresenceStatus.Away), TestJson.Options)).ReadAsync<PresenceDto>();
        Assert.Equal(PresenceStatus.Away, away.Status);
        Assert.Equal(PresenceStatus.Away, (await watcher.Presence.NextAsync(p => p.UserId == otto.Id)).Status);

        // A second tab, then the first one closes: still there. The last one closes: offline.
        await using var second = await HubTestClient.ConnectAsync(api, otto.Token);
        await first.Connection.StopAsync();
        await second.WhenJoinedAsync();
        // The client's StopAsync returns before the server has run OnDisconnectedAsync: wait until the first tab's row
        // is gone, so both tabs' disconnects cannot run together (each would then announce "offline").
        await WaitUntilAsync(async () => await ConnectionsOfAsync(otto.Id) == 1);
        Assert.Equal(PresenceStatus.Away, (await PresenceAsync())[otto.Id]);
        await second.Connection.StopAsync();
        Assert.Equal(PresenceStatus.Offline, (await watcher.Presence.NextAsync(p => p.UserId == otto.Id)).Status);
        Assert.Equal(PresenceStatus.Offline, (await PresenceAsync())[otto.Id]);
        await WaitUntilAsync(async () => await ConnectionsOfAsync(otto.Id) == 0);

        // The choice is kept for the next time they connect.
        await using var again = await HubTestClient.ConnectAsync(api, otto.Token);
        Assert.Equal(PresenceStatus.Away, (await watcher.Presence.NextAsync(p => p.UserId == otto.Id)).Status);
        await (await asOtto.PutAsJsonAsync("/api/presence/me", new { status = "Sleeping" })).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task IsAnyOperatorOnline_NeedsAConnectedOperatorWhoChoseOnline()
    {
        var otto = await api.CreateUserAsync();
        Assert.False(await IsAnyOperatorOnlineAsync());
        await using var hub = await HubTestClient.ConnectAsync(api, otto.Token);
        Assert.True(await IsAnyOperatorOnlineAsync());
        using var asOtto = api.Client(otto.Token);
        await (await asOtto.PutAsJsonAsync("/api/presence/me", new SetPresenceRequest(PresenceStatus.Away), TestJson.Options)).ReadAsync<PresenceDto>();
        Assert.False(await IsAnyOperatorOnlineAsync());
        await (await asOtto.PutAsJsonAsync("/api/presence/me", new SetPresenceRequest(PresenceStatus.Online), TestJson.Options)).ReadAsync<PresenceDto>();
        Assert.True(await IsAnyOperatorOnlineAsync());
        await hub.Connection.StopAsync();
        await WaitUntilAsync(async () => !await IsAnyOperatorOnlineAsync());
    }

    [Fact]
    public async Task Presence_IsSharedByEveryApiInstance()
    {
        var otto = await api.CreateUserAsync();
        await using var other = api.CreateFactory();
        await using (var hub = await HubTestClient.ConnectAsync(api, otto.Token, other))
        {
            // Connected to the other instance, seen online from this one.
            Assert.Equal(PresenceStatus.Online, (await PresenceAsync())[otto.Id]);
            Assert.True(await IsAnyOperatorOnlineAsync());
        }
        await WaitUntilAsync(async () => (await PresenceAsync())[otto.Id] == PresenceStatus.Offline);
    }

    [Fact]
    public async Task ConnectionsOfAnInstanceThatDied_TimeOut_AndColleaguesSeeThemGoOffline()
    {
        var ghost = await api.CreateUserAsync(name: "Ghost");
        var watcherUser = await api.CreateUserAsync();
        await using var watcher = await HubTestClient.ConnectAsync(api, watcherUser.Token);
        // A connection held by an instance that crashed: nobody will close it or refresh it.
        await using (var db = api.CreateDbContext())
        {
            db.StaffConnections.Add(new StaffConnection
            {
                ConnectionId = "crashed-instance-connection",
                UserId = ghost.Id,
                InstanceId = Guid.NewGuid(),
                ConnectedAt = DateTimeOffset.UtcNow.AddMinutes(-10),
                SeenAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }
        Assert.Equal(PresenceStatus.Online, (await PresenceAsync())[ghost.Id]);

        await using (var db = api.CreateDbContext())
        {
            await db.StaffConnections.Where(c => c.UserId == ghost.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.SeenAt, DateTimeOffset.UtcNow.AddMinutes(-5)));
        }
        Assert.Equal(PresenceStatus.Offline, (await PresenceAsync())[ghost.Id]);
        await using (var scope = api.Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<PresenceService>().HeartbeatAsync();
        }
        Assert.Equal(PresenceStatus.Offline, (await watcher.Presence.NextAsync(p => p.UserId == ghost.Id)).Status);
        await using var check = api.CreateDbContext();
        Assert.False(await check.StaffConnections.AnyAsync(c => c.UserId == ghost.Id));
        // The watcher's own connection, refreshed by this instance, is still there.
        Assert.True(await check.StaffConnections.AnyAsync(c => c.UserId == watcherUser.Id));
    }

    [Fact]
    public async Task AutoAssign_GivesEachNewConversationToTheLeastBusyOnlineOperator_UnderCapacity_ThenQueues()
    {
        var first = await api.CreateUserAsync(name: "Ann");
        var second = await api.CreateUserAsync(name: "Ben");
        var away = await api.CreateUserAsync(name: "Cat");
        await using var annHub = await HubTestClient.ConnectAsync(api, first.Token);
        await using var benHub = await HubTestClient.ConnectAsync(api, second.Token);
        await using var catHub = await HubTestClient.ConnectAsync(api, away.Token);
        using var asCat = api.Client(away.Token);
        await (await asCat.PutAsJsonAsync("/api/presence/me", new SetPresenceRequest(PresenceStatus.Away), TestJson.Options)).ReadAsync<PresenceDto>();
        await SetAutoAssignAsync(true, 1);

        var c1 = await api.StartWidgetAsync("One");
        var c2 = await api.StartWidgetAsync("Two");
        var c3 = await api.StartWidgetAsync("Three");

        Assert.Equal(ConversationStatus.Assigned, c1.Conversation.Status);
        Assert.Equal(ConversationStatus.Assigned, c2.Conversation.Status);
        Assert.Equal([first.Id, second.Id], new[] { c1, c2 }.Select(c => c.Conversation.AssignedUserId!.Value).Order());
        Assert.Equal(ConversationStatus.Open, c3.Conversation.Status);
        var record = (await api.StoredMessagesAsync(c1.Conversation.Id)).Single();
        Assert.Equal(SenderKind.System, record.SenderKind);
        Assert.Matches("^The conversation was assigned to (Ann|Ben) automatically.$", record.Body);

        // Someone frees up: the waiting conversation is theirs.
        var freed = c1.Conversation.AssignedUserId!.Value;
        using var asFreed = api.Client(freed == first.Id ? first.Token : second.Token);
        await (await asFreed.PostAsync($"/api/conversations/{c1.Conversation.Id}/close", null)).ReadAsync<ConversationDto>();
        var third = await ConversationAsync(c3.Conversation.Id);
        Assert.Equal(ConversationStatus.Assigned, third.Status);
        Assert.Equal(freed, third.AssignedUserId);
    }

    [Fact]
    public async Task AutoAssign_WaitingConversations_GoToWhoeverComesOnline()
    {
        await SetAutoAssignAsync(true, 2);
        var waiting = await api.StartWidgetAsync("Early bird");
        Assert.Equal(ConversationStatus.Open, waiting.Conversation.Status);

        var otto = await api.CreateUserAsync(name: "Otto");
        await using var hub = await HubTestClient.ConnectAsync(api, otto.Token);
        var update = await hub.Updates.AnyAsync(u => u.Id == waiting.Conversation.Id && u.Status == ConversationStatus.Assigned);
        Assert.Equal(otto.Id, update.AssignedUserId);
    }

    [Fact]
    public async Task AutoAssign_IsOffByDefault_AndOnlyAdminsChangeIt()
    {
        var otto = await api.CreateUserAsync();
        await using var hub = await HubTestClient.ConnectAsync(api, otto.Token);
        using var admin = api.Client(api.Admin.Token);
        Assert.Equal(new AssignmentSettingsDto(false, 5), await (await admin.GetAsync("/api/settings/assignment")).ReadAsync<AssignmentSettingsDto>());
        Assert.Equal(ConversationStatus.Open, (await api.StartWidgetAsync()).Conversation.Status);

        using var asOtto = api.Client(otto.Token);
        await (await asOtto.PutAsJsonAsync("/api/settings/assignment", new AssignmentSettingsRequest(true, 3))).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await asOtto.GetAsync("/api/settings/assignment")).AssertProblemAsync(HttpStatusCode.Forbidden);
        var detail = await (await admin.PutAsJsonAsync("/api/settings/assignment", new AssignmentSettingsRequest(true, 0))).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("between 1 and", detail);
        Assert.Equal(new AssignmentSettingsDto(false, 5), await (await admin.GetAsync("/api/settings/assignment")).ReadAsync<AssignmentSettingsDto>());

        // Turning it on assigns what waits.
        await SetAutoAssignAsync(true, 3);
        await using var db = api.CreateDbContext();
        Assert.Equal(otto.Id, (await db.Conversations.SingleAsync()).AssignedUserId);
    }

    private async Task<int> ConnectionsOfAsync(Guid userId)
    {
        await using var db = api.CreateDbContext();
        return await db.StaffConnections.CountAsync(c => c.UserId == userId);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + HubTestClient.Timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not come true in time.");
            await Task.Delay(50);
        }
    }
}
