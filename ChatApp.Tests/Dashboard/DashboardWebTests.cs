using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatApp.AppHost.Dashboard;

namespace ChatApp.Tests.Dashboard;

/// <summary>The dashboard's web side: token login, refusal without it, the pages and the JSON they poll.</summary>
public sealed class DashboardWebTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    [Theory]
    [InlineData("/api/summary")]
    [InlineData("/api/resources")]
    [InlineData("/api/logs")]
    [InlineData("/api/traces")]
    [InlineData("/api/console/api")]
    [InlineData("/api/metrics/instruments")]
    public async Task Api_WithoutTheLoginCookie_IsRefusedWith401(string path)
    {
        using var client = fixture.AnonymousClient();
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(FakeResourceSource.DbPassword, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/traces")]
    [InlineData("/structuredlogs?level=Error")]
    [InlineData("/metrics")]
    public async Task Pages_WithoutTheLoginCookie_RedirectToTheLoginPage(string path)
    {
        using var client = fixture.AnonymousClient();
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?returnUrl=" + Uri.EscapeDataString(path), response.Headers.Location?.OriginalString);

        var login = await client.GetAsync(response.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("<label for=\"token\">Token</label>", await login.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LoginLink_WithAWrongToken_IsRefused_AndSetsNoCookie()
    {
        using var client = fixture.AnonymousClient();
        var response = await client.GetAsync("/login?t=not-the-token");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Contains("not valid", await response.Content.ReadAsStringAsync());

        var forged = new HttpRequestMessage(HttpMethod.Get, "/api/summary");
        forged.Headers.Add("Cookie", "chatapp-dashboard=" + new string('0', 64));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(forged)).StatusCode);
    }

    [Fact]
    public async Task LoginLink_SetsAnHttpOnlyCookie_ThatOpensPagesAndApi()
    {
        using var anonymous = fixture.AnonymousClient();
        var login = await anonymous.GetAsync(fixture.Server.LoginUri.PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/", login.Headers.Location?.OriginalString);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(DashboardFixture.Token, cookie);

        using var client = await fixture.LoggedInClientAsync();
        var page = await client.GetAsync("/traces");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("/assets/app.js", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/summary")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/assets/app.css")).StatusCode);
    }

    [Fact]
    public async Task LoginForm_WithTheToken_RedirectsBackToThePageAskedFor()
    {
        using var client = fixture.AnonymousClient();
        var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = DashboardFixture.Token,
            ["returnUrl"] = "/structuredlogs?level=Error",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/structuredlogs?level=Error", response.Headers.Location?.OriginalString);

        var offsite = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = DashboardFixture.Token,
            ["returnUrl"] = "//evil.example/",
        }));
        Assert.Equal("/", offsite.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Resources_ShowStateEndpointsAndEnvironment_WithSecretsMasked()
    {
        using var client = await fixture.LoggedInClientAsync();
        var json = await client.GetStringAsync("/api/resources");
        Assert.DoesNotContain(FakeResourceSource.DbPassword, json);
        Assert.DoesNotContain(DashboardFixture.ApiKey, json);
        Assert.DoesNotContain("a-signing-key-that-must-not-show", json);

        var resources = JsonDocument.Parse(json).RootElement;
        Assert.Equal(["postgres", "api", "migrations"], resources.EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        var api = resources[1];
        Assert.Equal("Running", api.GetProperty("state").GetString());
        Assert.Equal("Healthy", api.GetProperty("health").GetString());
        Assert.Equal("http://127.0.0.1:5080", api.GetProperty("endpoints")[0].GetString());
        var env = api.GetProperty("environment").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("value").GetString());
        Assert.Equal("Development", env["ASPNETCORE_ENVIRONMENT"]);
        Assert.Contains("Password=••••••••", env["ConnectionStrings__chatdb"]);
        Assert.Equal("x-otlp-api-key=••••••••", env["OTEL_EXPORTER_OTLP_HEADERS"]);
    }

    [Fact]
    public async Task ResourceActions_ReachTheEngine_OnlyWithTheDashboardHeader()
    {
        using var client = await fixture.LoggedInClientAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/api/resources/api/restart", null)).StatusCode);
        Assert.DoesNotContain(fixture.Resources.Actions, a => a.Resource == "api");

        client.DefaultRequestHeaders.Add("X-Dashboard-Request", "1");
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/resources/api/restart", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/resources/postgres/stop", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/api/resources/api/explode", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/resources/nope/start", null)).StatusCode);
        Assert.Contains(("api", ResourceAction.Restart), fixture.Resources.Actions);
        Assert.Contains(("postgres", ResourceAction.Stop), fixture.Resources.Actions);

        using var anonymous = fixture.AnonymousClient();
        anonymous.DefaultRequestHeaders.Add("X-Dashboard-Request", "1");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/resources/api/stop", null)).StatusCode);
    }

    [Fact]
    public async Task ConsoleLogs_ReturnOnlyLinesAfterTheCursor()
    {
        using var client = await fixture.LoggedInClientAsync();
        var all = await client.GetFromJsonAsync<JsonElement>("/api/console/api");
        Assert.Equal(2, all.GetProperty("lines").GetArrayLength());
        Assert.True(all.GetProperty("lines")[1].GetProperty("isError").GetBoolean());
        var newer = await client.GetFromJsonAsync<JsonElement>("/api/console/api?after=1");
        Assert.Equal("fail: Something went wrong", Assert.Single(newer.GetProperty("lines").EnumerateArray()).GetProperty("text").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/console/nope")).StatusCode);
    }

    [Fact]
    public async Task Pages_SendSecurityHeaders()
    {
        using var client = await fixture.LoggedInClientAsync();
        var response = await client.GetAsync("/");
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
    }
}
