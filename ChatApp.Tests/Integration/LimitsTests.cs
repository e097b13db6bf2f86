using System.Net;
using System.Net.Http.Json;
using ChatApp.Api.Services;
using ChatApp.Tests.Hub;
using ChatApp.Tests.Infrastructure;

namespace ChatApp.Tests.Integration;

/// <summary>Limits over REST: login throttling, per-sender limits shared with the hub, and forwarded headers.</summary>
[Collection(ApiCollection.Name)]
public class LimitsTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private ChatApiFactory BehindProxy(params (string Key, string Value)[] settings) => api.CreateFactory(settings:
        new Dictionary<string, string?>(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
        {
            ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
        });

    private static async Task<HttpResponseMessage> LoginAsync(HttpClient client, string from, string email, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login")
        {
            Content = JsonContent.Create(new LoginRequest(email, password)),
        };
        request.Headers.Add("X-Forwarded-For", from);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Login_AfterWrongPasswordsFromOneAddress_RefusesThatAddressSayingWhen_ButTheOwnerElsewhereSignsIn()
    {
        await using var proxied = BehindProxy(("RateLimits:LoginFailuresPerAccountAndIpPer15Minutes", "2"));
        using var client = proxied.CreateClient();
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(client, "203.0.113.7", ApiFixture.AdminEmail, "guess-" + i)).StatusCode);
        }

        var refused = await LoginAsync(client, "203.0.113.7", ApiFixture.AdminEmail, ApiFixture.AdminPassword);
        var detail = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        var wait = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(wait);
        Assert.InRange(wait.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(15));
        Assert.Contains($"Try again in {(int)wait.Value.TotalSeconds} seconds", detail);

        var owner = await LoginAsync(client, "198.51.100.9", ApiFixture.AdminEmail.ToUpperInvariant(), ApiFixture.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
    }

    [Fact]
    public async Task Login_UnderAGuessingAttackFromManyAddresses_SlowsTheAccountBySeconds_AndItsKnownAddressStillSignsIn()
    {
        await using var proxied = BehindProxy(("RateLimits:LoginFailuresPerAccountBurst", "3"), ("RateLimits:LoginAccountSlowdownSeconds", "10"));
        using var client = proxied.CreateClient();
        // A cheap password hash, so the attempts take milliseconds and the bucket cannot refill in between.
        var owner = await api.CreateUserAsync();
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, "198.51.100.9", owner.Email, owner.Password)).StatusCode);

        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 6; i++)
        {
            statuses.Add((await LoginAsync(client, $"203.0.113.{i}", owner.Email, "guess-" + i)).StatusCode);
        }
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 3), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)], statuses);

        // The owner from a new place is slowed by seconds, not locked out for minutes…
        var elsewhere = await LoginAsync(client, "192.0.2.44", owner.Email, owner.Password);
        await elsewhere.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.InRange(elsewhere.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        // …and from where it signed in before, it is not slowed at all.
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, "198.51.100.9", owner.Email, owner.Password)).StatusCode);
    }

    [Fact]
    public async Task WidgetStart_BehindAConfiguredProxy_LimitsEachClientAddressSeparately()
    {
        await using var proxied = BehindProxy(("RateLimits:WidgetStartsPerIpPerMinute", "1"));
        using var client = proxied.CreateClient();

        Assert.Equal(HttpStatusCode.Created, (await StartFromAsync(client, "203.0.113.1")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await StartFromAsync(client, "203.0.113.2")).StatusCode);
        var again = await StartFromAsync(client, "203.0.113.1");
        await again.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(again.Headers.RetryAfter);
    }

    [Fact]
    public async Task WidgetStart_WithForwardedHeadersFromAnUntrustedPeer_IgnoresThem()
    {
        await using var direct = api.CreateFactory(settings: new Dictionary<string, string?> { ["RateLimits:WidgetStartsPerIpPerMinute"] = "1" });
        using var client = direct.CreateClient();

        Assert.Equal(HttpStatusCode.Created, (await StartFromAsync(client, "203.0.113.1")).StatusCode);
        // A made-up X-Forwarded-For does not buy a new bucket.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await StartFromAsync(client, "203.0.113.2")).StatusCode);
    }

    private static async Task<HttpResponseMessage> StartFromAsync(HttpClient client, string from)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/widget/conversations") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("X-Forwarded-For", from);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Send_OverRest_SharesTheSendersLimit_AndTheRefusalSaysWhenToRetry()
    {
        await using var limited = api.CreateFactory(settings: new Dictionary<string, string?> { ["Chat:MaxMessagesPerSecond"] = "3" });
        var session = await api.StartWidgetAsync();
        using var rest = api.Client(session.VisitorToken, limited);

        var burst = System.Diagnostics.Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => rest.PostAsJsonAsync(
            $"/api/widget/conversations/{session.Conversation.Id}/messages",
            new SendMessageRequest(Guid.NewGuid().ToString(), $"burst {i}", null), TestJson.Options)));

        burst.Stop();
        var accepted = responses.Count(r => r.StatusCode == HttpStatusCode.Created);
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(20, accepted + refused.Count);
        RateAssert.AllowedWithin(accepted, 3, burst.Elapsed);
        foreach (var response in refused)
        {
            var detail = await response.AssertProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.Contains("more than 3 messages a second", detail);
            Assert.NotNull(response.Headers.RetryAfter?.Delta);
            Assert.Contains($"Try again in {(int)response.Headers.RetryAfter!.Delta!.Value.TotalSeconds} second", detail);
        }
        Assert.Equal(accepted, (await ChatApp.Tests.Hub.HubTestData.StoredMessagesAsync(api, session.Conversation.Id)).Count);
    }
}
