using ChatApp.Tests.Hub;
using ChatApp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

/// <summary>
/// The widget in real Chromium while PostgreSQL becomes unreachable (a TCP proxy in front of it is cut): a message sent
/// then shows "Reconnecting…" and keeps sending by itself, and is stored once the database is back, with nothing to click.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class WidgetOutageBrowserTests(ApiFixture api, BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private DroppingProxy _database = null!;
    private ChatApiFactory _factory = null!;
    private FrontendServer _frontend = null!;
    private IBrowserContext? _context;

    public async Task InitializeAsync()
    {
        await api.ResetAsync();
        _database = api.CreateDatabaseProxy();
        _factory = api.CreateFactoryThrough(_database);
        _frontend = await FrontendServer.StartAsync(_factory.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        if (_context is not null) await _context.CloseAsync();
        await _frontend.DisposeAsync();
        await _factory.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Widget_SendingWhileTheDatabaseIsDown_ShowsReconnectingAndDeliversByItselfWhenItIsBack()
    {
        _context = await browser.NewContextAsync();
        var page = await _context.NewPageAsync();
        await page.GotoAsync(_frontend.Url("/widget"));
        var form = page.GetByRole(AriaRole.Form, new() { Name = "Start a conversation" });
        await form.GetByRole(AriaRole.Textbox, new() { Name = "Name" }).FillAsync("Olive Outage");
        await form.GetByRole(AriaRole.Button, new() { Name = "Start chat" }).ClickAsync();
        var composer = page.GetByRole(AriaRole.Textbox, new() { Name = "Message" });
        await Expect(composer).ToBeEditableAsync();
        var messages = page.GetByRole(AriaRole.List, new() { Name = "Messages" }).GetByRole(AriaRole.Listitem);
        await composer.FillAsync("Before the outage");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(messages.Filter(new() { HasText = "Before the outage" })).ToHaveAttributeAsync("data-state", "sent");

        _database.Cut();
        await composer.FillAsync("During the outage");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();

        var during = messages.Filter(new() { HasText = "During the outage" });
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Reconnecting" })).ToBeVisibleAsync();
        await Expect(during).ToHaveAttributeAsync("data-state", "sending");

        _database.Restore();
        // The widget retries every 5 s as the server asked; give it a few rounds on a busy machine.
        await Expect(during).ToHaveAttributeAsync("data-state", "sent", new() { Timeout = 30_000 });
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Reconnecting" })).ToHaveCountAsync(0);
        Guid conversationId;
        await using (var db = api.CreateDbContext())
        {
            conversationId = await db.Conversations.Select(c => c.Id).SingleAsync();
        }
        Assert.Equal(["Before the outage", "During the outage"], (await api.StoredMessagesAsync(conversationId)).Select(m => m.Body));
    }
}
