using System.Net.Http.Json;
using System.Text.RegularExpressions;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Api.Settings;
using ChatApp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ChatApp.Tests.Browser;

/// <summary>
/// The visitor's side in real Chromium (issue 15): settings, availability and offline messages, ratings, transcripts,
/// identity, languages, the host-page API, files refused at pick time and phone width. Against the built front end,
/// the real API and PostgreSQL; elements found by role and accessible name.
/// </summary>
[Collection(ApiCollection.Name)]
public class VisitorBrowserTests(ApiFixture api, BrowserFixture browser, ITestOutputHelper output)
    : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const string Shop = "https://shop.test";

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
    public async Task Settings_AnAdminEditsWithALivePreview_AndTheWidgetShowsThem_WhileTheEmbedTagMayOverrideTheColour()
    {
        await RunAsync(async () =>
        {
            var admin = await SignInAsync(api.Admin);
            await admin.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Widget" }).ClickAsync();
            var form = admin.GetByRole(AriaRole.Form, new() { Name = "Widget settings" });
            await form.GetByRole(AriaRole.Textbox, new() { Name = "Title", Exact = true }).FillAsync("Acme help desk");
            await form.GetByRole(AriaRole.Textbox, new() { Name = "Colour", Exact = true }).FillAsync("#aa3300");
            await form.GetByRole(AriaRole.Combobox, new() { Name = "Ask for the e-mail" }).SelectOptionAsync("Required");
            var preview = admin.GetByTestId("widget-preview");
            await Expect(preview).ToContainTextAsync("Acme help desk");
            await Expect(preview).ToHaveAttributeAsync("style", new Regex("#aa3300"));
            await form.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Expect(admin.GetByRole(AriaRole.Status).Filter(new() { HasText = "Settings saved." })).ToBeVisibleAsync();

            var visitor = await NewPageAsync();
            await visitor.GotoAsync(_frontend.Url("/widget"));
            await Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Acme help desk" })).ToBeVisibleAsync();
            await Expect(visitor.Locator(".widget-header")).ToHaveCSSAsync("background-color", "rgb(170, 51, 0)");
            var email = visitor.GetByRole(AriaRole.Form, new() { Name = "Start a conversation" }).GetByRole(AriaRole.Textbox, new() { Name = "Email" });
            await Expect(email).ToHaveAttributeAsync("required", "");

            // The embed tag still wins for the colour.
            var shop = await ShopPageAsync("data-color=\"#0a7d5a\"");
            await Expect(Bubble(shop)).ToHaveCSSAsync("background-color", "rgb(10, 125, 90)");
            await Bubble(shop).ClickAsync();
            await Expect(Chat(shop).GetByRole(AriaRole.Heading, new() { Name = "Acme help desk" })).ToBeVisibleAsync();
            await Expect(Chat(shop).Locator(".widget-header")).ToHaveCSSAsync("background-color", "rgb(10, 125, 90)");
        });
    }

    [Fact]
    public async Task Away_TheVisitorLeavesAnOfflineMessage_ThatOperatorsSee_AndAnOnlineOperatorMakesTheWidgetOnline()
    {
        await RunAsync(async () =>
        {
            api.Factory.OperatorAvailability.Forced = null; // the real thing: operators' hub connections
            var visitor = await NewPageAsync();
            await visitor.GotoAsync(_frontend.Url("/widget"));
            await Expect(visitor.Locator(".availability")).ToHaveTextAsync("Away");
            var form = visitor.GetByRole(AriaRole.Form, new() { Name = "Leave a message" });
            await form.GetByRole(AriaRole.Textbox, new() { Name = "Name" }).FillAsync("Night Owl");
            await form.GetByRole(AriaRole.Textbox, new() { Name = "Email" }).FillAsync("owl@example.com");
            await form.GetByRole(AriaRole.Textbox, new() { Name = "Your message" }).FillAsync("Where is my parcel?");
            await form.GetByRole(AriaRole.Button, new() { Name = "Send message" }).ClickAsync();
            await Expect(Message(visitor, "Where is my parcel?")).ToHaveAttributeAsync("data-state", "sent");
            await Expect(visitor.GetByText("will answer at owl@example.com")).ToBeVisibleAsync();

            var operatorUser = await api.CreateUserAsync(UserRole.Operator, "Otto Operator");
            var admin = await SignInAsync(operatorUser);
            var row = admin.GetByRole(AriaRole.List, new() { Name = "Conversations" }).GetByRole(AriaRole.Link, new() { Name = "Night Owl" });
            await Expect(row).ToContainTextAsync("Offline message");
            await Expect(row).ToContainTextAsync("Where is my parcel?");

            // With the operator's inbox open (a live hub connection), a new visitor finds the team online.
            var next = await NewPageAsync();
            await next.GotoAsync(_frontend.Url("/widget"));
            await Expect(next.Locator(".availability")).ToHaveTextAsync("Online");
            await Expect(next.GetByRole(AriaRole.Form, new() { Name = "Start a conversation" })).ToBeVisibleAsync();
        });
    }

    [Fact]
    public async Task Away_OutsideBusinessHours_ShowsWhenTheTeamIsBack()
    {
        await RunAsync(async () =>
        {
            var day = DateTimeOffset.UtcNow.AddDays(3);
            using (var admin = api.Client(api.Admin.Token))
            {
                await (await admin.PutAsJsonAsync("/api/settings/widget", new UpdateWidgetSettingsRequest(null, null, null, "#1f6feb",
                    WidgetPosition.Right, new PreChatDto(PreChatField.Optional, PreChatField.Optional),
                    new BusinessHoursDto(true, "UTC", [new(day.DayOfWeek, "09:00", "17:00")]), "auto"), TestJson.Options)).ReadAsync<WidgetSettingsDto>();
            }
            var visitor = await NewPageAsync(timeZone: "UTC");
            await visitor.GotoAsync(_frontend.Url("/widget"));
            await Expect(visitor.Locator(".availability")).ToHaveTextAsync(new Regex($"^Away · Back {day.DayOfWeek}\\D*09:00$"));
            await Expect(visitor.GetByRole(AriaRole.Form, new() { Name = "Leave a message" })).ToBeVisibleAsync();
        });
    }

    [Fact]
    public async Task Rating_WhenTheConversationCloses_TheVisitorRatesIt_AndStaffSeeTheRating()
    {
        await RunAsync(async () =>
        {
            var visitor = await StartChatAsync("Rita Rater");
            await SendAsync(visitor, "Thanks for the help");
            var operatorUser = await api.CreateUserAsync(UserRole.Operator, "Otto Operator");
            using (var staff = api.Client(operatorUser.Token))
            {
                (await staff.PostAsync($"/api/conversations/{await OnlyConversationIdAsync()}/close", null)).EnsureSuccessStatusCode();
            }

            var rating = visitor.GetByRole(AriaRole.Form, new() { Name = "Rate this conversation" });
            await Expect(rating).ToBeVisibleAsync(); // live, from the hub's ConversationUpdated
            await rating.GetByLabel("4 stars").CheckAsync(new() { Force = true });
            await rating.GetByRole(AriaRole.Textbox, new() { Name = "Comment (optional)" }).FillAsync("Quick and friendly");
            await rating.GetByRole(AriaRole.Button, new() { Name = "Send rating" }).ClickAsync();
            await Expect(visitor.GetByText("You rated this conversation 4 out of 5.")).ToBeVisibleAsync();
            await Expect(rating).ToHaveCountAsync(0);

            // A new conversation; the rated one stays reachable, with its transcript.
            await visitor.GetByRole(AriaRole.Button, new() { Name = "Start a new conversation" }).ClickAsync();
            await Expect(visitor.GetByRole(AriaRole.Textbox, new() { Name = "Message" })).ToBeEditableAsync();
            await visitor.GetByRole(AriaRole.Button, new() { Name = "Earlier conversations" }).ClickAsync();
            var earlier = visitor.GetByRole(AriaRole.List, new() { Name = "Earlier conversations" }).GetByRole(AriaRole.Listitem);
            await Expect(earlier).ToHaveCountAsync(1);
            await Expect(earlier).ToContainTextAsync("Thanks for the help");
            var old = await DownloadTextAsync(visitor, earlier.GetByRole(AriaRole.Button));
            Assert.Contains("Rating: 4/5 \"Quick and friendly\"", old);

            var admin = await SignInAsync(operatorUser);
            await admin.GetByRole(AriaRole.Tab, new() { Name = "Closed" }).ClickAsync();
            await admin.GetByRole(AriaRole.Link, new() { Name = "Rita Rater" }).ClickAsync();
            var details = admin.GetByRole(AriaRole.Complementary, new() { Name = "Visitor details" });
            await Expect(details).ToContainTextAsync("4 out of 5");
            await Expect(details).ToContainTextAsync("Quick and friendly");
        });
    }

    [Fact]
    public async Task Transcript_DownloadsFromTheWidgetAndFromTheAdmin()
    {
        await RunAsync(async () =>
        {
            var visitor = await StartChatAsync("Tess Transcript");
            await SendAsync(visitor, "My order number is 1234");
            var operatorUser = await api.CreateUserAsync(UserRole.Operator, "Otto Operator");
            using (var staff = api.Client(operatorUser.Token))
            {
                (await staff.PostAsJsonAsync($"/api/conversations/{await OnlyConversationIdAsync()}/messages",
                    new SendMessageRequest("o-1", "It ships tomorrow", null), TestJson.Options)).EnsureSuccessStatusCode();
            }
            await Expect(Message(visitor, "It ships tomorrow")).ToBeVisibleAsync();

            var fromWidget = await DownloadTextAsync(visitor, visitor.GetByRole(AriaRole.Button, new() { Name = "Download transcript" }));
            Assert.Contains("Tess Transcript: My order number is 1234", fromWidget);
            Assert.Contains("Otto Operator: It ships tomorrow", fromWidget);

            var admin = await SignInAsync(operatorUser);
            await admin.GetByRole(AriaRole.Link, new() { Name = "Tess Transcript" }).ClickAsync();
            var fromAdmin = await DownloadTextAsync(admin, admin.GetByRole(AriaRole.Button, new() { Name = "Download transcript" }));
            Assert.Contains("Conversation with Tess Transcript", fromAdmin);
            Assert.Contains("It ships tomorrow", fromAdmin);
        });
    }

    [Fact]
    public async Task Identity_AVerifiedCustomerFindsTheConversationOnAnotherDevice_AndAWrongHashMergesNothing()
    {
        await RunAsync(async () =>
        {
            string secret;
            using (var admin = api.Client(api.Admin.Token))
            {
                secret = (await (await admin.GetAsync("/api/settings/widget")).ReadAsync<WidgetSettingsDto>()).IdentitySecret;
            }
            var user = $"{{ identifier: 'customer-42', identifierHash: '{VisitorIdentity.Hash("customer-42", secret)}', name: 'Carla Customer' }}";

            var laptop = await ShopPageAsync(script: $"ChatApp.setUser({user})");
            await Bubble(laptop).ClickAsync();
            var chat = Chat(laptop);
            await chat.GetByRole(AriaRole.Button, new() { Name = "Start chat" }).ClickAsync();
            await chat.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FillAsync("Asked from my laptop");
            await chat.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
            await Expect(chat.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Asked from my laptop" })).ToHaveAttributeAsync("data-state", "sent");

            // Another browser (another device), signed in as the same customer: the same conversation.
            var phone = await ShopPageAsync(script: $"ChatApp.setUser({user})");
            await Bubble(phone).ClickAsync();
            await Expect(Chat(phone).GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Asked from my laptop" })).ToBeVisibleAsync();

            // A forged hash: refused, the visitor stays anonymous, nothing is merged.
            var forged = await ShopPageAsync(script: "ChatApp.setUser({ identifier: 'customer-42', identifierHash: '" + new string('0', 64) + "' })");
            await Bubble(forged).ClickAsync();
            await Expect(Chat(forged).GetByRole(AriaRole.Alert)).ToContainTextAsync("could not confirm your account");
            await Expect(Chat(forged).GetByRole(AriaRole.Form, new() { Name = "Start a conversation" })).ToBeVisibleAsync();
            await Expect(Chat(forged).GetByText("Asked from my laptop")).ToHaveCountAsync(0);

            await using var db = api.CreateDbContext();
            var customer = await db.Visitors.SingleAsync(v => v.Identifier == "customer-42");
            Assert.Equal(customer.Id, (await db.Conversations.SingleAsync()).VisitorId);
        });
    }

    [Fact]
    public async Task Languages_AFrenchBrowserGetsTheWidgetAndTheAdminInFrench_AndTheSettingCanChooseForEveryone()
    {
        await RunAsync(async () =>
        {
            var french = await NewPageAsync(locale: "fr-FR");
            await french.GotoAsync(_frontend.Url("/widget"));
            var form = french.GetByRole(AriaRole.Form, new() { Name = "Démarrer une conversation" });
            await form.GetByRole(AriaRole.Textbox, new() { Name = "Nom" }).FillAsync("Amélie");
            await form.GetByRole(AriaRole.Button, new() { Name = "Démarrer la conversation" }).ClickAsync();
            await french.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FillAsync("Bonjour");
            await french.GetByRole(AriaRole.Button, new() { Name = "Envoyer", Exact = true }).ClickAsync();
            var sent = french.GetByRole(AriaRole.List, new() { Name = "Messages" }).GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Bonjour" });
            await Expect(sent).ToContainTextAsync("Envoyé");
            // The time in the visitor's own locale (French: 24-hour clock, as the browser formats it).
            var time = await sent.Locator("time").GetAttributeAsync("datetime");
            var expected = await french.EvaluateAsync<string>("iso => new Date(iso).toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit' })", time);
            await Expect(sent.Locator("time")).ToHaveTextAsync(expected);

            var adminFr = await NewPageAsync(locale: "fr-FR");
            await adminFr.GotoAsync(_frontend.Url("/admin/login"));
            await Expect(adminFr.GetByRole(AriaRole.Heading, new() { Name = "Connexion à ChatApp" })).ToBeVisibleAsync();
            await adminFr.GetByRole(AriaRole.Textbox, new() { Name = "E-mail" }).FillAsync(api.Admin.Email);
            await adminFr.GetByLabel("Mot de passe").FillAsync(api.Admin.Password);
            await adminFr.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
            await Expect(adminFr.GetByRole(AriaRole.Tablist, new() { Name = "Filtres des conversations" }).GetByRole(AriaRole.Tab, new() { Name = "Non attribuées" })).ToBeVisibleAsync();
            await Expect(adminFr.GetByRole(AriaRole.Navigation, new() { Name = "Principal" }).GetByRole(AriaRole.Link, new() { Name = "Boîte de réception" })).ToBeVisibleAsync();
            // The French visitor's conversation, in the French admin.
            await adminFr.GetByRole(AriaRole.Link, new() { Name = "Amélie" }).ClickAsync();
            await Expect(adminFr.GetByRole(AriaRole.Complementary, new() { Name = "Détails du visiteur" })).ToContainTextAsync("Navigateur");
            // The inbox's own controls (issue 14) speak French too.
            await Expect(adminFr.GetByRole(AriaRole.Navigation, new() { Name = "Principal" }).GetByRole(AriaRole.Link, new() { Name = "Réponses enregistrées" })).ToBeVisibleAsync();
            await Expect(adminFr.GetByRole(AriaRole.Searchbox, new() { Name = "Rechercher des conversations" })).ToBeVisibleAsync();
            await Expect(adminFr.GetByRole(AriaRole.Combobox, new() { Name = "Votre statut" }).Locator("option:checked")).ToHaveTextAsync("En ligne");
            await Expect(adminFr.GetByRole(AriaRole.Button, new() { Name = "Transférer", Exact = true })).ToBeVisibleAsync();
            await adminFr.GetByRole(AriaRole.Group, new() { Name = "Écrire" }).GetByRole(AriaRole.Button, new() { Name = "Note privée" }).ClickAsync();
            await Expect(adminFr.GetByRole(AriaRole.Form, new() { Name = "Note privée" }).GetByRole(AriaRole.Textbox, new() { Name = "Message" }))
                .ToHaveAttributeAsync("placeholder", "Une note que seule votre équipe voit…");
            // The admin may choose English instead; the choice stays in this browser.
            await adminFr.GetByRole(AriaRole.Combobox, new() { Name = "Langue" }).SelectOptionAsync("en");
            await Expect(adminFr.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
            await adminFr.ReloadAsync();
            await Expect(adminFr.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();

            // An admin sets French for everyone: an English browser gets French too.
            using (var admin = api.Client(api.Admin.Token))
            {
                await (await admin.PutAsJsonAsync("/api/settings/widget", new UpdateWidgetSettingsRequest(null, null, null, "#1f6feb",
                    WidgetPosition.Right, new PreChatDto(PreChatField.Optional, PreChatField.Optional),
                    new BusinessHoursDto(false, "UTC", []), "fr"), TestJson.Options)).ReadAsync<WidgetSettingsDto>();
            }
            var english = await NewPageAsync();
            await english.GotoAsync(_frontend.Url("/widget"));
            await Expect(english.GetByRole(AriaRole.Form, new() { Name = "Démarrer une conversation" })).ToBeVisibleAsync();
        });
    }

    [Fact]
    public async Task HostPage_OpensAndClosesTheChat_HearsUnreadCounts_AndCountsThemInTheTitleWhenAsked()
    {
        await RunAsync(async () =>
        {
            var shop = await ShopPageAsync("data-unread-title", "window.unreadCounts = []; ChatApp.on('unread', n => window.unreadCounts.push(n))");
            await shop.EvaluateAsync("() => ChatApp.open()");
            var chat = Chat(shop);
            await chat.GetByRole(AriaRole.Textbox, new() { Name = "Name" }).FillAsync("Hugo Host");
            await chat.GetByRole(AriaRole.Button, new() { Name = "Start chat" }).ClickAsync();
            await Expect(chat.GetByRole(AriaRole.Textbox, new() { Name = "Message" })).ToBeEditableAsync();
            await shop.EvaluateAsync("() => ChatApp.close()");
            await Expect(shop.GetByTitle("ChatApp chat")).ToBeHiddenAsync();

            var operatorUser = await api.CreateUserAsync(UserRole.Operator, "Otto Operator");
            using (var staff = api.Client(operatorUser.Token))
            {
                (await staff.PostAsJsonAsync($"/api/conversations/{await OnlyConversationIdAsync()}/messages",
                    new SendMessageRequest("o-1", "Hello Hugo", null), TestJson.Options)).EnsureSuccessStatusCode();
            }
            await Expect(shop.GetByRole(AriaRole.Button, new() { Name = "Open chat, 1 unread message" })).ToBeVisibleAsync();
            await Expect(shop).ToHaveTitleAsync("(1) Plain shop");
            Assert.Equal(1, await shop.EvaluateAsync<int>("() => window.unreadCounts.at(-1)"));

            await shop.GetByRole(AriaRole.Button, new() { Name = "Open chat, 1 unread message" }).ClickAsync();
            await Expect(shop).ToHaveTitleAsync("Plain shop");
            await Expect(shop.GetByRole(AriaRole.Button, new() { Name = "Close chat" })).ToBeVisibleAsync();
            Assert.Equal(0, await shop.EvaluateAsync<int>("() => window.unreadCounts.at(-1)"));
        });
    }

    [Fact]
    public async Task HostPage_WithoutTheOptIn_LeavesItsTitleAlone()
    {
        await RunAsync(async () =>
        {
            var shop = await ShopPageAsync();
            await Bubble(shop).ClickAsync();
            var chat = Chat(shop);
            await chat.GetByRole(AriaRole.Button, new() { Name = "Start chat" }).ClickAsync();
            await Expect(chat.GetByRole(AriaRole.Textbox, new() { Name = "Message" })).ToBeEditableAsync();
            await chat.GetByRole(AriaRole.Button, new() { Name = "Minimize chat" }).ClickAsync();
            var operatorUser = await api.CreateUserAsync(UserRole.Operator, "Otto Operator");
            using (var staff = api.Client(operatorUser.Token))
            {
                (await staff.PostAsJsonAsync($"/api/conversations/{await OnlyConversationIdAsync()}/messages",
                    new SendMessageRequest("o-1", "Hello", null), TestJson.Options)).EnsureSuccessStatusCode();
            }
            await Expect(shop.GetByRole(AriaRole.Button, new() { Name = "Open chat, 1 unread message" })).ToBeVisibleAsync();
            Assert.Equal("Plain shop", await shop.TitleAsync());
        });
    }

    [Fact]
    public async Task Files_ADisallowedFileIsRefusedAtPickTime_WithTheServersRule_AndNeverUploaded()
    {
        await RunAsync(async () =>
        {
            string rule;
            using (var anonymous = api.Client())
            {
                rule = (await (await anonymous.GetAsync("/api/widget/settings")).ReadAsync<PublicWidgetSettingsDto>()).Uploads.Rule;
            }
            var visitor = await StartChatAsync("Fiona File");
            var uploads = 0;
            visitor.Request += (_, request) =>
            {
                if (request.Url.Contains("/api/uploads")) uploads++;
            };
            await visitor.GetByLabel("Attach file").SetInputFilesAsync(new FilePayload
            {
                Name = "setup.exe",
                MimeType = "application/x-msdownload",
                Buffer = "MZ\u0090\u0000"u8.ToArray(),
            });
            await Expect(visitor.GetByRole(AriaRole.Alert)).ToHaveTextAsync($"“setup.exe” cannot be sent. {rule}");
            await Expect(visitor.GetByRole(AriaRole.Button, new() { Name = "Remove attachment" })).ToHaveCountAsync(0);
            await Expect(visitor.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true })).ToBeDisabledAsync();
            Assert.Equal(0, uploads);
        });
    }

    [Fact]
    public async Task Phone_TheOpenWidgetFillsTheScreen_WithAClearCloseButton()
    {
        await RunAsync(async () =>
        {
            var shop = await ShopPageAsync(viewport: new() { Width = 375, Height = 667 });
            await Bubble(shop).ClickAsync();
            var frame = shop.GetByTitle("ChatApp chat");
            await Expect(frame).ToBeVisibleAsync();
            var box = await frame.BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.Equal((0f, 0f, 375f, 667f), (box.X, box.Y, box.Width, box.Height));
            await Expect(Bubble(shop)).ToBeHiddenAsync();

            var close = Chat(shop).GetByRole(AriaRole.Button, new() { Name = "Close chat" });
            await Expect(close).ToBeVisibleAsync();
            await Expect(Chat(shop).GetByRole(AriaRole.Button, new() { Name = "Minimize chat" })).ToBeHiddenAsync();
            var size = await close.BoundingBoxAsync();
            Assert.True(size!.Width >= 44 && size.Height >= 44, $"The close button is {size.Width}×{size.Height}, too small to tap.");
            await close.ClickAsync();
            await Expect(frame).ToBeHiddenAsync();
            await Expect(shop.GetByRole(AriaRole.Button, new() { Name = "Open chat" })).ToBeVisibleAsync();
        });
    }

    // ---- helpers ----

    private async Task<IPage> NewPageAsync(string locale = "en-GB", string? timeZone = null, ViewportSize? viewport = null)
    {
        var context = await browser.Browser.NewContextAsync(new()
        {
            Locale = locale,
            TimezoneId = timeZone,
            ViewportSize = viewport,
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(BrowserFixture.Timeout);
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        var name = $"page {_contexts.Count}";
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning") Log($"[{name} console.{message.Type}] {message.Text}");
        };
        page.PageError += (_, error) => Log($"[{name} page error] {error}");
        return page;
    }

    /// <summary>
    /// A shop on another site with the one-line embed (and, when given, a script of its own after it), served by the
    /// browser itself. https, as real shops are: Chromium lets only a secure page reach the loopback test server.
    /// </summary>
    private async Task<IPage> ShopPageAsync(string attributes = "", string? script = null, ViewportSize? viewport = null)
    {
        var page = await NewPageAsync(viewport: viewport);
        try
        {
            await page.Context.GrantPermissionsAsync(["local-network-access"], new() { Origin = Shop });
        }
        catch (PlaywrightException e)
        {
            Log($"No local-network permission: {e.Message}");
        }
        var after = script is null ? "" : $"<script>window.addEventListener('chatapp:ready', () => {{ {script} }})</script>";
        await page.RouteAsync(Shop + "/**", route => route.FulfillAsync(new()
        {
            ContentType = "text/html",
            Body = $"""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Plain shop</title></head>
                <body><h1>Plain shop</h1><p>Our products.</p>
                {after}
                <script src="{_frontend.Url("/widget.js")}" {attributes} async></script>
                </body></html>
                """,
        }));
        await page.GotoAsync(Shop + "/products/42");
        await Expect(Bubble(page)).ToBeVisibleAsync();
        return page;
    }

    private static ILocator Bubble(IPage page) => page.Locator("#chatapp-bubble");

    private static IFrameLocator Chat(IPage page) => page.FrameLocator("iframe[title='ChatApp chat']");

    private async Task<IPage> StartChatAsync(string name)
    {
        var page = await NewPageAsync();
        await page.GotoAsync(_frontend.Url("/widget"));
        var form = page.GetByRole(AriaRole.Form, new() { Name = "Start a conversation" });
        await form.GetByRole(AriaRole.Textbox, new() { Name = "Name" }).FillAsync(name);
        await form.GetByRole(AriaRole.Button, new() { Name = "Start chat" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Message" })).ToBeEditableAsync();
        return page;
    }

    private async Task<IPage> SignInAsync(TestUser user, string locale = "en-GB")
    {
        var page = await NewPageAsync(locale);
        await page.GotoAsync(_frontend.Url("/admin/login"));
        await page.Locator("input[name='email']").FillAsync(user.Email);
        await page.Locator("input[type='password']").FillAsync(user.Password);
        await page.Locator("form button[type='submit']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/inbox/"));
        return page;
    }

    private static async Task SendAsync(IPage page, string text)
    {
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FillAsync(text);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(Message(page, text)).ToHaveAttributeAsync("data-state", "sent");
    }

    private static ILocator Message(IPage page, string text) =>
        page.GetByRole(AriaRole.List, new() { Name = "Messages" }).GetByRole(AriaRole.Listitem).Filter(new() { HasText = text });

    private async Task<Guid> OnlyConversationIdAsync()
    {
        await using var db = api.CreateDbContext();
        return await db.Conversations.Select(c => c.Id).SingleAsync();
    }

    private static async Task<string> DownloadTextAsync(IPage page, ILocator button)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => button.ClickAsync());
        Assert.StartsWith("chat-transcript-", download.SuggestedFilename);
        return await File.ReadAllTextAsync(await download.PathAsync());
    }

    private Task RunAsync(Func<Task> scenario, [System.Runtime.CompilerServices.CallerMemberName] string test = "") =>
        BrowserScenario.RunAsync(_contexts, Log, scenario, test);

    private void Log(string line) => BrowserScenario.Log(output, line);
}
