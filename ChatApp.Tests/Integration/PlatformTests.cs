using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;

namespace ChatApp.Tests.Integration;

[Collection(ApiCollection.Name)]
public class PlatformTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task OpenApiDocument_DescribesEveryFeature()
    {
        using var client = api.Client();
        using var doc = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var paths = doc.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var expected in new[]
        {
            "/api/auth/login", "/api/auth/me", "/api/widget/conversations", "/api/widget/conversations/current",
            "/api/conversations", "/api/conversations/{id}/messages", "/api/conversations/{id}/assign",
            "/api/conversations/{id}/close", "/api/users", "/api/users/{id}/role", "/api/users/{id}/deactivate", "/api/uploads",
            // The operator's inbox (issue 14).
            "/api/canned-responses", "/api/canned-responses/{id}", "/api/conversations/{id}/notes", "/api/conversations/{id}/reopen",
            "/api/conversations/{id}/unassign", "/api/conversations/counts", "/api/presence", "/api/presence/me",
            "/api/settings/assignment", "/api/auth/me/password", "/api/auth/me/preferences", "/api/users/{id}/reactivate",
            "/api/users/{id}/password",
        })
        {
            Assert.Contains(expected, paths);
        }
        // Every operation says what it does, and the search parameter is described.
        foreach (var path in doc.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                Assert.True(operation.Value.TryGetProperty("summary", out var summary) && summary.GetString()!.Length > 10,
                    $"{operation.Name.ToUpperInvariant()} {path.Name} has no summary");
            }
        }
        var list = doc.RootElement.GetProperty("paths").GetProperty("/api/conversations").GetProperty("get");
        Assert.Contains(list.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "q");
    }

    [Fact]
    public async Task Health_IsHealthyWithTheDatabase_AndAliveAnswers_WithoutDetails()
    {
        using var client = api.Client();
        var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", await client.GetStringAsync("/alive"));
    }

    [Fact]
    public async Task Health_WhenTheDatabaseIsUnreachable_IsUnhealthy_ButAliveStaysUp()
    {
        await using var broken = new ChatApiFactory("Host=127.0.0.1;Port=1;Database=x;Username=x;Password=x;Timeout=1");
        using var client = broken.CreateClient();
        var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("Unhealthy", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive")).StatusCode);
    }

    [Fact]
    public async Task Login_IsRateLimitedPerIp()
    {
        await using var limited = api.CreateFactory(settings: new Dictionary<string, string?> { ["RateLimits:LoginPerIpPerMinute"] = "3" });
        using var client = limited.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await client.PostAsJsonAsync("/api/auth/login", new LoginRequest($"u{i}@chatapp.test", "wrong-password"))).StatusCode);
        }
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized,
            HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        var last = await client.PostAsJsonAsync("/api/auth/login", new LoginRequest(ApiFixture.AdminEmail, ApiFixture.AdminPassword));
        await last.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(last.Headers.RetryAfter is not null);
    }

    [Fact]
    public async Task WidgetStart_IsRateLimitedPerIp()
    {
        await using var limited = api.CreateFactory(settings: new Dictionary<string, string?> { ["RateLimits:WidgetStartsPerIpPerMinute"] = "2" });
        using var client = limited.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await client.PostAsync("/api/widget/conversations", null)).StatusCode);
        }
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
    }
}
