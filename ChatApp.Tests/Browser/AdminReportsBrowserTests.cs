using System.Net.Http.Json;
using System.Text.RegularExpressions;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

/// <summary>The admin's reports, webhooks and audit log pages in real Chromium, against the real API.</summary>
[Collection(ApiCollection.Name)]
public class AdminReportsBrowserTests(ApiFixture api, BrowserFixture browser, ITestOutputHelper output)
    : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<string> _loaded = [];
    private FrontendServer _frontend = null!;

    public async Task InitializeAsync()
    {
        await api.ResetAsync();
        _frontend = await browser.ServerAsync(api.Factory.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }
    }

    [Fact]
    public async Task ReportsPage_ShowsTheFigures_AndDrawsTheCharts_WithAChartLibraryLoadedOnlyThere()
    {
        await RunAsync(async () =>
        {
            var session = await api.StartWidgetAsync("Rita Reports");
            using (var visitor = api.Client(session.VisitorToken))
            {
                await (await visitor.PostAsJsonAsync($"/api/widget/conversations/{session.Conversation.Id}/messages",
                    new SendMessageRequest("r-1", "Hello", null))).ReadAsync<MessageDto>();
            }
            using (var admin = api.Client(api.Admin.Token))
            {
                await (await admin.PostAsJsonAsync($"/api/conversations/{session.Conversation.Id}/messages",
                    new SendMessageRequest("r-2", "Hi Rita", null))).ReadAsync<MessageDto>();
            }

            var page = await SignInAsync();
            Assert.DoesNotContain(_loaded, url => url.Contains("/assets/charts-"));
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Reports" }).ClickAsync();

            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Reports", Level = 1 })).ToBeVisibleAsync();
            var figures = page.GetByRole(AriaRole.Region, new() { Name = "Key figures" });
            await Expect(figures).ToContainTextAsync("Conversations started1");
            var messages = page.GetByRole(AriaRole.Img, new() { Name = "Messages per day" });
            var heatmap = page.GetByRole(AriaRole.Img, new() { Name = "Busiest hours" });
            await Expect(messages).ToHaveAttributeAsync("data-ready", "true");
            await Expect(heatmap).ToHaveAttributeAsync("data-ready", "true");
            Assert.True(await HasInkAsync(messages), "the messages chart drew nothing");
            Assert.True(await HasInkAsync(heatmap), "the heatmap drew nothing");
            Assert.Contains(_loaded, url => url.Contains("/assets/charts-"));
            await Expect(page.GetByRole(AriaRole.Table, new() { Name = "By operator" })).ToContainTextAsync("Ada Admin");
        });
    }

    [Fact]
    public async Task WebhooksPage_AddsAnEndpoint_SendsATestEvent_ShowsTheDelivery_AndTheAuditLogRecordsIt()
    {
        await RunAsync(async () =>
        {
            var receiver = await WebhookReceiver.StartAsync();
            _owned.Add(receiver);
            var deliverer = api.CreateFactory(settings: new Dictionary<string, string?>
            {
                ["Webhooks:DeliveryEnabled"] = "true",
                ["Webhooks:PollInterval"] = "00:00:00.100",
            });
            deliverer.StartServer();
            _owned.Add(deliverer);

            var page = await SignInAsync();
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Webhooks" }).ClickAsync();
            var add = page.GetByRole(AriaRole.Form, new() { Name = "Add a webhook" });
            await add.GetByRole(AriaRole.Textbox, new() { Name = "URL" }).FillAsync(receiver.Url());
            await add.GetByRole(AriaRole.Checkbox, new() { Name = "message.created" }).UncheckAsync();
            await add.GetByRole(AriaRole.Button, new() { Name = "Add webhook" }).ClickAsync();

            await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Webhooks" })).ToContainTextAsync(receiver.Url());
            var secret = page.GetByLabel("Signing secret");
            await Expect(secret).ToHaveValueAsync(new Regex("^whsec_[0-9a-f]{64}$"));

            await page.GetByRole(AriaRole.Button, new() { Name = "Send test event" }).ClickAsync();
            var deliveries = page.GetByRole(AriaRole.Table, new() { Name = "Recent deliveries" });
            var row = deliveries.GetByRole(AriaRole.Row).Filter(new() { HasText = "webhook.test" });
            await Expect(row).ToHaveAttributeAsync("data-status", "Succeeded");
            await Expect(row).ToContainTextAsync("Delivered");
            await Expect(row).ToContainTextAsync("200");
            var received = (await receiver.WaitForAsync(r => r.Count == 1)).Single();
            Assert.Equal("webhook.test", received.Event);
            Assert.True(ChatApp.Api.Webhooks.WebhookSignature.Verify(
                await secret.InputValueAsync(), received.Signature, received.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));

            await row.GetByRole(AriaRole.Button, new() { Name = "Redeliver webhook.test" }).ClickAsync();
            await Expect(deliveries.GetByRole(AriaRole.Row).Filter(new() { HasText = "webhook.test" })).ToHaveCountAsync(2);
            await receiver.WaitForAsync(r => r.Count == 2);

            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
            var entries = page.GetByRole(AriaRole.Table, new() { Name = "Audit entries" });
            await Expect(entries.GetByRole(AriaRole.Row).Filter(new() { HasText = "Webhook added" })).ToContainTextAsync(receiver.Url());
            await Expect(entries.GetByRole(AriaRole.Row).Filter(new() { HasText = "Webhook test sent" })).ToContainTextAsync("Ada Admin");
        });
    }

    // ---- helpers ----

    /// <summary>Whether anything was painted on the canvas (a chart that failed leaves it transparent).</summary>
    private static Task<bool> HasInkAsync(ILocator canvas) => canvas.EvaluateAsync<bool>("""
        c => {
            const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
            return false;
        }
        """);

    private async Task<IPage> SignInAsync()
    {
        var context = await browser.NewContextAsync();
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning") output.WriteLine($"[console.{message.Type}] {message.Text}");
        };
        page.PageError += (_, error) => output.WriteLine($"[page error] {error}");
        page.Request += (_, request) => _loaded.Add(request.Url);
        await page.GotoAsync(_frontend.Url("/admin"));
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Email" }).FillAsync(ApiFixture.AdminEmail);
        await page.GetByLabel("Password").FillAsync(ApiFixture.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Tablist, new() { Name = "Conversation filters" })).ToBeVisibleAsync();
        return page;
    }

    private Task RunAsync(Func<Task> scenario, [System.Runtime.CompilerServices.CallerMemberName] string test = "") =>
        BrowserScenario.RunAsync(_contexts, line => BrowserScenario.Log(output, line), scenario, test);
}
