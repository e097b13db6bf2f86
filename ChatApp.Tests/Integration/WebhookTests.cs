using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Api.Webhooks;
using ChatApp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Tests.Integration;

/// <summary>
/// Webhooks end to end: real receivers on loopback, real API instances that deliver (the shared test API writes the
/// outbox but never delivers, see ChatApiFactory), the outbox in the test PostgreSQL.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class WebhookTests(ApiFixture api) : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];

    public Task InitializeAsync() => api.ResetAsync();

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }
    }

    [Fact]
    public async Task EveryEvent_IsDelivered_SignedWithTheSecret_InOrder()
    {
        var receiver = await ReceiverAsync();
        var webhook = await CreateWebhookAsync(receiver.Url(), WebhookEvents.All);
        Deliverer();

        var session = await api.StartWidgetAsync("Vera Visitor", "vera@example.com");
        var id = session.Conversation.Id;
        using var visitor = api.Client(session.VisitorToken);
        using var admin = api.Client(api.Admin.Token);
        await (await visitor.PostAsJsonAsync($"/api/widget/conversations/{id}/messages", new SendMessageRequest("v-1", "Where is my order?", null))).ReadAsync<MessageDto>();
        await (await admin.PostAsJsonAsync($"/api/conversations/{id}/assign", new AssignRequest(null), TestJson.Options)).ReadAsync<ConversationDto>();
        await (await admin.PostAsJsonAsync($"/api/conversations/{id}/messages", new SendMessageRequest("o-1", "It ships today.", null))).ReadAsync<MessageDto>();
        await (await admin.PostAsync($"/api/conversations/{id}/close", null)).ReadAsync<ConversationDto>();
        await (await visitor.PostAsJsonAsync($"/api/widget/conversations/{id}/rating", new RateConversationRequest(5, "Quick!"))).ReadAsync<ConversationDto>();

        var received = await receiver.WaitForAsync(r => r.Count >= 6);
        Assert.Equal(
            ["conversation.created", "message.created", "conversation.assigned", "message.created", "conversation.closed", "rating.created"],
            received.Select(r => r.Event));
        foreach (var delivery in received)
        {
            AssertSignedBy(webhook.Secret!, delivery);
            Assert.Equal(delivery.Event, delivery.Json.GetProperty("event").GetString());
            Assert.Equal(id, ConversationOf(delivery).GetProperty("id").GetGuid());
        }
        Assert.Equal(6, received.Select(r => r.DeliveryId).Distinct().Count());
        Assert.Equal(6, received.Select(r => r.Json.GetProperty("id").GetGuid()).Distinct().Count());

        var visitorMessage = received[1].Data.GetProperty("message");
        Assert.Equal("Where is my order?", visitorMessage.GetProperty("body").GetString());
        Assert.Equal("Visitor", visitorMessage.GetProperty("senderKind").GetString());
        Assert.Equal("Vera Visitor", visitorMessage.GetProperty("senderName").GetString());
        var operatorMessage = received[3].Data.GetProperty("message");
        Assert.Equal("Operator", operatorMessage.GetProperty("senderKind").GetString());
        Assert.Equal("Ada Admin", operatorMessage.GetProperty("senderName").GetString());
        Assert.Equal(api.Admin.Id, received[2].Data.GetProperty("conversation").GetProperty("assignedUserId").GetGuid());
        Assert.Equal("Closed", received[4].Data.GetProperty("conversation").GetProperty("status").GetString());
        Assert.Equal(5, received[5].Data.GetProperty("rating").GetProperty("score").GetInt32());
        Assert.Equal("Quick!", received[5].Data.GetProperty("rating").GetProperty("comment").GetString());

        var deliveries = await WaitForDeliveriesAsync(webhook.Id, d => d.Count == 6 && d.All(x => x.Status == WebhookDeliveryStatus.Succeeded));
        Assert.All(deliveries, d => Assert.Equal((1, 200), (d.Attempts, d.LastStatusCode)));
    }

    [Fact]
    public async Task OnlySubscribedEvents_OfEnabledEndpoints_AreQueued()
    {
        var receiver = await ReceiverAsync();
        var closedOnly = await CreateWebhookAsync(receiver.Url(), [WebhookEvents.ConversationClosed]);
        var disabled = await CreateWebhookAsync(receiver.Url(), WebhookEvents.All, enabled: false);

        var session = await api.StartWidgetAsync();
        using var admin = api.Client(api.Admin.Token);
        await (await admin.PostAsync($"/api/conversations/{session.Conversation.Id}/close", null)).ReadAsync<ConversationDto>();

        Assert.Equal([WebhookEvents.ConversationClosed], (await DeliveriesAsync(closedOnly.Id)).Select(d => d.Event));
        Assert.Empty(await DeliveriesAsync(disabled.Id));
    }

    [Fact]
    public async Task PrivateNotesAndActivityRecords_RaiseNoMessageCreated()
    {
        var receiver = await ReceiverAsync();
        var webhook = await CreateWebhookAsync(receiver.Url(), [WebhookEvents.MessageCreated]);

        var session = await api.StartWidgetAsync();
        var id = session.Conversation.Id;
        using var admin = api.Client(api.Admin.Token);
        await (await admin.PostAsJsonAsync($"/api/conversations/{id}/notes", new SendNoteRequest("note-1", "Only for the team"))).ReadAsync<MessageDto>();
        // Assigning stores an activity record ("… assigned the conversation …"), a private message too.
        await (await admin.PostAsJsonAsync($"/api/conversations/{id}/assign", new AssignRequest(null), TestJson.Options)).ReadAsync<ConversationDto>();
        await (await admin.PostAsJsonAsync($"/api/conversations/{id}/messages", new SendMessageRequest("o-1", "Visible reply", null))).ReadAsync<MessageDto>();

        var deliveries = await DeliveriesAsync(webhook.Id);
        var delivery = Assert.Single(deliveries);
        Assert.Equal(WebhookEvents.MessageCreated, delivery.Event);
        await using var db = api.CreateDbContext();
        Assert.True(await db.Messages.CountAsync(m => m.ConversationId == id && m.IsPrivate) >= 2, "the note and the activity record are stored");
    }

    [Fact]
    public async Task FailedDelivery_IsRetriedWithBackoff_AndHoldsBackTheNextUntilItSucceeds()
    {
        var receiver = await ReceiverAsync();
        receiver.Respond = (_, n) => n < 2 ? HttpStatusCode.InternalServerError : HttpStatusCode.OK;
        var webhook = await CreateWebhookAsync(receiver.Url(), [WebhookEvents.ConversationCreated]);
        var first = await api.StartWidgetAsync("First");
        var second = await api.StartWidgetAsync("Second");
        Deliverer();

        var received = await receiver.WaitForAsync(r => r.Count >= 4);
        Assert.Equal(received[0].DeliveryId, received[1].DeliveryId);
        Assert.Equal(received[0].DeliveryId, received[2].DeliveryId);
        Assert.All(received.Take(3), r => Assert.Equal(first.Conversation.Id, ConversationOf(r).GetProperty("id").GetGuid()));
        Assert.Equal(second.Conversation.Id, ConversationOf(received[3]).GetProperty("id").GetGuid());
        // Exponential backoff: 0.2 s after the first failure, 0.4 s after the second (DeliveringSettings).
        Assert.True(received[1].At - received[0].At >= TimeSpan.FromMilliseconds(150), $"{received[1].At - received[0].At}");
        Assert.True(received[2].At - received[1].At >= TimeSpan.FromMilliseconds(350), $"{received[2].At - received[1].At}");

        var deliveries = await WaitForDeliveriesAsync(webhook.Id, d => d.All(x => x.Status == WebhookDeliveryStatus.Succeeded));
        var retried = deliveries.Single(d => d.DeliveryId == received[0].DeliveryId);
        Assert.Equal((3, 200), (retried.Attempts, retried.LastStatusCode));
        Assert.Null(retried.LastError);
        Assert.Equal(4, receiver.Requests);
    }

    [Fact]
    public async Task DeliveryFailingForTheWholeRetryPeriod_IsMarkedFailed_AndTheNextOneGoesOut()
    {
        var receiver = await ReceiverAsync();
        receiver.Respond = (r, _) => ConversationOf(r).GetProperty("visitorName").GetString() == "Failing"
            ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK;
        var webhook = await CreateWebhookAsync(receiver.Url(), [WebhookEvents.ConversationCreated]);
        // Long enough for several attempts (0.2, 0.4, 0.8, 1, 1 s apart) even when the first one starts late on a busy machine.
        Deliverer(new() { ["Webhooks:RetryFor"] = "00:00:05" });
        await api.StartWidgetAsync("Failing");
        var next = await api.StartWidgetAsync("Next");

        var received = await receiver.WaitForAsync(r => r.Any(x => x.Json.GetProperty("data").GetProperty("conversation").GetProperty("id").GetGuid() == next.Conversation.Id));
        var deliveries = await WaitForDeliveriesAsync(webhook.Id, d => d.All(x => x.Status != WebhookDeliveryStatus.Pending));
        var failed = deliveries.Single(d => d.Status == WebhookDeliveryStatus.Failed);
        Assert.True(failed.Attempts >= 2, $"{failed.Attempts} attempts");
        Assert.Equal(503, failed.LastStatusCode);
        Assert.Contains("503", failed.LastError);
        Assert.NotNull(failed.CompletedAt);
        Assert.Equal(failed.Attempts, received.Count(r => r.DeliveryId == failed.DeliveryId));
        Assert.Equal(WebhookDeliveryStatus.Succeeded, deliveries.Single(d => d.DeliveryId != failed.DeliveryId).Status);
    }

    [Fact]
    public async Task OutboxSurvivesTheApiStopping_AnotherInstanceDeliversLater()
    {
        var receiver = await ReceiverAsync();
        var webhook = await CreateWebhookAsync(receiver.Url(), [WebhookEvents.ConversationCreated]);

        // An instance that stores the change, then stops before any instance delivered it.
        var stopped = api.CreateFactory();
        stopped.StartServer();
        var session = await StartWidgetOnAsync(stopped, "Before the stop");
        await stopped.DisposeAsync();
        await using (var db = api.CreateDbContext())
        {
            var pending = await db.WebhookDeliveries.SingleAsync();
            Assert.Equal((WebhookDeliveryStatus.Pending, 0), (pending.Status, pending.Attempts));
        }
        Assert.Empty(receiver.Received);

        Deliverer();
        var received = await receiver.WaitForAsync(r => r.Count >= 1);
        Assert.Equal(session.Conversation.Id, ConversationOf(received.Single()).GetProperty("id").GetGuid());
        AssertSignedBy((await GetWebhookAsync(webhook.Id)).Secret!, received.Single());
    }

    [Fact]
    public async Task DeliveryInFlight_WhenItsInstanceStops_IsSentAgainByAnother()
    {
        var receiver = await ReceiverAsync();
        // The first request hangs until its sender gives up on it.
        receiver.Delay = n => n == 0 ? TimeSpan.FromMinutes(2) : TimeSpan.Zero;
        var webhook = await CreateWebhookAsync(receiver.Url(), [WebhookEvents.ConversationCreated]);
        await api.StartWidgetAsync();

        var first = api.CreateFactory(settings: DeliveringSettings());
        first.StartServer();
        await receiver.WaitForAsync(r => r.Count == 1);
        await first.DisposeAsync();

        Deliverer();
        var received = await receiver.WaitForAsync(r => r.Count == 2);
        Assert.Equal(received[0].DeliveryId, received[1].DeliveryId);
        var delivery = (await WaitForDeliveriesAsync(webhook.Id, d => d.Single().Status == WebhookDeliveryStatus.Succeeded)).Single();
        Assert.Equal(1, delivery.Attempts);
    }

    [Fact]
    public async Task TwoInstances_DeliverEachEventOnce_OneAtATimePerEndpoint_InOrder()
    {
        var receivers = new List<WebhookReceiver>();
        var webhooks = new List<WebhookDto>();
        for (var i = 0; i < 3; i++)
        {
            var receiver = await ReceiverAsync();
            receiver.Delay = _ => TimeSpan.FromMilliseconds(20);
            receivers.Add(receiver);
            webhooks.Add(await CreateWebhookAsync(receiver.Url(), [WebhookEvents.ConversationCreated]));
        }
        Deliverer();
        Deliverer();

        var started = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            started.Add((await api.StartWidgetAsync($"Visitor {i}")).Conversation.Id);
        }

        foreach (var (receiver, webhook) in receivers.Zip(webhooks))
        {
            await WaitForDeliveriesAsync(webhook.Id, d => d.Count == 12 && d.All(x => x.Status == WebhookDeliveryStatus.Succeeded));
            var received = receiver.Received;
            Assert.Equal(12, received.Count);
            Assert.Equal(12, received.Select(r => r.DeliveryId).Distinct().Count());
            Assert.Equal(started, received.Select(r => ConversationOf(r).GetProperty("id").GetGuid()));
            Assert.Equal(1, receiver.MaxInFlight);
        }
    }

    [Fact]
    public async Task PrivateAddresses_AreRefused_WhenNotAllowed()
    {
        var strict = api.CreateFactory(settings: DeliveringSettings(new() { ["Webhooks:AllowPrivateAddresses"] = "false" }));
        _owned.Add(strict);
        using var admin = api.Client(api.Admin.Token, strict);
        foreach (var (url, why) in new[]
        {
            ("http://127.0.0.1:8080/hooks", "loopback"),
            ("http://[::1]/hooks", "loopback"),
            ("http://localhost/hooks", "loopback"),
            ("http://10.1.2.3/hooks", "private"),
            ("http://192.168.0.10/hooks", "private"),
            ("http://172.20.0.1/hooks", "private"),
            ("http://169.254.169.254/latest/meta-data", "link-local"),
            ("http://[fe80::1]/hooks", "link-local"),
            ("http://[fd00::1]/hooks", "private"),
        })
        {
            var response = await admin.PostAsJsonAsync("/api/webhooks", new SaveWebhookRequest(url, null, [WebhookEvents.ConversationCreated], true));
            Assert.Contains(why, await response.AssertProblemAsync(HttpStatusCode.BadRequest));
        }

        // A host name is resolved when connecting: registered where it is allowed, refused by the strict sender.
        var receiver = await ReceiverAsync();
        var webhook = await CreateWebhookAsync($"http://localhost:{receiver.BaseAddress.Port}/hooks", [WebhookEvents.ConversationCreated]);
        await api.StartWidgetAsync();
        var delivery = (await WaitForDeliveriesAsync(webhook.Id, d => d.Single().Attempts > 0)).Single();
        Assert.Null(delivery.LastStatusCode);
        Assert.Contains("loopback", delivery.LastError);
        Assert.Equal(0, receiver.Requests);
    }

    [Fact]
    public async Task Redirects_AreNotFollowed()
    {
        var target = await ReceiverAsync();
        var redirecting = await ReceiverAsync();
        redirecting.Respond = (_, _) => HttpStatusCode.TemporaryRedirect;
        var webhook = await CreateWebhookAsync(redirecting.Url(), [WebhookEvents.ConversationCreated]);
        Deliverer();
        await api.StartWidgetAsync();

        var delivery = (await WaitForDeliveriesAsync(webhook.Id, d => d.Single().Attempts > 0)).Single();
        Assert.Equal(307, delivery.LastStatusCode);
        Assert.Contains("redirect", delivery.LastError);
        Assert.Equal(0, target.Requests);
    }

    [Fact]
    public async Task Admin_ManagesWebhooks_SendsATest_Redelivers_AndRotatesTheSecret()
    {
        var receiver = await ReceiverAsync();
        using var admin = api.Client(api.Admin.Token);
        var created = await CreateWebhookAsync(receiver.Url(), [WebhookEvents.MessageCreated, WebhookEvents.ConversationCreated], "CRM");
        Assert.StartsWith("whsec_", created.Secret);
        Assert.Equal([WebhookEvents.ConversationCreated, WebhookEvents.MessageCreated], created.Events);

        var listed = await (await admin.GetAsync("/api/webhooks")).ReadAsync<List<WebhookDto>>();
        Assert.Null(Assert.Single(listed).Secret);
        Assert.Equal(created.Secret, (await GetWebhookAsync(created.Id)).Secret);

        var updated = await (await admin.PutAsJsonAsync($"/api/webhooks/{created.Id}",
            new SaveWebhookRequest(receiver.Url(), "CRM bridge", [WebhookEvents.ConversationClosed], true))).ReadAsync<WebhookDto>();
        Assert.Equal("CRM bridge", updated.Description);
        Assert.Equal([WebhookEvents.ConversationClosed], updated.Events);

        Deliverer();
        var test = await (await admin.PostAsync($"/api/webhooks/{created.Id}/test", null)).ReadAsync<WebhookDeliveryDto>();
        Assert.Equal(WebhookEvents.Test, test.Event);
        var got = (await receiver.WaitForAsync(r => r.Count == 1)).Single();
        Assert.Equal((WebhookEvents.Test, test.DeliveryId), (got.Event, got.DeliveryId));
        AssertSignedBy(created.Secret!, got);

        var redelivery = await (await admin.PostAsync($"/api/webhooks/{created.Id}/deliveries/{test.DeliveryId}/redeliver", null)).ReadAsync<WebhookDeliveryDto>();
        Assert.NotEqual(test.DeliveryId, redelivery.DeliveryId);
        var again = (await receiver.WaitForAsync(r => r.Count == 2))[1];
        Assert.Equal(redelivery.DeliveryId, again.DeliveryId);
        Assert.Equal(got.Body, again.Body);

        var rotated = await (await admin.PostAsync($"/api/webhooks/{created.Id}/secret", null)).ReadAsync<WebhookDto>();
        Assert.NotEqual(created.Secret, rotated.Secret);
        await admin.PostAsync($"/api/webhooks/{created.Id}/test", null);
        AssertSignedBy(rotated.Secret!, (await receiver.WaitForAsync(r => r.Count == 3))[2]);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/webhooks/{created.Id}")).StatusCode);
        await (await admin.GetAsync($"/api/webhooks/{created.Id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await using var db = api.CreateDbContext();
        Assert.Equal(0, await db.WebhookDeliveries.CountAsync());
    }

    [Fact]
    public async Task InvalidWebhooks_AreRefusedWithTheReason_AndNothingIsStored()
    {
        using var admin = api.Client(api.Admin.Token);
        var cases = new (SaveWebhookRequest Request, string Field)[]
        {
            (new SaveWebhookRequest("ftp://example.com/x", null, [WebhookEvents.ConversationCreated], true), "url"),
            (new SaveWebhookRequest("not a url", null, [WebhookEvents.ConversationCreated], true), "url"),
            (new SaveWebhookRequest("https://user:pass@example.com/x", null, [WebhookEvents.ConversationCreated], true), "url"),
            (new SaveWebhookRequest("https://example.com/x", null, [], true), "events"),
            (new SaveWebhookRequest("https://example.com/x", null, ["conversation.deleted"], true), "events"),
            (new SaveWebhookRequest("https://example.com/x", new string('x', 201), [WebhookEvents.ConversationCreated], true), "description"),
        };
        foreach (var (request, field) in cases)
        {
            var response = await admin.PostAsJsonAsync("/api/webhooks", request);
            await response.AssertProblemAsync(HttpStatusCode.BadRequest);
            var problem = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), field);
        }
        await using var db = api.CreateDbContext();
        Assert.Equal(0, await db.WebhookEndpoints.CountAsync());
        Assert.Equal(0, await db.AuditEntries.CountAsync());
    }

    [Fact]
    public async Task Operators_CannotReachWebhooks()
    {
        var operatorUser = await api.CreateUserAsync();
        using var client = api.Client(operatorUser.Token);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/webhooks")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/webhooks",
            new SaveWebhookRequest("https://example.com/x", null, [WebhookEvents.ConversationCreated], true))).StatusCode);
        using var anonymous = api.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/webhooks")).StatusCode);
    }

    // ---- helpers ----

    /// <summary>Fast retries and polling, so tests wait fractions of a second rather than minutes.</summary>
    private static Dictionary<string, string?> DeliveringSettings(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Webhooks:DeliveryEnabled"] = "true",
            ["Webhooks:PollInterval"] = "00:00:00.100",
            ["Webhooks:FirstRetryDelay"] = "00:00:00.200",
            ["Webhooks:MaxRetryDelay"] = "00:00:01",
            ["Webhooks:Timeout"] = "00:00:10",
            ["Webhooks:Lease"] = "00:00:30",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }
        return settings;
    }

    /// <summary>Starts an API instance that delivers webhooks; stopped after the test.</summary>
    private ChatApiFactory Deliverer(Dictionary<string, string?>? extra = null)
    {
        var factory = api.CreateFactory(settings: DeliveringSettings(extra));
        factory.StartServer();
        _owned.Add(factory);
        return factory;
    }

    private async Task<WebhookReceiver> ReceiverAsync()
    {
        var receiver = await WebhookReceiver.StartAsync();
        _owned.Add(receiver);
        return receiver;
    }

    private async Task<WebhookDto> CreateWebhookAsync(string url, IReadOnlyList<string> events, string? description = null, bool enabled = true)
    {
        using var admin = api.Client(api.Admin.Token);
        var response = await admin.PostAsJsonAsync("/api/webhooks", new SaveWebhookRequest(url, description, events, enabled));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadAsync<WebhookDto>();
    }

    private async Task<WebhookDto> GetWebhookAsync(Guid id)
    {
        using var admin = api.Client(api.Admin.Token);
        return await (await admin.GetAsync($"/api/webhooks/{id}")).ReadAsync<WebhookDto>();
    }

    private async Task<List<WebhookDeliveryDto>> DeliveriesAsync(Guid webhookId)
    {
        using var admin = api.Client(api.Admin.Token);
        return await (await admin.GetAsync($"/api/webhooks/{webhookId}/deliveries")).ReadAsync<List<WebhookDeliveryDto>>();
    }

    private async Task<List<WebhookDeliveryDto>> WaitForDeliveriesAsync(Guid webhookId, Func<List<WebhookDeliveryDto>, bool> done)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var deliveries = await DeliveriesAsync(webhookId);
            if (deliveries.Count > 0 && done(deliveries))
            {
                return deliveries;
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                Assert.Fail("Deliveries did not get there: " + JsonSerializer.Serialize(deliveries, TestJson.Options));
            }
            await Task.Delay(100);
        }
    }

    private async Task<WidgetSessionDto> StartWidgetOnAsync(ChatApiFactory factory, string name)
    {
        using var client = api.Client(factory: factory);
        var response = await client.PostAsJsonAsync("/api/widget/conversations", new StartConversationRequest(name, null, null), TestJson.Options);
        return await response.ReadAsync<WidgetSessionDto>();
    }

    private static JsonElement ConversationOf(ReceivedWebhook delivery) => delivery.Data.GetProperty("conversation");

    /// <summary>Checks the signature the way a receiver would, by the documented recipe (not the API's own code).</summary>
    private static void AssertSignedBy(string secret, ReceivedWebhook delivery)
    {
        var parts = delivery.Signature.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var t = long.Parse(parts["t"]);
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - t, -60, 300);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{delivery.Body}")));
        Assert.Equal(expected, parts["v1"]);
        Assert.True(WebhookSignature.Verify(secret, delivery.Signature, delivery.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(secret + "x", delivery.Signature, delivery.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
    }
}
