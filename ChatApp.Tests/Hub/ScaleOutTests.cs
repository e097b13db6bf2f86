using System.Net;
using System.Net.Http.Json;
using System.Threading.RateLimiting;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Api.Settings;
using ChatApp.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace ChatApp.Tests.Hub;

/// <summary>
/// Two API instances on one PostgreSQL and one real Redis behave as one: every live event reaches the right people
/// whichever instance they are on, and nothing an instance keeps for itself changes what anyone sees.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ScaleOutTests(ApiFixture api) : IAsyncLifetime
{
    private TestRedis _redis = null!;
    private ChatApiFactory _a = null!;
    private ChatApiFactory _b = null!;
    private readonly List<HubTestClient> _clients = [];

    public async Task InitializeAsync()
    {
        await api.ResetAsync();
        _redis = await TestRedis.StartAsync();
        _a = Instance();
        _b = Instance();
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Messages_VisitorOnOneInstance_OperatorOnTheOther_HearEachOther()
    {
        var (session, visitor, staff) = await ConversationAcrossAsync();

        var fromVisitor = await visitor.SendAsync(session.Conversation.Id, "Hello from instance A");
        Assert.Equal(fromVisitor.Id, (await staff.Messages.NextAsync(m => m.Body == "Hello from instance A")).Id);

        var fromStaff = await staff.SendAsync(session.Conversation.Id, "Hello from instance B");
        Assert.Equal(fromStaff.Id, (await visitor.Messages.NextAsync(m => m.Body == "Hello from instance B")).Id);
    }

    [Fact]
    public async Task TypingAndReadReceipts_CrossInstances_BothWays()
    {
        var (session, visitor, staff) = await ConversationAcrossAsync();
        var id = session.Conversation.Id;

        await visitor.SetTypingAsync(id, true);
        Assert.True((await staff.Typing.NextAsync(t => t.SenderKind == SenderKind.Visitor)).IsTyping);
        await staff.SetTypingAsync(id, true);
        Assert.True((await visitor.Typing.NextAsync(t => t.SenderKind == SenderKind.Operator)).IsTyping);

        var message = await visitor.SendAsync(id, "Read me");
        await staff.MarkReadAsync(id, message.Id);
        Assert.Equal(message.Id, (await visitor.Reads.NextAsync(r => r.ReaderKind != SenderKind.Visitor)).UpToMessageId);
    }

    [Fact]
    public async Task ConversationCreatedAssignedAndClosed_OnOneInstance_ReachStaffOnTheOther()
    {
        var admin = await api.CreateUserAsync(UserRole.Admin, "Staff On A");
        await using var staffOnA = await HubTestClient.ConnectAsync(api, admin.Token, _a);

        var session = await StartWidgetAsync(_b);
        Assert.Equal(ConversationStatus.Open, (await staffOnA.Updates.NextAsync(u => u.Id == session.Conversation.Id)).Status);

        using var http = api.Client(admin.Token, _b);
        (await http.PostAsJsonAsync($"/api/conversations/{session.Conversation.Id}/assign", new AssignRequest(null), TestJson.Options)).EnsureSuccessStatusCode();
        Assert.Equal(admin.Id, (await staffOnA.Updates.NextAsync(u => u.Id == session.Conversation.Id && u.Status == ConversationStatus.Assigned)).AssignedUserId);

        (await http.PostAsync($"/api/conversations/{session.Conversation.Id}/close", null)).EnsureSuccessStatusCode();
        await staffOnA.Updates.NextAsync(u => u.Id == session.Conversation.Id && u.Status == ConversationStatus.Closed);
    }

    [Fact]
    public async Task InboxPreviews_OfMessagesOnOneInstance_ReachStaffOnTheOther()
    {
        var staff = await api.CreateUserAsync();
        await using var staffOnA = await HubTestClient.ConnectAsync(api, staff.Token, _a);
        var session = await StartWidgetAsync(_b);
        await using var visitorOnB = await HubTestClient.ConnectAsync(api, session.VisitorToken, _b);

        await visitorOnB.SendAsync(session.Conversation.Id, "Is this in stock?");

        var preview = await staffOnA.Updates.NextAsync(u => u.Id == session.Conversation.Id && u.LastMessagePreview == "Is this in stock?");
        Assert.Equal(1, preview.UnreadCount);
    }

    [Fact]
    public async Task DeactivatingAUser_OnOneInstance_ClosesItsConnectionsOnTheOther()
    {
        var staff = await api.CreateUserAsync();
        await using var onB = await HubTestClient.ConnectAsync(api, staff.Token, _b);

        using var admin = api.Client(api.Admin.Token, _a);
        (await admin.PostAsync($"/api/users/{staff.Id}/deactivate", null)).EnsureSuccessStatusCode();

        Assert.Equal("closed", await onB.States.NextAsync());
    }

    [Fact]
    public async Task ChangingOwnPassword_OnOneInstance_ClosesTheSessionsOnTheOther_AndPresenceSaysOffline()
    {
        var staff = await api.CreateUserAsync(name: "Pat Password");
        var watcher = await api.CreateUserAsync(name: "Wes Watcher");
        await using var watcherOnA = await HubTestClient.ConnectAsync(api, watcher.Token, _a);
        await using var onB = await HubTestClient.ConnectAsync(api, staff.Token, _b);
        await watcherOnA.Presence.AnyAsync(p => p.UserId == staff.Id && p.Status == PresenceStatus.Online);

        using var self = api.Client(staff.Token, _a);
        var result = await (await self.PutAsJsonAsync("/api/auth/me/password", new ChangePasswordRequest(staff.Password, "a-brand-new-pass-1"), TestJson.Options))
            .ReadAsync<LoginResult>();

        Assert.Equal("closed", await onB.States.NextAsync());
        // Instance B removed its staff_connections row, so every instance reports the user offline.
        await watcherOnA.Presence.AnyAsync(p => p.UserId == staff.Id && p.Status == PresenceStatus.Offline);
        using var presence = api.Client(watcher.Token, _a);
        var list = await (await presence.GetAsync("/api/presence")).ReadAsync<List<PresenceDto>>();
        Assert.Equal(PresenceStatus.Offline, list.Single(p => p.UserId == staff.Id).Status);
        // The new token works on the other instance; the old one nowhere.
        using (var fresh = api.Client(result.AccessToken, _b))
        {
            (await fresh.GetAsync("/api/auth/me")).EnsureSuccessStatusCode();
        }
        using (var stale = api.Client(staff.Token, _b))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await stale.GetAsync("/api/auth/me")).StatusCode);
        }
    }

    [Fact]
    public async Task PrivateNotes_AndPresence_CrossInstances_ToStaffOnly()
    {
        var (session, visitor, staffOnB) = await ConversationAcrossAsync();
        var writer = await api.CreateUserAsync(name: "Nora Note");
        var writerOnA = await HubTestClient.ConnectAsync(api, writer.Token, _a);
        _clients.Add(writerOnA);
        await staffOnB.Presence.AnyAsync(p => p.UserId == writer.Id && p.Status == PresenceStatus.Online);
        await writerOnA.JoinAsync(session.Conversation.Id);

        var note = await writerOnA.SendNoteAsync(session.Conversation.Id, "SECRET across instances");

        Assert.True((await staffOnB.Messages.NextAsync(m => m.Id == note.Id)).IsPrivate);
        await visitor.FenceAsync(session.Conversation.Id);
        Assert.DoesNotContain(visitor.Messages.All, m => m.Id == note.Id);
    }

    [Fact]
    public async Task Availability_FromAnOperatorConnectedToOneInstance_IsOnlineOnTheOther()
    {
        _a.OperatorAvailability.Forced = null;
        _b.OperatorAvailability.Forced = null;
        async Task<AvailabilityStatus> AvailabilityOnAAsync()
        {
            using var client = api.Client(factory: _a);
            return (await (await client.GetAsync("/api/widget/settings")).ReadAsync<PublicWidgetSettingsDto>()).Availability.Status;
        }
        Assert.Equal(AvailabilityStatus.Away, await AvailabilityOnAAsync());

        var staff = await api.CreateUserAsync();
        var onB = await HubTestClient.ConnectAsync(api, staff.Token, _b);
        Assert.Equal(AvailabilityStatus.Online, await AvailabilityOnAAsync());

        await onB.DisposeAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await AvailabilityOnAAsync() != AvailabilityStatus.Away)
        {
            Assert.True(DateTime.UtcNow < deadline, "Instance A still says online after the operator left instance B.");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task ResendingToTheOtherInstance_StoresTheMessageOnce()
    {
        var session = await StartWidgetAsync(_a);
        await using var onA = await HubTestClient.ConnectAsync(api, session.VisitorToken, _a);
        await using var onB = await HubTestClient.ConnectAsync(api, session.VisitorToken, _b);

        var first = await onA.SendAsync(session.Conversation.Id, "Only once", clientMessageId: "same-id");
        var again = await onB.SendAsync(session.Conversation.Id, "Only once", clientMessageId: "same-id");

        Assert.Equal(first.Id, again.Id);
        Assert.Single(await api.StoredMessagesAsync(session.Conversation.Id));
    }

    [Fact]
    public async Task AFileUploadedToOneInstance_IsServedByTheOther()
    {
        var session = await StartWidgetAsync(_a);
        using var onA = api.Client(session.VisitorToken, _a);
        var form = new MultipartFormDataContent { { new ByteArrayContent(Integration.UploadsApiTests.TinyPng), "file", "photo.png" } };
        var upload = await (await onA.PostAsync("/api/uploads", form)).ReadAsync<AttachmentDto>();

        using var onB = api.Client(factory: _b);
        var download = await onB.GetAsync(upload.Url);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(Integration.UploadsApiTests.TinyPng, await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task AnInstanceStoppedUnderAConversation_ItsClientsResumeOnTheOther_WithNothingLost()
    {
        await using var proxy = new DroppingProxy(_a.BaseAddress, _b.BaseAddress);
        var session = await StartWidgetAsync(_a);
        var staff = await api.CreateUserAsync();
        // Behind a proxy that takes the instances in turns, as the front end connects: WebSockets, no negotiation.
        await using var visitor = HubTestClient.Create(proxy.BaseAddress, session.VisitorToken, automaticReconnect: true, skipNegotiation: true);
        await using var operatorClient = HubTestClient.Create(proxy.BaseAddress, staff.Token, automaticReconnect: true, skipNegotiation: true);
        await visitor.StartAsync();
        await operatorClient.StartAsync();
        await operatorClient.JoinAsync(session.Conversation.Id);

        var before = await visitor.SendAsync(session.Conversation.Id, "before");
        await operatorClient.Messages.NextAsync(m => m.Id == before.Id);

        // One instance goes away with whoever was on it; the other party keeps writing meanwhile.
        await _a.DisposeAsync();
        var during = new List<MessageDto>();
        for (var i = 0; i < 5; i++)
        {
            during.Add(await SendUntilAcceptedAsync(visitor, session.Conversation.Id, $"during-{i}"));
        }
        await operatorClient.RecoverAsync(TimeSpan.FromSeconds(60));
        await operatorClient.JoinAsync(session.Conversation.Id);

        // Resume by id, as the front end does after a reconnect: every message once, in order.
        var resumed = await operatorClient.GetMessagesAfterAsync(session.Conversation.Id, before.Id);
        Assert.Equal(during.Select(m => m.Id), resumed.Select(m => m.Id));
        var after = await visitor.SendAsync(session.Conversation.Id, "after");
        await operatorClient.Messages.NextAsync(m => m.Id == after.Id);
        Assert.Equal(7, (await api.StoredMessagesAsync(session.Conversation.Id)).Count);
    }

    [Fact]
    public async Task WidgetStartsAndWrongPasswords_CountAcrossInstances()
    {
        var limits = new Dictionary<string, string?>
        {
            ["RateLimits:WidgetStartsPerIpPerMinute"] = "1",
            ["RateLimits:LoginFailuresPerAccountAndIpPer15Minutes"] = "2",
        };
        await using var a = Instance(limits);
        await using var b = Instance(limits);
        using var onA = api.Client(factory: a);
        using var onB = api.Client(factory: b);

        var start = new StartConversationRequest("Vera", null, null);
        Assert.Equal(HttpStatusCode.Created, (await onA.PostAsJsonAsync("/api/widget/conversations", start, TestJson.Options)).StatusCode);
        var secondStart = await onB.PostAsJsonAsync("/api/widget/conversations", start, TestJson.Options);
        await secondStart.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(secondStart.Headers.RetryAfter?.Delta);

        var wrong = new LoginRequest(ApiFixture.AdminEmail, "not the password");
        Assert.Equal(HttpStatusCode.Unauthorized, (await onA.PostAsJsonAsync("/api/auth/login", wrong, TestJson.Options)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await onB.PostAsJsonAsync("/api/auth/login", wrong, TestJson.Options)).StatusCode);
        var third = await onA.PostAsJsonAsync("/api/auth/login", new LoginRequest(ApiFixture.AdminEmail, ApiFixture.AdminPassword), TestJson.Options);
        Assert.Contains("Too many wrong passwords", await third.AssertProblemAsync(HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task RateLimitWindows_AreSharedThroughRedis_AndEachInstanceCountsAloneWhileRedisIsDown()
    {
        await using var redisA = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString + ",abortConnect=false");
        await using var redisB = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString + ",abortConnect=false");
        using var limiterA = Windows(redisA).Create(_ => (3, TimeSpan.FromMinutes(1)));
        using var limiterB = Windows(redisB).Create(_ => (3, TimeSpan.FromMinutes(1)));

        Assert.True((await limiterA.AcquireAsync("test:key")).IsAcquired);
        Assert.True((await limiterB.AcquireAsync("test:key")).IsAcquired);
        Assert.True((await limiterA.AcquireAsync("test:key", 0)).IsAcquired, "zero permits only asks whether one is left");
        Assert.True((await limiterB.AcquireAsync("test:key")).IsAcquired);
        var refused = await limiterA.AcquireAsync("test:key");
        Assert.False(refused.IsAcquired);
        Assert.False((await limiterB.AcquireAsync("test:key", 0)).IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var wait));
        Assert.InRange(wait, TimeSpan.Zero, TimeSpan.FromMinutes(1));

        _redis.Stop();
        // Neither an error nor a wait for StackExchange.Redis's timeout: the instance's own window answers.
        await EventuallyAsync(() => Task.FromResult(!redisA.IsConnected), "the client sees Redis gone");
        Assert.True((await limiterA.AcquireAsync("test:other")).IsAcquired);
    }

    private static RateLimitWindows Windows(IConnectionMultiplexer redis) => new(
        new ServiceCollection().AddSingleton(redis).BuildServiceProvider(), NullLogger<RateLimitWindows>.Instance);

    [Fact]
    public async Task RedisDown_TheApiServesWhatItCan_SaysDegraded_AndRecovers()
    {
        var (session, visitor, staff) = await ConversationAcrossAsync();
        using var http = api.Client(factory: _a);

        _redis.Stop();
        await EventuallyAsync(async () => await http.GetStringAsync("/health") == "Degraded", "/health says Degraded");
        // REST and the hub still store messages; other instances hear of them once Redis is back.
        using var rest = api.Client(session.VisitorToken, _a);
        var stored = await rest.PostAsJsonAsync($"/api/widget/conversations/{session.Conversation.Id}/messages",
            new SendMessageRequest("while-down-rest", "Sent while Redis is down", null), TestJson.Options);
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        var hubSent = await visitor.SendAsync(session.Conversation.Id, "Sent over the hub while Redis is down");

        await _redis.StartAgainAsync();
        await EventuallyAsync(async () => await http.GetStringAsync("/health") == "Healthy", "/health says Healthy again");
        // Both instances lost Redis: each asks its own clients to fetch what they missed.
        await staff.Resyncs.NextAsync(TimeSpan.FromSeconds(60));
        await visitor.Resyncs.NextAsync(TimeSpan.FromSeconds(60));
        var resumed = await staff.GetMessagesAfterAsync(session.Conversation.Id, 0);
        Assert.Contains(resumed, m => m.ClientMessageId == "while-down-rest");
        Assert.Contains(resumed, m => m.Id == hubSent.Id);
        await EventuallyAsync(async () =>
        {
            var live = await visitor.SendAsync(session.Conversation.Id, "After Redis came back " + Guid.NewGuid());
            return await staff.Messages.AnyAsync(m => m.Id == live.Id, TimeSpan.FromSeconds(2)) is not null;
        }, "live delivery across instances again");
    }

    private ChatApiFactory Instance(Dictionary<string, string?>? settings = null)
    {
        var factory = api.CreateFactory(settings: new Dictionary<string, string?>(settings ?? []) { ["ConnectionStrings:redis"] = _redis.ConnectionString });
        factory.StartServer();
        return factory;
    }

    private async Task<WidgetSessionDto> StartWidgetAsync(ChatApiFactory instance)
    {
        using var client = api.Client(factory: instance);
        var response = await client.PostAsJsonAsync("/api/widget/conversations", new StartConversationRequest("Vera", null, null), TestJson.Options);
        return await response.ReadAsync<WidgetSessionDto>();
    }

    /// <summary>A visitor connected to instance A and an operator connected to B, following the same conversation.</summary>
    private async Task<(WidgetSessionDto Session, HubTestClient Visitor, HubTestClient Staff)> ConversationAcrossAsync()
    {
        var session = await StartWidgetAsync(_a);
        var staff = await api.CreateUserAsync();
        var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken, _a);
        var operatorClient = await HubTestClient.ConnectAsync(api, staff.Token, _b);
        _clients.AddRange([visitor, operatorClient]);
        await operatorClient.JoinAsync(session.Conversation.Id);
        return (session, visitor, operatorClient);
    }

    private static async Task<MessageDto> SendUntilAcceptedAsync(HubTestClient client, Guid conversationId, string body)
    {
        var clientMessageId = Guid.NewGuid().ToString();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if (client.Connection.State == HubConnectionState.Connected)
                {
                    return await client.SendAsync(conversationId, body, clientMessageId);
                }
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                // Lost with the instance: resent with the same client message id, so stored once.
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"'{body}' was not accepted within 60 s:\n{string.Join("\n", client.Timeline)}");
            }
            await Task.Delay(100);
        }
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }
            await Task.Delay(200);
        }
    }
}
