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
/// The operator's inbox (issue 14) in real Chromium against the built front end, the real API and PostgreSQL: canned
/// responses, private notes, search, conversation life, presence and assignment, safe formatting, notifications, user
/// management, phone width and keyboard shortcuts. Elements are found by role and accessible name.
/// </summary>
[Collection(ApiCollection.Name)]
public class InboxBrowserTests(ApiFixture api, BrowserFixture browser, ITestOutputHelper output)
    : IClassFixture<BrowserFixture>, IAsyncLifetime
{
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
    public async Task CannedResponses_AdminAddsOne_OperatorInsertsItWithSlash()
    {
        await RunAsync(async () =>
        {
            var admin = await SignInAsync(api.Admin);
            await admin.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Canned responses" }).ClickAsync();
            var form = admin.GetByRole(AriaRole.Form, new() { Name = "Add a canned response" });
            await form.GetByLabel("Shortcut").FillAsync("refund");
            await form.GetByLabel("Title").FillAsync("Refund policy");
            await form.GetByLabel("Text").FillAsync("You can return it within 30 days: https://shop.example/returns");
            await form.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
            var table = admin.GetByRole(AriaRole.Table, new() { Name = "Canned responses" });
            await Expect(table).ToContainTextAsync("/refund");
            await Expect(table).ToContainTextAsync("Refund policy");

            var visitor = await StartChatAsync("Rita Return");
            await SendAsync(visitor, "Can I send it back?");
            var op = await SignInAsync(await CreateStaffAsync(UserRole.Operator, "Otto Operator"));
            await OpenConversationAsync(op, "Rita Return");
            var box = op.GetByRole(AriaRole.Textbox, new() { Name = "Message" });
            await box.PressSequentiallyAsync("Sure! /ref");
            var menu = op.GetByRole(AriaRole.Listbox, new() { Name = "Canned responses" });
            await Expect(menu.GetByRole(AriaRole.Option)).ToHaveCountAsync(1);
            await Expect(menu.GetByRole(AriaRole.Option, new() { Name = "/refund" })).ToHaveAttributeAsync("aria-selected", "true");
            await box.PressAsync("Enter");
            await Expect(menu).ToHaveCountAsync(0);
            await Expect(box).ToHaveValueAsync("Sure! You can return it within 30 days: https://shop.example/returns");
            await box.PressAsync("Enter");

            var sent = Message(visitor, "You can return it within 30 days");
            await Expect(sent).ToBeVisibleAsync();
            await Expect(sent.GetByRole(AriaRole.Link, new() { Name = "https://shop.example/returns" })).ToHaveAttributeAsync("target", "_blank");
        });
    }

    [Fact]
    public async Task PrivateNote_StaffSeeItLiveAndStyledApart_TheVisitorNeverDoes()
    {
        await RunAsync(async () =>
        {
            var visitor = await StartChatAsync("Nora Note");
            await SendAsync(visitor, "Hello, I was charged twice");
            var otto = await SignInAsync(await CreateStaffAsync(UserRole.Operator, "Otto Operator"));
            var bea = await SignInAsync(await CreateStaffAsync(UserRole.Operator, "Bea Backup"));
            await OpenConversationAsync(otto, "Nora Note");
            await OpenConversationAsync(bea, "Nora Note");

            await otto.GetByRole(AriaRole.Button, new() { Name = "Private note" }).ClickAsync();
            await Expect(otto.GetByRole(AriaRole.Form, new() { Name = "Private note" })).ToBeVisibleAsync();
            await otto.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FillAsync("SECRET: refund approved by finance");
            // Writing a note is not typing to the visitor.
            await Task.Delay(700);
            await Expect(visitor.GetByText("is typing")).ToHaveCountAsync(0);
            await otto.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();

            var note = Message(otto, "SECRET: refund approved");
            await Expect(note).ToHaveAttributeAsync("data-state", "sent");
            await Expect(note).ToContainTextAsync("Private note");
            await Expect(note).ToHaveClassAsync(new Regex("\\bnote\\b"));
            await Expect(Message(bea, "SECRET: refund approved")).ToContainTextAsync("Private note");

            // A reply after it reaches the visitor; the note never does, not even after a reload.
            await otto.GetByRole(AriaRole.Button, new() { Name = "Reply", Exact = true }).ClickAsync();
            await SendAsync(otto, "We refunded the second charge");
            await Expect(Message(visitor, "We refunded the second charge")).ToBeVisibleAsync();
            await Expect(Message(visitor, "SECRET")).ToHaveCountAsync(0);
            await visitor.ReloadAsync();
            await Expect(Message(visitor, "We refunded the second charge")).ToBeVisibleAsync();
            await Expect(visitor.GetByText("SECRET")).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task Search_FindsConversationsByMessageText_WithTheMatchHighlighted()
    {
        await RunAsync(async () =>
        {
            var parcel = await StartChatAsync("Paula Parcel");
            await SendAsync(parcel, "My parcel 4711 never arrived");
            var other = await StartChatAsync("Gary Gift");
            await SendAsync(other, "Do you sell gift cards?");
            var op = await SignInAsync(await CreateStaffAsync(UserRole.Operator, "Otto Operator"));

            await op.GetByRole(AriaRole.Searchbox, new() { Name = "Search conversations" }).FillAsync("parc");
            var results = op.GetByRole(AriaRole.List, new() { Name = "Search results" }).GetByRole(AriaRole.Link);
            await Expect(results).ToHaveCountAsync(1);
            await Expect(results.First).ToContainTextAsync("Paula Parcel");
            await Expect(results.First.Locator("mark")).ToHaveTextAsync("parcel");
            await Expect(op).ToHaveURLAsync(new Regex("q=parc"));
            await results.First.ClickAsync();
            await Expect(Message(op, "My parcel 4711 never arrived")).ToBeVisibleAsync();

            await op.GetByRole(AriaRole.Button, new() { Name = "Clear search" }).ClickAsync();
            await Expect(op.GetByRole(AriaRole.List, new() { Name = "Conversations" }).GetByRole(AriaRole.Link)).ToHaveCountAsync(2);
        });
    }

    [Fact]
    public async Task ConversationLife_RecordsArriveLive_CloseAndReopen_AndTabsCountUnread()
    {
        await RunAsync(async () =>
        {
            var op = await SignInAsync(await CreateStaffAsync(UserRole.Operator, "Otto Operator"));
            var visitor = await StartChatAsync("Lena Life");
            await SendAsync(visitor, "Hi there");
            var tab = op.GetByRole(AriaRole.Tab, new() { Name = "Unassigned" });
            await Expect(tab).ToContainTextAsync("1 unread");
            await Expect(op).ToHaveTitleAsync(new Regex("^\\(1\\) "));

            await OpenConversationAsync(op, "Lena Life");
            await Expect(tab).Not.ToContainTextAsync("unread");
            await Expect(op).Not.ToHaveTitleAsync(new Regex("^\\("));
            await op.GetByRole(AriaRole.Button, new() { Name = "Assign to me" }).ClickAsync();
            await Expect(Message(op, "Otto Operator assigned the conversation to themselves.")).ToBeVisibleAsync();
            await op.GetByRole(AriaRole.Button, new() { Name = "Close conversation" }).ClickAsync();
            await Expect(Message(op, "Otto Operator closed the conversation.")).ToBeVisibleAsync();
            await Expect(visitor.GetByText("This conversation was closed.")).ToBeVisibleAsync();

            await op.GetByRole(AriaRole.Button, new() { Name = "Reopen conversation" }).ClickAsync();
            await Expect(Message(op, "Otto Operator reopened the conversation.")).ToBeVisibleAsync();
            await Expect(op.GetByRole(AriaRole.Button, new() { Name = "Close conversation" })).ToBeVisibleAsync();
            await Expect(visitor.GetByRole(AriaRole.Textbox, new() { Name = "Message" })).ToBeEditableAsync();
            // Records are for staff: the visitor's thread has only the conversation.
            await Expect(Messages(visitor).GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        });
    }

    [Fact]
    public async Task Presence_ColleaguesSeeStatusChanges_AndAutoAssignmentGoesToWhoIsOnline()
    {
        await RunAsync(async () =>
        {
            var ottoUser = await CreateStaffAsync(UserRole.Operator, "Otto Operator");
            var beaUser = await CreateStaffAsync(UserRole.Operator, "Bea Backup");
            var otto = await SignInAsync(ottoUser);
            var bea = await SignInAsync(beaUser);

            await bea.GetByRole(AriaRole.Button, new() { Name = "Team" }).ClickAsync();
            var team = bea.GetByRole(AriaRole.Region, new() { Name = "Team" });
            var ottoRow = team.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Otto Operator" });
            await Expect(ottoRow).ToContainTextAsync("Online");
            await otto.GetByRole(AriaRole.Combobox, new() { Name = "Your status" }).SelectOptionAsync("Away");
            await Expect(ottoRow).ToContainTextAsync("Away");

            // The admin turns automatic assignment on; only Bea is online, so a new conversation is hers.
            var admin = await SignInAsync(api.Admin);
            await admin.GetByRole(AriaRole.Combobox, new() { Name = "Your status" }).SelectOptionAsync("Offline");
            await admin.GetByRole(AriaRole.Link, new() { Name = "Assignment" }).ClickAsync();
            var settings = admin.GetByRole(AriaRole.Form, new() { Name = "Assignment settings" });
            await settings.GetByLabel("Assign new conversations automatically").CheckAsync();
            await settings.GetByLabel("Open conversations per operator").FillAsync("2");
            await settings.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Expect(settings.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved.");

            var visitor = await StartChatAsync("Ava Auto");
            await SendAsync(visitor, "Anyone there?");
            await bea.GetByRole(AriaRole.Tab, new() { Name = "Mine" }).ClickAsync();
            await OpenConversationAsync(bea, "Ava Auto");
            await Expect(Message(bea, "The conversation was assigned to Bea Backup automatically.")).ToBeVisibleAsync();

            // Otto closes his last tab: Bea sees him offline.
            await otto.Context.CloseAsync();
            _contexts.Remove(otto.Context);
            await Expect(ottoRow).ToContainTextAsync("Offline");
        });
    }

    [Fact]
    public async Task Transfer_ToAColleagueWithANote()
    {
        await RunAsync(async () =>
        {
            var ottoUser = await CreateStaffAsync(UserRole.Operator, "Otto Operator");
            await CreateStaffAsync(UserRole.Operator, "Bea Backup");
            var visitor = await StartChatAsync("Tom Transfer");
            await SendAsync(visitor, "I need help in German");
            var otto = await SignInAsync(ottoUser);
            await OpenConversationAsync(otto, "Tom Transfer");
            await otto.GetByRole(AriaRole.Button, new() { Name = "Assign to me" }).ClickAsync();
            await otto.GetByRole(AriaRole.Button, new() { Name = "Transfer" }).ClickAsync();
            var form = otto.GetByRole(AriaRole.Form, new() { Name = "Transfer conversation" });
            await form.GetByLabel("Transfer to").SelectOptionAsync(new SelectOptionValue { Label = "Bea Backup (Offline)" });
            await form.GetByLabel("Note for your colleague").FillAsync("He prefers German; order 5521");
            await form.GetByRole(AriaRole.Button, new() { Name = "Transfer" }).ClickAsync();

            await Expect(otto.GetByText("Assigned to Bea Backup")).ToBeVisibleAsync();
            await Expect(Message(otto, "Otto Operator transferred the conversation to Bea Backup.")).ToBeVisibleAsync();
            var note = Message(otto, "He prefers German; order 5521");
            await Expect(note).ToContainTextAsync("Private note");
            await Expect(Message(visitor, "He prefers German")).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task Messages_ShowLinksAndFormatting_AndNoMarkupFromAMessage_InBothUIs()
    {
        await RunAsync(async () =>
        {
            const string text = "**Bold** and _soft_ `code` <img src=x onerror=\"window.__xss=1\"> see https://example.com/track?id=1";
            var visitor = await StartChatAsync("Xena Xss");
            await SendAsync(visitor, "see https://example.com/track");
            var op = await SignInAsync(await CreateStaffAsync(UserRole.Operator, "Otto Operator"));
            await OpenConversationAsync(op, "Xena Xss");
            await op.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FillAsync(text + "\nsecond line");
            await op.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();

            foreach (var page in new[] { op, visitor })
            {
                var message = Message(page, "second line");
                await Expect(message).ToBeVisibleAsync();
                await Expect(message.Locator("strong")).ToHaveTextAsync("Bold");
                await Expect(message.Locator("em")).ToHaveTextAsync("soft");
                await Expect(message.Locator("code")).ToHaveTextAsync("code");
                await Expect(message.Locator("br")).ToHaveCountAsync(1);
                var link = message.GetByRole(AriaRole.Link, new() { Name = "https://example.com/track?id=1" });
                await Expect(link).ToHaveAttributeAsync("href", "https://example.com/track?id=1");
                await Expect(link).ToHaveAttributeAsync("target", "_blank");
                await Expect(link).ToHaveAttributeAsync("rel", "noopener noreferrer nofollow");
                await Expect(message.Locator("img")).ToHaveCountAsync(0);
                await Expect(message).ToContainTextAsync("<img src=x onerror=\"window.__xss=1\">");
                Assert.False(await page.EvaluateAsync<bool>("() => '__xss' in window"));
            }
            // The visitor's own link is clickable on the operator's side too.
            await Expect(Message(op, "see https://example.com/track").First.GetByRole(AriaRole.Link)).ToHaveAttributeAsync("rel", "noopener noreferrer nofollow");
        });
    }

    [Fact]
    public async Task Notifications_SoundAndDesktopAlert_ForNewConversationsAndMessages_UntilSwitchedOff()
    {
        await RunAsync(async () =>
        {
            var page = await NewPageAsync();
            // The browser's Notification, replaced by a recorder that has permission (headless Chromium shows none).
            await page.Context.AddInitScriptAsync("""
                window.__notifications = [];
                window.Notification = class {
                  static permission = 'granted';
                  static requestPermission() { return Promise.resolve('granted'); }
                  constructor(title, options) { window.__notifications.push({ title, body: options && options.body }); }
                  close() {}
                };
                """);
            var op = await SignInAsync(await CreateStaffAsync(UserRole.Operator, "Otto Operator"), page);

            var first = await StartChatAsync("Nina New");
            await WaitForNotificationAsync(op, "New conversation");
            await SendAsync(first, "Are you there?");
            await WaitForNotificationAsync(op, "New message from Nina New");
            await Expect(op).ToHaveTitleAsync(new Regex("^\\(1\\) "));

            await op.GetByRole(AriaRole.Link, new() { Name = "Account" }).ClickAsync();
            var toggle = op.GetByLabel("Sound and desktop notifications");
            await Expect(toggle).ToBeCheckedAsync();
            await toggle.UncheckAsync();
            await Expect(toggle).Not.ToBeCheckedAsync();
            var count = await op.EvaluateAsync<int>("() => window.__notifications.length");
            var second = await StartChatAsync("Quiet Quinn");
            await SendAsync(second, "Hello?");
            await using (var db = api.CreateDbContext())
            {
                Assert.Equal(2, await db.Conversations.CountAsync());
            }
            await Expect(op).ToHaveTitleAsync(new Regex("^\\(2\\) "));
            Assert.Equal(count, await op.EvaluateAsync<int>("() => window.__notifications.length"));
        });
    }

    [Fact]
    public async Task Users_AdminReactivatesAndResetsPasswords_AndEveryoneChangesTheirOwn()
    {
        await RunAsync(async () =>
        {
            var ottoUser = await CreateStaffAsync(UserRole.Operator, "Otto Operator");
            using (var client = api.Client(api.Admin.Token))
            {
                await (await client.PostAsync($"/api/users/{ottoUser.Id}/deactivate", null)).ReadAsync<UserDto>();
            }
            var admin = await SignInAsync(api.Admin);
            await admin.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
            await admin.GetByRole(AriaRole.Button, new() { Name = "Reactivate Otto Operator" }).ClickAsync();
            await Expect(admin.GetByRole(AriaRole.Status).Filter(new() { HasText = "can sign in again" })).ToBeVisibleAsync();
            await admin.GetByRole(AriaRole.Button, new() { Name = "Reset password for Otto Operator" }).ClickAsync();
            await admin.GetByLabel("New password for Otto Operator").FillAsync("admin-set-pass-1");
            await admin.GetByRole(AriaRole.Button, new() { Name = "Set password", Exact = true }).ClickAsync();
            await Expect(admin.GetByText("Otto Operator has a new password")).ToBeVisibleAsync();

            var otto = await SignInAsync(ottoUser with { Password = "admin-set-pass-1" });
            var ottoElsewhere = await SignInAsync(ottoUser with { Password = "admin-set-pass-1" });
            await otto.GetByRole(AriaRole.Link, new() { Name = "Account" }).ClickAsync();
            var form = otto.GetByRole(AriaRole.Form, new() { Name = "Change password" });
            await form.GetByLabel("Current password").FillAsync("admin-set-pass-1");
            await form.GetByLabel("New password", new() { Exact = true }).FillAsync("my-own-pass-2");
            await form.GetByLabel("Repeat new password").FillAsync("my-own-pass-2");
            await form.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
            await Expect(form.GetByRole(AriaRole.Status)).ToContainTextAsync("Your password was changed");

            // This tab goes on with its new token; the other session ends.
            await otto.GetByRole(AriaRole.Link, new() { Name = "Inbox" }).ClickAsync();
            await Expect(otto.GetByRole(AriaRole.Tablist, new() { Name = "Conversation filters" })).ToBeVisibleAsync();
            // (It may have noticed by itself already, through any request its open page made.)
            await ottoElsewhere.ReloadAsync();
            await Expect(ottoElsewhere).ToHaveURLAsync(new Regex("/admin/login"));
            await Expect(ottoElsewhere.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
            await SignInAsync(ottoUser with { Password = "my-own-pass-2" });
        });
    }

    [Fact]
    public async Task PhoneWidth_ListThenConversationWithBack_AndVisitorDetailsOneTapAway()
    {
        await RunAsync(async () =>
        {
            var visitor = await StartChatAsync("Phil Phone", email: "phil@example.com");
            await SendAsync(visitor, "Writing from my phone");
            var phone = await NewPageAsync(new ViewportSize { Width = 375, Height = 740 });
            var op = await SignInAsync(await CreateStaffAsync(UserRole.Operator, "Otto Operator"), phone);

            var list = op.GetByRole(AriaRole.List, new() { Name = "Conversations" });
            await list.GetByRole(AriaRole.Link, new() { Name = "Phil Phone" }).ClickAsync();
            await Expect(list).ToBeHiddenAsync();
            await Expect(Message(op, "Writing from my phone")).ToBeInViewportAsync();
            var details = op.GetByRole(AriaRole.Complementary, new() { Name = "Visitor details" });
            await Expect(details).ToBeHiddenAsync();

            await op.GetByRole(AriaRole.Button, new() { Name = "Visitor details" }).ClickAsync();
            await Expect(details).ToBeVisibleAsync();
            await Expect(details).ToContainTextAsync("phil@example.com");
            await op.GetByRole(AriaRole.Button, new() { Name = "Close visitor details" }).ClickAsync();
            await Expect(details).ToBeHiddenAsync();

            await SendAsync(op, "Got it, on a phone too");
            await Expect(Message(visitor, "Got it, on a phone too")).ToBeVisibleAsync();
            await op.GetByRole(AriaRole.Link, new() { Name = "Back to conversations" }).ClickAsync();
            await Expect(list).ToBeVisibleAsync();
            await Expect(op.GetByRole(AriaRole.Region, new() { Name = "Conversation with Phil Phone" })).ToHaveCountAsync(0);
            // Nothing is wider than the screen.
            Assert.True(await op.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 375"),
                "The page scrolls sideways at 375 px.");
        });
    }

    [Fact]
    public async Task Keyboard_MovesBetweenConversations_FocusesComposerAndSearch_ListedUnderQuestionMark()
    {
        await RunAsync(async () =>
        {
            var first = await StartChatAsync("Kim First");
            await SendAsync(first, "first question");
            var second = await StartChatAsync("Kai Second");
            await SendAsync(second, "second question");
            var op = await SignInAsync(await CreateStaffAsync(UserRole.Operator, "Otto Operator"));
            await Expect(op.GetByRole(AriaRole.List, new() { Name = "Conversations" }).GetByRole(AriaRole.Link)).ToHaveCountAsync(2);

            await op.Keyboard.PressAsync("?");
            var help = op.GetByRole(AriaRole.Dialog, new() { Name = "Keyboard shortcuts" });
            await Expect(help).ToBeVisibleAsync();
            await Expect(help).ToContainTextAsync("Next conversation");
            await Expect(help).ToContainTextAsync("Search conversations");
            await op.Keyboard.PressAsync("Escape");
            await Expect(help).ToHaveCountAsync(0);

            // Newest first: Kai, then Kim.
            await op.Keyboard.PressAsync("j");
            await Expect(op.GetByRole(AriaRole.Heading, new() { Name = "Kai Second" })).ToBeVisibleAsync();
            await op.Keyboard.PressAsync("j");
            await Expect(op.GetByRole(AriaRole.Heading, new() { Name = "Kim First" })).ToBeVisibleAsync();
            await op.Keyboard.PressAsync("k");
            await Expect(op.GetByRole(AriaRole.Heading, new() { Name = "Kai Second" })).ToBeVisibleAsync();

            await op.Keyboard.PressAsync("r");
            var box = op.GetByRole(AriaRole.Textbox, new() { Name = "Message" });
            await Expect(box).ToBeFocusedAsync();
            await op.Keyboard.TypeAsync("typed without the mouse");
            await op.Keyboard.PressAsync("Enter");
            await Expect(Message(second, "typed without the mouse")).ToBeVisibleAsync();
            // Alt+Down moves on from inside the composer; Escape leaves it; "/" opens the search.
            await op.Keyboard.PressAsync("Alt+ArrowDown");
            await Expect(op.GetByRole(AriaRole.Heading, new() { Name = "Kim First" })).ToBeVisibleAsync();
            await op.Keyboard.PressAsync("n");
            await Expect(op.GetByRole(AriaRole.Form, new() { Name = "Private note" })).ToBeVisibleAsync();
            await Expect(box).ToBeFocusedAsync();
            await op.Keyboard.PressAsync("Escape");
            await Expect(box).Not.ToBeFocusedAsync();
            await op.Keyboard.PressAsync("/");
            await Expect(op.GetByRole(AriaRole.Searchbox, new() { Name = "Search conversations" })).ToBeFocusedAsync();
        });
    }

    // ---- helpers ----

    private async Task<IPage> NewPageAsync(ViewportSize? viewport = null)
    {
        var context = await browser.Browser.NewContextAsync(new() { Locale = "en-GB", ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 800 } });
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

    private async Task<IPage> StartChatAsync(string name, string? email = null)
    {
        var page = await NewPageAsync();
        await page.GotoAsync(_frontend.Url("/widget"));
        var form = page.GetByRole(AriaRole.Form, new() { Name = "Start a conversation" });
        await form.GetByRole(AriaRole.Textbox, new() { Name = "Name" }).FillAsync(name);
        if (email is not null)
        {
            await form.GetByRole(AriaRole.Textbox, new() { Name = "Email" }).FillAsync(email);
        }
        await form.GetByRole(AriaRole.Button, new() { Name = "Start chat" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Message" })).ToBeEditableAsync();
        return page;
    }

    private async Task<IPage> SignInAsync(TestUser user, IPage? page = null)
    {
        page ??= await NewPageAsync();
        await page.GotoAsync(_frontend.Url("/admin"));
        await Expect(page).ToHaveURLAsync(new Regex("/admin/login"));
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Email" }).FillAsync(user.Email);
        await page.GetByLabel("Password").FillAsync(user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Tablist, new() { Name = "Conversation filters" })).ToBeVisibleAsync();
        return page;
    }

    private static async Task OpenConversationAsync(IPage page, string visitorName)
    {
        await page.GetByRole(AriaRole.List, new() { Name = "Conversations" }).GetByRole(AriaRole.Link, new() { Name = visitorName }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = visitorName })).ToBeVisibleAsync();
    }

    private static async Task SendAsync(IPage page, string text)
    {
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FillAsync(text);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(Message(page, text)).ToHaveAttributeAsync("data-state", "sent");
    }

    private static async Task WaitForNotificationAsync(IPage page, string title) =>
        await page.WaitForFunctionAsync("title => window.__notifications.some(n => n.title === title)", title,
            new() { Timeout = BrowserFixture.Timeout });

    /// <summary>Creates a staff member through the API (as an admin would) and signs them in for a token.</summary>
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

    private static ILocator Messages(IPage page) => page.GetByRole(AriaRole.List, new() { Name = "Messages" });

    private static ILocator Message(IPage page, string text) =>
        Messages(page).GetByRole(AriaRole.Listitem).Filter(new() { HasText = text });

    private Task RunAsync(Func<Task> scenario, [System.Runtime.CompilerServices.CallerMemberName] string test = "") =>
        BrowserScenario.RunAsync(_contexts, Log, scenario, test);

    private void Log(string line) => BrowserScenario.Log(output, line);
}
