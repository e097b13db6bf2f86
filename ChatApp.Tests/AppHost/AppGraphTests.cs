using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using AppResources = ChatApp.AppHost.Resources;

namespace ChatApp.Tests.AppHost;

/// <summary>The whole app graph from the real app model: states, wiring, a chat through the front end, its trace.</summary>
[Collection(AppHostCollection.Name)]
public class AppGraphTests(AppHostFixture fixture)
{
    private DistributedApplication App => fixture.App;

    [Fact]
    public async Task Start_EveryResourceIsUp_AndTheMigrationsFinished()
    {
        var report = await fixture.Host.ReportAsync();
        foreach (var name in new[] { AppResources.Postgres, AppResources.ChatDb, AppResources.Api, AppResources.Frontend })
        {
            var state = await fixture.Host.StateAsync(name);
            Assert.True(state.State?.Text == KnownResourceStates.Running && state.HealthStatus is null or HealthStatus.Healthy,
                $"{name} is {state.State?.Text}/{state.HealthStatus}\n{report}");
        }
        var migrations = await fixture.Host.StateAsync(AppResources.Migrations);
        Assert.True(migrations.State?.Text == KnownResourceStates.Finished && migrations.ExitCode == 0, report);

        // The console tells a terminal user where to go: one row per resource with its address.
        var summary = await fixture.Host.Console.WaitForAsync("All resources are up", TimeSpan.FromMinutes(1));
        Assert.Matches($@"frontend\s+{System.Text.RegularExpressions.Regex.Escape(App.GetEndpoint(AppResources.Frontend).ToString().TrimEnd('/'))}", summary);
        Assert.Contains("api (2 replicas)", summary);
        Assert.DoesNotContain(fixture.Host.Console.Lines, l => l.Contains('✗'));
    }

