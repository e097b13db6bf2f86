using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ChatApp.Api.Services;
using ChatApp.Tests.Hub;
using ChatApp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Tests.Integration;

/// <summary>Ordinary bad input gets a 400 that says what is wrong, never a 500, on every path that stores text.</summary>
[Collection(ApiCollection.Name)]
public class InputRulesApiTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("body", "hello\0world", "NUL character")]
    [InlineData("body", "bell \u0007", "control character (U+0007)")]
    [InlineData("clientMessageId", "id\0", "NUL character")]
    [InlineData("clientMessageId", "id\n2", "control character (U+000A)")]
    public async Task Send_WithForbiddenCharacters_Returns400NamingTheFieldAndTheCharacter(string field, string value, string expected)
    {
        var session = await api.StartWidgetAsync();
        using var client = api.Client(session.VisitorToken);
        var request = field == "body"
            ? new SendMessageRequest(Guid.NewGuid().ToString(), value, null)
            : new SendMessageRequest(value, "hello", null);

        var response = await client.PostAsJsonAsync($"/api/widget/conversations/{session.Conversation.Id}/messages", request, TestJson.Options);

        var detail = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(expected, detail);
        Assert.Empty(await api.StoredMessagesAsync(session.Conversation.Id));
    }

    [Fact]
    public async Task Send_WithAnUnpairedSurrogateEscapedInTheJson_Returns400()
    {
        var session = await api.StartWidgetAsync();
        using var client = api.Client(session.VisitorToken);
        var json = "{\"clientMessageId\":\"lone\",\"body\":\"half an emoji \\ud83d\"}";

        var response = await client.PostAsync($"/api/widget/conversations/{session.Conversation.Id}/messages",
            new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Empty(await api.StoredMessagesAsync(session.Conversation.Id));
    }

    [Fact]
    public async Task Send_WithLineBreaksTabsAndEmoji_StoresThemAsSent()
    {
        var session = await api.StartWidgetAsync();
        using var client = api.Client(session.VisitorToken);
        const string body = "line one\r\nline two\twith a tab 😀 and עברית";

        var message = await (await client.PostAsJsonAsync($"/api/widget/conversations/{session.Conversation.Id}/messages",
            new SendMessageRequest("multi", body, null), TestJson.Options)).ReadAsync<MessageDto>();

        Assert.Equal(body, message.Body);
        Assert.Equal(body, Assert.Single(await api.StoredMessagesAsync(session.Conversation.Id)).Body);
    }

    [Theory]
    [InlineData("{\"name\":\"Eve\\u0000\"}", "name")]
    [InlineData("{\"email\":\"eve\\u0000@example.com\"}", "email")]
    [InlineData("{\"pageUrl\":\"https://shop.example/\\u0000\"}", "pageUrl")]
    public async Task WidgetStart_WithNulInAnyField_Returns400(string json, string field)
    {
        using var client = api.Client();
        var response = await client.PostAsync("/api/widget/conversations", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var detail = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("NUL character", detail);
        Assert.Contains(field, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WidgetStart_NameWithBidiOverride_IsStoredWithoutIt()
    {
        using var client = api.Client();
        var response = await client.PostAsJsonAsync("/api/widget/conversations",
            new StartConversationRequest("\u202EnamreV\u202C Vera", null, null), TestJson.Options);
        var session = await response.ReadAsync<WidgetSessionDto>();
        Assert.Equal("namreV Vera", session.Conversation.VisitorName);
    }

    [Fact]
    public async Task Login_WithNulInTheEmail_Returns400()
    {
        using var client = api.Client();
        var response = await client.PostAsJsonAsync("/api/auth/login", new LoginRequest("admin\0@chatapp.test", "whatever-password"));
        Assert.Contains("NUL character", await response.AssertProblemAsync(HttpStatusCode.BadRequest));
    }

    [Theory]
    [InlineData("Eve\0", "NUL character")]
    [InlineData("Eve\u0001", "control character")]
    public async Task CreateUser_WithControlCharactersInTheDisplayName_Returns400(string displayName, string expected)
    {
        using var client = api.Client(api.Admin.Token);
        var response = await client.PostAsJsonAsync("/api/users",
            new CreateUserRequest("eve@chatapp.test", displayName, "long-enough-password", ChatApp.Api.Data.Entities.UserRole.Operator), TestJson.Options);
        Assert.Contains(expected, await response.AssertProblemAsync(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task CreateUser_DisplayNameWithBidiOverride_IsStoredWithoutIt()
    {
        using var client = api.Client(api.Admin.Token);
        var user = await (await client.PostAsJsonAsync("/api/users",
            new CreateUserRequest("rtl@chatapp.test", "\u202Egnp.exe", "long-enough-password", ChatApp.Api.Data.Entities.UserRole.Operator),
            TestJson.Options)).ReadAsync<UserDto>();
        Assert.Equal("gnp.exe", user.DisplayName);
    }

    [Fact]
    public async Task Upload_FileNameWithBidiOverride_IsShownWithoutIt()
    {
        var session = await api.StartWidgetAsync();
        using var client = api.Client(session.VisitorToken);
        var file = new ByteArrayContent(UploadsApiTests.TinyPng);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var response = await client.PostAsync("/api/uploads", new MultipartFormDataContent { { file, "file", "\u202Egnp.exe" } });
        var attachment = await response.ReadAsync<AttachmentDto>();
        Assert.Equal("gnp.exe", attachment.FileName);
    }

    [Fact]
    public async Task Send_AttachmentWithTheLongestFileNameAndNoBody_IsStoredWithATruncatedPreview()
    {
        var session = await api.StartWidgetAsync();
        using var client = api.Client(session.VisitorToken);
        var longName = new string('n', 300) + ".txt";
        var file = new ByteArrayContent("hello"u8.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        var attachment = await (await client.PostAsync("/api/uploads", new MultipartFormDataContent { { file, "file", longName } }))
            .ReadAsync<AttachmentDto>();
        Assert.Equal(255, attachment.FileName.Length);
        Assert.EndsWith(".txt", attachment.FileName);

        var response = await client.PostAsJsonAsync($"/api/widget/conversations/{session.Conversation.Id}/messages",
            new SendMessageRequest("with-attachment", "", attachment.Id), TestJson.Options);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var stored = await api.StoredConversationAsync(session.Conversation.Id);
        Assert.NotNull(stored.LastMessagePreview);
        Assert.True(stored.LastMessagePreview.Length <= MessageRules.PreviewLength);
        Assert.StartsWith("📎 nnn", stored.LastMessagePreview);
    }

    [Fact]
    public async Task Send_BodyOfEmojiCutMidPairByThePreview_IsStored()
    {
        // 139 characters would cut the 70th emoji in half: the preview must not hold half a surrogate pair.
        var session = await api.StartWidgetAsync();
        using var client = api.Client(session.VisitorToken);
        var body = "a" + string.Concat(Enumerable.Repeat("😀", 100));

        var response = await client.PostAsJsonAsync($"/api/widget/conversations/{session.Conversation.Id}/messages",
            new SendMessageRequest("emoji", body, null), TestJson.Options);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(body, Assert.Single(await api.StoredMessagesAsync(session.Conversation.Id)).Body);
    }

    [Theory]
    [InlineData("/api/conversations?page=21474838&pageSize=100")]
    [InlineData("/api/conversations?page=2147483647&pageSize=100")]
    public async Task List_WithAPageNumberThatWouldOverflow_Returns400(string url)
    {
        using var client = api.Client(api.Admin.Token);
        Assert.Contains("pages go up to", await (await client.GetAsync(url)).AssertProblemAsync(HttpStatusCode.BadRequest));
    }

    [Theory]
    [InlineData("7")]
    [InlineData("0")]
    public async Task List_WithAStatusGivenAsANumber_Returns400(string status)
    {
        using var client = api.Client(api.Admin.Token);
        var detail = await (await client.GetAsync($"/api/conversations?status={status}")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("Open, Assigned, Closed", detail);
    }

    [Fact]
    public async Task ChangeRole_WithARoleGivenAsANumber_Returns400()
    {
        var user = await api.CreateUserAsync();
        using var client = api.Client(api.Admin.Token);
        var response = await client.PutAsync($"/api/users/{user.Id}/role",
            new StringContent("{\"role\":1}", System.Text.Encoding.UTF8, "application/json"));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        await using var db = api.CreateDbContext();
        Assert.Equal(ChatApp.Api.Data.Entities.UserRole.Operator, (await db.Users.SingleAsync(u => u.Id == user.Id)).Role);
    }
}
