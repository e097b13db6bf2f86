using System.Net.Http.Json;
using System.Text.RegularExpressions;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

/// <summary>
/// The widget and the admin UI in real Chromium, against the built front end (vite preview), the real API and
/// PostgreSQL. Elements are found by role and accessible name (frontend/README.md lists them); every wait is one
/// of Playwright's auto-waiting assertions.
/// </summary>
[Collection(ApiCollection.Name)]
public class ChatBrowserTests(ApiFixture api, BrowserFixture browser, ITestOutputHelper output)
    : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    // The smallest valid PNG (1×1): the API checks an upload's type by its bytes.
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private readonly List<IBrowserContext> _contexts = [];
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
    }

    [Fact]
    public async Task VisitorAndOperator_ChatLive_WithoutReload()
    {
        await RunAsync(async () =>
        {
            var operatorUser = await CreateStaffAsync(UserRole.Operator, "Otto Operator");
            var admin = await SignInAsync(operatorUser);
            await Expect(admin.GetByRole(AriaRole.List, new() { Name = "Conversations" }).GetByRole(AriaRole.Link)).ToHaveCountAsync(0);
            await MarkPageAsync(admin);

            var visitor = await StartChatAsync("Vera Visitor");
            await MarkPageAsync(visitor);
            await SendAsync(visitor, "Hello, my order is late");

            // The new conversation appears in the operator's inbox live; the operator opens it and replies.
            var row = admin.GetByRole(AriaRole.List, new() { Name = "Conversations" })
                .GetByRole(AriaRole.Link, new() { Name = "Vera Visitor" });
            await Expect(row).ToContainTextAsync("Hello, my order is late");
            await row.ClickAsync();
            await Expect(Message(admin, "Hello, my order is late")).ToBeVisibleAsync();
            // Read receipts, live both ways: the operator opened it, so the visitor sees "Seen" on their message...
            await Expect(Message(visitor, "Hello, my order is late")).ToContainTextAsync("Seen");
            await SendAsync(admin, "Sorry to hear that, let me check");

            await Expect(Message(visitor, "Sorry to hear that, let me check")).ToBeVisibleAsync();
            await Expect(Message(visitor, "Sorry to hear that, let me check")).ToContainTextAsync("Otto Operator");
            // ...and the visitor (chat open, tab visible) read the reply, so the operator sees "Seen" on it.
            await Expect(Message(admin, "Sorry to hear that, let me check")).ToContainTextAsync("Seen");
            await ExpectNotReloadedAsync(admin);
            await ExpectNotReloadedAsync(visitor);
        });
    }

    [Fact]
    public async Task Visitor_AfterReload_SeesTheWholeHistory()
    {
        await RunAsync(async () =>
        {
            var visitor = await StartChatAsync("Rita Reload");
            await SendAsync(visitor, "First question");
            await SendAsync(visitor, "Second question");
            var operatorUser = await CreateStaffAsync(UserRole.Operator, "Otto Operator");
            await ReplyViaApiAsync(operatorUser, "An answer from support");
            await Expect(Message(visitor, "An answer from support")).ToBeVisibleAsync();

            await visitor.ReloadAsync();

            var messages = Messages(visitor).GetByRole(AriaRole.Listitem);
            await Expect(messages).ToHaveCountAsync(3);
            await Expect(messages).ToContainTextAsync(["First question", "Second question", "An answer from support"]);
            await Expect(Message(visitor, "Second question")).ToHaveAttributeAsync("data-state", "sent");
            await Expect(visitor.GetByRole(AriaRole.Form, new() { Name = "Start a conversation" })).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task Visitor_SendsAnImage_OperatorSeesIt()
    {
        await RunAsync(async () =>
        {
            var visitor = await StartChatAsync("Ivy Image");
            await visitor.GetByLabel("Attach file").SetInputFilesAsync(new FilePayload
            {
                Name = "broken-part.png",
                MimeType = "image/png",
                Buffer = Png,
            });
            await visitor.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FillAsync("This part arrived broken");
            await visitor.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
            await Expect(Message(visitor, "This part arrived broken")).ToHaveAttributeAsync("data-state", "sent");

            var operatorUser = await CreateStaffAsync(UserRole.Operator, "Otto Operator");
            var admin = await SignInAsync(operatorUser);
            await admin.GetByRole(AriaRole.Link, new() { Name = "Ivy Image" }).ClickAsync();
            var image = Message(admin, "This part arrived broken").GetByRole(AriaRole.Img, new() { Name = "broken-part.png" });
            await Expect(image).ToBeVisibleAsync();
            // The picture really came through the proxy from /uploads, not just an <img> with a dead link.
            await Expect(image).ToHaveJSPropertyAsync("naturalWidth", 1);
            await Expect(image).ToHaveAttributeAsync("src", new Regex("^/uploads/"));
        });
    }

    [Fact]
    public async Task Visitor_BackOnline_GetsEachMissedMessageOnce()
    {
        await RunAsync(async () =>
        {
            var visitorPage = await NewPageAsync();
            var network = await NetworkSwitch.InstallAsync(visitorPage.Context);
            var visitor = await StartChatAsync("Olga Offline", visitorPage);
            await SendAsync(visitor, "Are you there?");
            var operatorUser = await CreateStaffAsync(UserRole.Operator, "Otto Operator");
            var admin = await SignInAsync(operatorUser);
            await admin.GetByRole(AriaRole.Link, new() { Name = "Olga Offline" }).ClickAsync();
            await SendAsync(admin, "Hi, I am here");
            await Expect(Message(visitor, "Hi, I am here")).ToBeVisibleAsync(); // live: the visitor's hub is up

            await network.GoOfflineAsync();
            await Expect(visitor.GetByText("Reconnecting…")).ToBeVisibleAsync();
            await SendAsync(admin, "Yes, one moment");
            await SendAsync(admin, "Found your order");
            await Expect(Message(visitor, "Found your order")).ToHaveCountAsync(0);
            await network.GoOnlineAsync();

            // The reconnect retries back off up to 10 s, so coming back may take a little longer than a live message.
            await Expect(visitor.GetByText("Reconnecting…")).ToBeHiddenAsync(new() { Timeout = 30_000 });
            await Expect(Message(visitor, "Found your order")).ToHaveCountAsync(1);
            await Expect(Message(visitor, "Yes, one moment")).ToHaveCountAsync(1);
            var messages = Messages(visitor).GetByRole(AriaRole.Listitem);
            await Expect(messages).ToContainTextAsync(["Are you there?", "Hi, I am here", "Yes, one moment", "Found your order"]);
            await Expect(messages).ToHaveCountAsync(4);
        });
    }

    [Fact]
    public async Task Operator_CannotOpenTheUsersPage_WhileAnAdminCan()
    {
        await RunAsync(async () =>
        {
            var operatorUser = await CreateStaffAsync(UserRole.Operator, "Otto Operator");
            var page = await SignInAsync(operatorUser);
            var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
            await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Inbox" })).ToBeVisibleAsync();
            await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Users" })).ToHaveCountAsync(0);

            await page.GotoAsync(_frontend.Url("/admin/users"));
            await Expect(page).ToHaveURLAsync(new Regex("/admin/inbox/unassigned$"));
            await Expect(page.GetByRole(AriaRole.Tablist, new() { Name = "Conversation filters" })).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Users" })).ToHaveCountAsync(0);

            // The same address works for an admin: the operator was turned away by role, not by a broken page.
            var adminPage = await SignInAsync(api.Admin);
            await adminPage.GotoAsync(_frontend.Url("/admin/users"));
            var users = adminPage.GetByRole(AriaRole.Table, new() { Name = "Users" });
            await Expect(users).ToBeVisibleAsync();
            await Expect(users).ToContainTextAsync("Otto Operator");
        });
    }

    [Fact]
    public async Task SignIn_WithAWrongPassword_ShowsAnError()
    {
        await RunAsync(async () =>
        {
            var page = await NewPageAsync();
            await page.GotoAsync(_frontend.Url("/admin/login"));
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Email" }).FillAsync(ApiFixture.AdminEmail);
            await page.GetByLabel("Password").FillAsync("not-the-password");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync(new Regex("password", RegexOptions.IgnoreCase));
            await Expect(page).ToHaveURLAsync(new Regex("/admin/login"));
            await Expect(page.GetByLabel("Password")).ToHaveValueAsync("");
            await Expect(page.GetByRole(AriaRole.Tablist, new() { Name = "Conversation filters" })).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task EmbedLoader_OnAPlainPage_OpensTheWidget()
    {
        await RunAsync(async () =>
        {
            var page = await NewPageAsync();
            // A shop on another site with nothing but the one-line embed, served by the browser itself so nothing is
            // added to the product for the test. It is https, as real shops are: Chromium lets only a secure page
            // reach a loopback server (the test's ChatApp), and only with the local-network permission.
            const string shop = "https://shop.test";
            try
            {
                await page.Context.GrantPermissionsAsync(["local-network-access"], new() { Origin = shop });
            }
            catch (PlaywrightException e)
            {
                // A Chromium from before the local-network permission does not need it either.
                Log($"No local-network permission: {e.Message}");
            }
            await page.RouteAsync(shop + "/**", route => route.FulfillAsync(new()
            {
                ContentType = "text/html",
                Body = $$"""
                    <!doctype html>
                    <html lang="en"><head><meta charset="utf-8"><title>Plain shop</title></head>
                    <body><h1>Plain shop</h1><p>Our products.</p>
                    <script src="{{_frontend.Url("/widget.js")}}" async></script>
                    </body></html>
                    """,
            }));
            await page.GotoAsync(shop + "/products/42");

            var open = page.GetByRole(AriaRole.Button, new() { Name = "Open chat" });
            await open.ClickAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Close chat" })).ToHaveAttributeAsync("aria-expanded", "true");
            var frameElement = page.GetByTitle("ChatApp chat");
            await Expect(frameElement).ToBeVisibleAsync();
            var chat = frameElement.ContentFrame;

            await chat.GetByRole(AriaRole.Textbox, new() { Name = "Name" }).FillAsync("Emma Embed");
            await chat.GetByRole(AriaRole.Button, new() { Name = "Start chat" }).ClickAsync();
            await chat.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FillAsync("Hello from the shop");
            await chat.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
            var sent = chat.GetByRole(AriaRole.List, new() { Name = "Messages" }).GetByRole(AriaRole.Listitem)
                .Filter(new() { HasText = "Hello from the shop" });
            await Expect(sent).ToHaveAttributeAsync("data-state", "sent");

            await using (var db = api.CreateDbContext())
            {
                var message = await db.Messages.Include(m => m.Conversation).SingleAsync();
                Assert.Equal("Hello from the shop", message.Body);
                Assert.Equal(SenderKind.Visitor, message.SenderKind);
                Assert.Equal("Emma Embed", message.Conversation.VisitorName);
                Assert.Equal("https://shop.test/products/42", message.Conversation.PageUrl);
            }

            // The widget's own minimize button closes the frame through the loader.
            await chat.GetByRole(AriaRole.Button, new() { Name = "Minimize chat" }).ClickAsync();
            await Expect(frameElement).ToBeHiddenAsync();
            await Expect(open).ToHaveAttributeAsync("aria-expanded", "false");
        });
    }

    // ---- helpers ----

    private async Task<IPage> NewPageAsync()
    {
        var context = await browser.NewContextAsync();
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        var name = $"page {_contexts.Count}";
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                Log($"[{name} console.{message.Type}] {message.Text}");
            }
        };
        page.PageError += (_, error) => Log($"[{name} page error] {error}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                Log($"[{name}] {response.Status} {response.Request.Method} {response.Url}");
            }
        };
        return page;
    }

    /// <summary>A visitor in a fresh browser opens /widget and starts a chat with a name.</summary>
    private async Task<IPage> StartChatAsync(string name, IPage? page = null)
    {
        page ??= await NewPageAsync();
        await page.GotoAsync(_frontend.Url("/widget"));
        var form = page.GetByRole(AriaRole.Form, new() { Name = "Start a conversation" });
        await form.GetByRole(AriaRole.Textbox, new() { Name = "Name" }).FillAsync(name);
        await form.GetByRole(AriaRole.Button, new() { Name = "Start chat" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Message" })).ToBeEditableAsync();
        return page;
    }

    /// <summary>A staff member in a fresh browser signs in at /admin and lands on the inbox.</summary>
    private async Task<IPage> SignInAsync(TestUser user)
    {
        var page = await NewPageAsync();
        await page.GotoAsync(_frontend.Url("/admin"));
        await Expect(page).ToHaveURLAsync(new Regex("/admin/login"));
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Email" }).FillAsync(user.Email);
        await page.GetByLabel("Password").FillAsync(user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Tablist, new() { Name = "Conversation filters" })).ToBeVisibleAsync();
        return page;
    }

    /// <summary>Types into the composer, sends, and waits until the message is stored (state "sent").</summary>
    private static async Task SendAsync(IPage page, string text)
    {
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FillAsync(text);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(Message(page, text)).ToHaveAttributeAsync("data-state", "sent");
    }

    /// <summary>
    /// Creates a staff member as an admin would (through the API), so the e-mail is one the sign-in form accepts, and
    /// signs them in through the API for a token.
    /// </summary>
    private async Task<TestUser> CreateStaffAsync(UserRole role, string displayName)
    {
        var email = $"{displayName.Split(' ')[0].ToLowerInvariant()}.{Guid.NewGuid().ToString("N")[..8]}@chatapp.test";
        var password = "Passw0rd-" + Guid.NewGuid().ToString("N")[..8];
        using var admin = api.Client(api.Admin.Token);
        var user = await (await admin.PostAsJsonAsync("/api/users",
            new CreateUserRequest(email, displayName, password, role), TestJson.Options)).ReadAsync<UserDto>();
        using var client = api.Client();
        var login = await (await client.PostAsJsonAsync("/api/auth/login",
            new LoginRequest(email, password), TestJson.Options)).ReadAsync<LoginResult>();
        return new TestUser(user.Id, email, password, role, login.AccessToken);
    }

    private async Task ReplyViaApiAsync(TestUser user, string text)
    {
        Guid conversationId;
        await using (var db = api.CreateDbContext())
        {
            conversationId = await db.Conversations.Select(c => c.Id).SingleAsync();
        }
        using var client = api.Client(user.Token);
        var response = await client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages",
            new SendMessageRequest(Guid.NewGuid().ToString(), text, null), TestJson.Options);
        await response.EnsureSuccessWithProblemAsync();
    }

    private static ILocator Messages(IPage page) => page.GetByRole(AriaRole.List, new() { Name = "Messages" });

    private static ILocator Message(IPage page, string text) =>
        Messages(page).GetByRole(AriaRole.Listitem).Filter(new() { HasText = text });

    /// <summary>Leaves a mark in the page's JavaScript world; a reload would wipe it.</summary>
    private static Task MarkPageAsync(IPage page) => page.EvaluateAsync("() => { window.__notReloaded = true }");

    private static async Task ExpectNotReloadedAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => window.__notReloaded === true"), "The page was reloaded.");

    private Task RunAsync(Func<Task> scenario, [System.Runtime.CompilerServices.CallerMemberName] string test = "") =>
        BrowserScenario.RunAsync(_contexts, Log, scenario, test, () => _frontend is null ? null : "vite preview output:\n" + _frontend.Output);

    private void Log(string line) => BrowserScenario.Log(output, line);
}