    [Fact]
    public async Task Services_GetTheirConnectionStringAndTheApiAddress_TheAspireWay()
    {
        var api = await EnvironmentAsync(AppResources.Api);
        var migrations = await EnvironmentAsync(AppResources.Migrations);
        Assert.Contains("Database=chatdb", api["ConnectionStrings__chatdb"]);
        Assert.Equal(api["ConnectionStrings__chatdb"], migrations["ConnectionStrings__chatdb"]);
        Assert.Equal(fixture.Host.AdminPassword, migrations["Admin__Password"]);

        var frontend = await EnvironmentAsync(AppResources.Frontend);
        Assert.StartsWith("http://", frontend["services__api__http__0"]);
        Assert.True(int.TryParse(frontend["PORT"], out _), frontend["PORT"]);

        // The connection string works: the migrations ran on it.
        await using var connection = new NpgsqlConnection(await App.GetConnectionStringAsync(AppResources.ChatDb));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM \"__EFMigrationsHistory\"", connection);
        Assert.True((long)(await command.ExecuteScalarAsync())! > 0);
    }

    [Fact]
    public async Task Chat_VisitorMessageThroughTheFrontEnd_IsStored_AndReachesAnOperator_AndIsOneTraceInTheDashboard()
    {
        var frontend = App.GetEndpoint(AppResources.Frontend);
        using var http = new HttpClient { BaseAddress = frontend };

        // REST through the Vite proxy: a visitor starts a conversation, the seeded admin signs in. With an e-mail and a
        // first message, the start is accepted whether an operator is online or not.
        var session = await (await http.PostAsJsonAsync("/api/widget/conversations",
            new StartConversationRequest("Vera", "vera@example.com", null, "Hi, is anyone there?"), TestJson.Options)).ReadAsync<WidgetSessionDto>();
        var login = await (await http.PostAsJsonAsync("/api/auth/login",
            new LoginRequest(fixture.Host.AdminEmail, fixture.Host.AdminPassword), TestJson.Options)).ReadAsync<LoginResult>();

        // SignalR over WebSockets through the same proxy.
        await using var operatorHub = Hub(frontend, login.AccessToken);
        await using var visitorHub = Hub(frontend, session.VisitorToken);
        var operatorInbox = Inbox(operatorHub);
        await operatorHub.StartAsync();
        await visitorHub.StartAsync();
        await operatorHub.InvokeAsync<ConversationDto>("JoinConversation", session.Conversation.Id);

        var sent = await visitorHub.InvokeAsync<MessageDto>("SendMessage", session.Conversation.Id, "v-1", "Hello from the widget", (Guid?)null);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = await operatorInbox.Reader.ReadAsync(wait.Token);
        Assert.Equal(sent.Id, received.Id);
        Assert.Equal(SenderKind.Visitor, received.SenderKind);

        await using (var connection = new NpgsqlConnection(await App.GetConnectionStringAsync(AppResources.ChatDb)))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT body FROM messages WHERE id = $1", connection) { Parameters = { new() { Value = sent.Id } } };
            Assert.Equal("Hello from the widget", await command.ExecuteScalarAsync());
        }

        // The Aspire Dashboard got the message's trace: hub call → send → persist → the INSERT.
        var spans = await WaitForTraceAsync(sent.Id);
        var root = spans.Single(s => s.ParentSpanId == "");
        Assert.Equal("ChatApp.Api.Hubs.ChatHub/SendMessage", root.Name);
        var send = spans.Single(s => s.Name == "chat.message.send");
        Assert.Equal(root.SpanId, send.ParentSpanId);
        var persist = spans.Single(s => s.Name == "chat.message.persist");
        Assert.Equal(send.SpanId, persist.ParentSpanId);
        Assert.Contains(spans, s => s.ParentSpanId == persist.SpanId && s.Attributes.Values.Any(v => v.Contains("INSERT INTO messages")));
    }

    [Fact]
    public async Task FirstStart_LeavesNoErrorInTheDashboard_NeitherLogsNorSpans()
    {
        // The fixture's data folder is new: this start created the database and ran every migration.
        using var dashboard = DashboardClient();
        var logs = await dashboard.GetStringAsync("/api/telemetry/logs?severity=Error&limit=1000");
        var errors = CountItems(logs, "resourceLogs", "scopeLogs", "logRecords");
        Assert.True(errors == 0, $"Error logs on a clean start:\n{logs[..Math.Min(logs.Length, 4000)]}");
        var failed = Span.Parse(await dashboard.GetStringAsync("/api/telemetry/spans?hasError=true&limit=1000"));
        Assert.True(failed.Count == 0, "Failed spans on a clean start:\n" + string.Join("\n", failed.Select(s =>
            $"{s.Name}: {string.Join(", ", s.Attributes.Where(a => a.Key.StartsWith("error", StringComparison.Ordinal) || a.Key.StartsWith("exception", StringComparison.Ordinal) || a.Key.StartsWith("db.", StringComparison.Ordinal)))}")));
    }

    private HttpClient DashboardClient()
    {
        // DCP proxies the dashboard on a random port in tests.
        var client = new HttpClient { BaseAddress = App.GetEndpoint("aspire-dashboard", "http") };
        client.DefaultRequestHeaders.Add("x-api-key", fixture.Host.Settings["AppHost:DashboardApiKey"]);
        return client;
    }

    private static int CountItems(string json, string resources, string scopes, string items)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("data", out var data) || !data.TryGetProperty(resources, out var list))
        {
            return 0;
        }
        return list.EnumerateArray().SelectMany(r => r.GetProperty(scopes).EnumerateArray()).Sum(s => s.GetProperty(items).GetArrayLength());
    }

    private async Task<Dictionary<string, string>> EnvironmentAsync(string resourceName) =>
        (await fixture.Host.StateAsync(resourceName)).EnvironmentVariables.Where(e => e.Value is not null).ToDictionary(e => e.Name, e => e.Value!);

    private async Task<List<Span>> WaitForTraceAsync(long messageId)
    {
        using var dashboard = DashboardClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            var response = await dashboard.GetAsync("/api/telemetry/spans?limit=5000");
            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            if (response.IsSuccessStatusCode)
            {
                var spans = Span.Parse(await response.Content.ReadAsStringAsync());
                var hubCall = spans.FirstOrDefault(s => s.Name == "ChatApp.Api.Hubs.ChatHub/SendMessage"
                    && s.Attributes.GetValueOrDefault("chat.message.id") == messageId.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (hubCall is not null)
                {
                    var trace = spans.Where(s => s.TraceId == hubCall.TraceId).ToList();
                    if (trace.Any(s => s.Attributes.Values.Any(v => v.Contains("INSERT INTO messages"))))
                    {
                        return trace;
                    }
                }
            }
            await Task.Delay(500);
        }
        throw new Xunit.Sdk.XunitException($"The dashboard has no trace of message {messageId}. Last answer: {last[..Math.Min(last.Length, 2000)]}");
    }

    private static HubConnection Hub(Uri frontend, string token) => new HubConnectionBuilder()
        .WithUrl(new Uri(frontend, "/hubs/chat"), options =>
        {
            options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = true;
        })
        .AddJsonProtocol(options => options.PayloadSerializerOptions = TestJson.Options)
        .Build();

    private static System.Threading.Channels.Channel<MessageDto> Inbox(HubConnection hub)
    {
        var inbox = System.Threading.Channels.Channel.CreateUnbounded<MessageDto>();
        hub.On<MessageDto>("MessageReceived", m => inbox.Writer.TryWrite(m));
        return inbox;
    }

    /// <summary>A span from the dashboard's telemetry API (OTLP JSON).</summary>
    private sealed record Span(string TraceId, string SpanId, string ParentSpanId, string Name, Dictionary<string, string> Attributes)
    {
        public static List<Span> Parse(string json)
        {
            using var document = JsonDocument.Parse(json);
            var spans = new List<Span>();
            foreach (var resource in document.RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
            {
                foreach (var scope in resource.GetProperty("scopeSpans").EnumerateArray())
                {
                    foreach (var span in scope.GetProperty("spans").EnumerateArray())
                    {
                        var attributes = new Dictionary<string, string>();
                        if (span.TryGetProperty("attributes", out var list))
                        {
                            foreach (var attribute in list.EnumerateArray())
                            {
                                attributes[attribute.GetProperty("key").GetString()!] = attribute.GetProperty("value").EnumerateObject().FirstOrDefault().Value.ToString();
                            }
                        }
                        spans.Add(new Span(span.GetProperty("traceId").GetString()!, span.GetProperty("spanId").GetString()!,
                            span.TryGetProperty("parentSpanId", out var parent) ? parent.GetString() ?? "" : "",
                            span.GetProperty("name").GetString()!, attributes));
                    }
                }
            }
            return spans;
        }
    }
}
