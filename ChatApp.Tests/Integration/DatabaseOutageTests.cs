using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using ChatApp.Api.Services;
using ChatApp.Tests.Hub;
using ChatApp.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Npgsql;

namespace ChatApp.Tests.Integration;

/// <summary>
/// The API with PostgreSQL behind a TCP proxy the test cuts (connections dropped, new ones never answered, as when the
/// database host is unreachable): it answers fast with 503 and Retry-After, and recovers by itself.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DatabaseOutageTests(ApiFixture api) : IAsyncLifetime
{
    private DroppingProxy _database = null!;
    private ChatApiFactory _factory = null!;

    public async Task InitializeAsync()
    {
        await api.ResetAsync();
        _database = api.CreateDatabaseProxy();
        _factory = api.CreateFactoryThrough(_database);
        _factory.StartServer();
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Health_WhenTheDatabaseIsUnreachable_Is503WithinTwoSeconds_AndHealthyAgainWhenItIsBack()
    {
        using var client = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);

        _database.Cut();
        var timer = Stopwatch.StartNew();
        var down = await client.GetAsync("/health");
        timer.Stop();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(2), $"/health took {timer.Elapsed.TotalSeconds:0.00} s");

        _database.Restore();
        await EventuallyAsync(async () => (await client.GetAsync("/health")).StatusCode == HttpStatusCode.OK, "/health healthy again");
    }

    [Fact]
    public async Task Requests_WhenTheDatabaseIsUnreachable_Are503WithRetryAfterWithinFiveSeconds_AndWorkAgainAfter()
    {
        var session = await api.StartWidgetAsync();
        using var visitor = api.Client(session.VisitorToken, _factory);
        using var staff = api.Client(api.Admin.Token, _factory);
        var messagesUrl = $"/api/widget/conversations/{session.Conversation.Id}/messages";
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync(messagesUrl)).StatusCode);

        _database.Cut();
        foreach (var (client, send) in new (HttpClient, Func<HttpClient, Task<HttpResponseMessage>>)[]
        {
            (visitor, c => c.GetAsync(messagesUrl)),
            (visitor, c => c.PostAsJsonAsync(messagesUrl, new SendMessageRequest("outage-1", "are you there?", null), TestJson.Options)),
            (staff, c => c.GetAsync("/api/conversations")),
        })
        {
            var timer = Stopwatch.StartNew();
            var response = await send(client);
            timer.Stop();
            var detail = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.True(timer.Elapsed < TimeSpan.FromSeconds(5), $"{response.RequestMessage!.RequestUri} took {timer.Elapsed.TotalSeconds:0.00} s");
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
            Assert.Contains("Try again in 5 seconds", detail);
        }

        _database.Restore();
        await EventuallyAsync(async () => (await visitor.PostAsJsonAsync(messagesUrl,
            new SendMessageRequest("outage-1", "are you there?", null), TestJson.Options)).IsSuccessStatusCode, "a send after the outage");
        Assert.Equal("are you there?", Assert.Single(await api.StoredMessagesAsync(session.Conversation.Id)).Body);
    }

    [Fact]
    public async Task HubSend_WhenTheDatabaseIsUnreachable_IsRefusedWithinFiveSecondsSayingWhenToRetry_AndWorksAgainAfter()
    {
        var session = await api.StartWidgetAsync();
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken, _factory);

        _database.Cut();
        var timer = Stopwatch.StartNew();
        var refusals = await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            Assert.ThrowsAsync<HubException>(() => visitor.SendAsync(session.Conversation.Id, $"during the outage {i}", $"outage-{i}"))));
        timer.Stop();

        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(5), $"The refusals took {timer.Elapsed.TotalSeconds:0.00} s");
        // SignalR puts "An unexpected error occurred invoking ... HubException: " before the server's message.
        Assert.All(refusals, r => Assert.EndsWith("HubException: The chat cannot reach its database right now; nothing was lost. Try again in 5 seconds.", r.Message));

        _database.Restore();
        MessageDto? sent = null;
        await EventuallyAsync(async () =>
        {
            sent = await visitor.SendAsync(session.Conversation.Id, "during the outage 0", "outage-0");
            return true;
        }, "a hub send after the outage");
        Assert.Equal(sent!.Id, (await visitor.Messages.NextAsync(m => m.Id == sent.Id)).Id);
    }

    [Fact]
    public async Task Pools_StayWithinTheConfiguredMaximum_UnderABurstOfRequests()
    {
        await using var bounded = new ChatApiFactory(_factory.Services.GetConnectionString(), settings: new Dictionary<string, string?>
        {
            ["Database:MaxPoolSize"] = "3",
            ["Database:WriterMaxPoolSize"] = "1",
        });
        var session = await api.StartWidgetAsync();
        using var visitor = api.Client(session.VisitorToken, bounded);

        var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => i % 2 == 0
            ? visitor.GetAsync($"/api/widget/conversations/{session.Conversation.Id}/messages")
            : visitor.PostAsJsonAsync($"/api/widget/conversations/{session.Conversation.Id}/messages",
                new SendMessageRequest(Guid.NewGuid().ToString(), $"burst {i}", null), TestJson.Options)));

        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode || r.StatusCode == HttpStatusCode.TooManyRequests, r.StatusCode.ToString()));
        // Both factories go through the proxy; the first one holds its own connections (health checks and the like).
        Assert.InRange(_database.MostOpen, 1, 3 + 1 + 3 + 4);
    }

    [Fact]
    public async Task FailingWrites_TurnHealthDegraded_UntilAWriteSucceedsAgain()
    {
        var session = await api.StartWidgetAsync();
        await using var visitor = await HubTestClient.ConnectAsync(api, session.VisitorToken, _factory);
        using var client = _factory.CreateClient();
        await using var db = new NpgsqlConnection(api.ConnectionString);
        await db.OpenAsync();
        // PostgreSQL's own answer when its disk is full (SQLSTATE 53100), raised by every insert into messages.
        await new NpgsqlCommand("""
            CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$;
            CREATE TRIGGER disk_full BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION disk_full();
            """, db).ExecuteNonQueryAsync();
        try
        {
            var refused = await Assert.ThrowsAsync<HubException>(() => visitor.SendAsync(session.Conversation.Id, "no room", "disk-full"));
            Assert.Contains("Try again in", refused.Message);
            var health = await client.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Degraded", await health.Content.ReadAsStringAsync());
        }
        finally
        {
            await new NpgsqlCommand("DROP TRIGGER disk_full ON messages; DROP FUNCTION disk_full();", db).ExecuteNonQueryAsync();
        }

        await visitor.SendAsync(session.Conversation.Id, "no room", "disk-full");
        Assert.Equal("Healthy", await client.GetStringAsync("/health"));
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception ex)
            {
                last = ex;
            }
            await Task.Delay(250);
        }
        Assert.Fail($"Not recovered within 30 s: {what}. Last error: {last}");
    }
}

internal static class FactoryConnectionString
{
    public static string GetConnectionString(this IServiceProvider services) =>
        Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>(services)["ConnectionStrings:chatdb"]!;
}
