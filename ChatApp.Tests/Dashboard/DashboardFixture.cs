using System.Collections.Concurrent;
using System.Net;
using ChatApp.AppHost.Dashboard;

namespace ChatApp.Tests.Dashboard;

/// <summary>The dashboard and its OTLP receivers on free loopback ports, with a fake engine behind the Resources page.</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string ApiKey = "test-otlp-key";
    public const string Token = "test-browser-token";
    public const int MaxRequestBytes = 256 * 1024;

    public DashboardServer Server { get; private set; } = null!;

    public FakeResourceSource Resources { get; } = new();

    public async Task InitializeAsync()
    {
        Server = await DashboardServer.StartAsync(new DashboardOptions
        {
            Url = "http://127.0.0.1:0",
            OtlpHttpUrl = "http://127.0.0.1:0",
            OtlpGrpcUrl = "http://127.0.0.1:0",
            OtlpApiKey = ApiKey,
            BrowserToken = Token,
            MaxOtlpRequestBytes = MaxRequestBytes,
        }, Resources);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A client of the dashboard's UI port that keeps no cookies and follows no redirects (the tests look at each answer).</summary>
    public HttpClient AnonymousClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = Server.DashboardUri };

    /// <summary>A client logged in through the login link, holding the cookie.</summary>
    public async Task<HttpClient> LoggedInClientAsync()
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = Server.DashboardUri,
        };
        var login = await client.GetAsync(Server.LoginUri);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return client;
    }
}

/// <summary>A stand-in for the AppHost engine: fixed resources, console lines, and a record of the actions asked for.</summary>
public sealed class FakeResourceSource : IDashboardResourceSource
{
    public const string DbPassword = "s3cret-db-passw0rd";

    public ConcurrentQueue<(string Resource, ResourceAction Action)> Actions { get; } = new();

    public List<DashboardConsoleLine> ApiConsole { get; } =
    [
        new(1, DateTimeOffset.UtcNow, "info: Now listening on: http://127.0.0.1:5080", false),
        new(2, DateTimeOffset.UtcNow, "fail: Something went wrong", true),
    ];

    public IReadOnlyCollection<string> SecretValues => [DbPassword];

    public IReadOnlyList<DashboardResource> GetResources() =>
    [
        new("postgres", "Postgres", "Running", "Healthy", DateTimeOffset.UtcNow.AddMinutes(-1), null, null, 4242, null,
            ["tcp://127.0.0.1:54321"], new Dictionary<string, string> { ["POSTGRES_PASSWORD"] = DbPassword }),
        new("api", "Project", "Running", "Healthy", DateTimeOffset.UtcNow.AddSeconds(-30), null, null, 4343, null,
            ["http://127.0.0.1:5080"], new Dictionary<string, string>
            {
                ["ConnectionStrings__chatdb"] = $"Host=127.0.0.1;Port=54321;Username=chatapp;Password={DbPassword};Database=chatdb",
                ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-otlp-api-key=" + DashboardFixture.ApiKey,
                ["Jwt__SigningKey"] = "a-signing-key-that-must-not-show",
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["OTEL_SERVICE_NAME"] = "api",
            }),
        new("migrations", "Project", "Finished", null, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow, 0, null, null,
            [], new Dictionary<string, string>()),
    ];

    public IReadOnlyList<DashboardConsoleLine> GetConsoleLines(string resourceName, long afterSequence) =>
        resourceName == "api" ? [.. ApiConsole.Where(l => l.Sequence > afterSequence)] : [];

    public Task ExecuteAsync(string resourceName, ResourceAction action, CancellationToken cancellationToken = default)
    {
        Actions.Enqueue((resourceName, action));
        return Task.CompletedTask;
    }
}
