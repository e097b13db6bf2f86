using System.Net;
using System.Net.Http.Json;
using ChatApp.Api.Services;
using ChatApp.AppHost.Dashboard;
using ChatApp.AppHost.Dashboard.Telemetry;
using ChatApp.AppHost.Hosting;
using ChatApp.Tests.AppHost;
using ChatApp.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using AppResources = ChatApp.AppHost.Resources;

namespace ChatApp.Tests.Dashboard;

/// <summary>
/// End to end: the real app graph (AppHost's Program.cs, in-process) with its dashboard; a visitor's chat message is
/// found in the dashboard, in Debian's Chromium, as one trace down to its database insert.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class DashboardBrowserTests(AppHostFixture fixture) : IAsyncLifetime
{
    private const float Timeout = 20_000;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    private DashboardServer Dashboard => fixture.App.GetDashboard() ?? throw new InvalidOperationException("The app has no dashboard.");

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }

    [Fact]
    public async Task Dashboard_WithoutTheToken_Refuses()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Dashboard.DashboardUri };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/resources")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await http.GetAsync("/traces")).StatusCode);

        var page = await NewPageAsync();
        await page.GotoAsync(new Uri(Dashboard.DashboardUri, "/traces").ToString());
        await Assertions.Expect(page.GetByLabel("Token")).ToBeVisibleAsync();
        await page.GetByLabel("Token").FillAsync("not-the-token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not valid");
    }

    [Fact]
    public async Task VisitorMessage_IsFoundInTheDashboard_AsATraceWithItsDatabaseSpan()
    {
        // Every service was pointed at the dashboard's receiver.
        var api = fixture.App.Notifications.Get(AppResources.Api);
        Assert.Equal(Dashboard.OtlpHttpUri.ToString().TrimEnd('/'), api.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);

        // A visitor sends a message over the hub.
        var apiUri = fixture.App.GetEndpoint(AppResources.Api);
        using var http = new HttpClient { BaseAddress = apiUri };
        var session = await (await http.PostAsJsonAsync("/api/widget/conversations",
            new StartConversationRequest("Dana Dashboard", null, null), TestJson.Options)).ReadAsync<WidgetSessionDto>();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(apiUri, "/hubs/chat"), options =>
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(session.VisitorToken);
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
            })
            .AddJsonProtocol(options => options.PayloadSerializerOptions = TestJson.Options)
            .Build();
        await hub.StartAsync();
        var sent = await hub.InvokeAsync<MessageDto>("SendMessage", session.Conversation.Id, Guid.NewGuid().ToString(), "Is my order shipped?", (Guid?)null);

        // The trace arrives (the services export every second).
        var conversationId = session.Conversation.Id.ToString();
        TraceDetail? trace = null;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (trace is null)
        {
            trace = Dashboard.Store.GetTraces(new TraceQuery(Service: AppResources.Api, Text: "SendMessage"))
                .Select(t => Dashboard.Store.GetTrace(t.TraceId)!)
                .FirstOrDefault(t => t.Spans.Any(s => s.Span.Attribute("chat.conversation.id") == conversationId)
                                     && t.Spans.Any(s => s.Span.Kind == SpanKindName.Client && s.Span.Attribute("db.query.text") is not null));
            Assert.True(trace is not null || DateTime.UtcNow < deadline, "The message's trace never reached the dashboard.");
            await Task.Delay(250);
        }
        var dbSpan = trace.Spans.Select(s => s.Span).First(s => s.Kind == SpanKindName.Client && s.Attribute("db.query.text") is not null);

        // A person opens the login link, then finds the trace in the list and opens it.
        var page = await NewPageAsync();
        await page.GotoAsync(Dashboard.LoginUri.ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Resources" })).ToBeVisibleAsync();
        var apiRow = page.Locator("tr[data-resource='api']");
        await Assertions.Expect(apiRow).ToContainTextAsync("Running");
        await Assertions.Expect(apiRow).ToContainTextAsync("Healthy");

        await page.GetByRole(AriaRole.Link, new() { Name = "Traces", Exact = true }).ClickAsync();
        await page.GetByLabel("Name or trace id").FillAsync(trace.Summary.TraceId);
        var row = page.Locator($"tr[data-trace-id='{trace.Summary.TraceId}']");
        await Assertions.Expect(row).ToContainTextAsync("ChatHub/SendMessage");
        await row.GetByRole(AriaRole.Link).ClickAsync();

        // The waterfall: the hub call, the send, the persist and the INSERT below it.
        var waterfall = page.GetByRole(AriaRole.Tree, new() { Name = "Span waterfall" });
        await Assertions.Expect(waterfall).ToContainTextAsync("ChatApp.Api.Hubs.ChatHub/SendMessage");
        await Assertions.Expect(waterfall).ToContainTextAsync("chat.message.send");
        await Assertions.Expect(waterfall).ToContainTextAsync("chat.message.persist");
        await page.Locator($"[data-span-id='{dbSpan.SpanId}']").ClickAsync();
        var details = page.GetByRole(AriaRole.Region, new() { Name = "Span details" });
        await Assertions.Expect(details).ToContainTextAsync("INSERT INTO messages");
        await Assertions.Expect(details).ToContainTextAsync("Client");

        // The root span carries the message's ids.
        await page.Locator("[role=treeitem][aria-level='1']").First.ClickAsync();
        await Assertions.Expect(details).ToContainTextAsync(sent.Id.ToString());
    }

    [Fact]
    public async Task RestartButton_RestartsTheApi_AndTheResourcesPageFollows()
    {
        var before = fixture.App.Notifications.Get(AppResources.Api);
        Assert.Equal(ResourceState.Running, before.State);

        var page = await NewPageAsync();
        await page.GotoAsync(Dashboard.LoginUri.ToString());
        var row = page.Locator("tr[data-resource='api']");
        await Assertions.Expect(row).ToContainTextAsync("Healthy");
        var started = await row.Locator("td").Nth(4).InnerTextAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Restart api" }).ClickAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var after = await fixture.App.Notifications.WaitForAsync(AppResources.Api,
            s => s.State == ResourceState.Running && s.Health == HealthStatus.Healthy && s.StartedAt > before.StartedAt, timeout.Token);
        Assert.NotEqual(before.ProcessId, after.ProcessId);

        await Assertions.Expect(row.Locator("td").Nth(4)).Not.ToHaveTextAsync(started);
        await Assertions.Expect(row).ToContainTextAsync("Healthy");
    }

    private async Task<IPage> NewPageAsync()
    {
        var context = await _browser.NewContextAsync(new() { Locale = "en-GB" });
        context.SetDefaultTimeout(Timeout);
        Assertions.SetDefaultExpectTimeout(Timeout);
        return await context.NewPageAsync();
    }
}
