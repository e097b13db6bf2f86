using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Api.Settings;
using ChatApp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Tests.Integration;

[Collection(ApiCollection.Name)]
public class WidgetSettingsApiTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    public static UpdateWidgetSettingsRequest Valid(
        string? title = "Help from Acme", string color = "#0A7D5A", PreChatField name = PreChatField.Optional,
        PreChatField email = PreChatField.Optional, BusinessHoursDto? hours = null, string language = "auto") =>
        new(title, "Usually within minutes", "Hello! How can we help?", color, WidgetPosition.Left,
            new PreChatDto(name, email), hours ?? new BusinessHoursDto(false, "Europe/Paris",
                [new(DayOfWeek.Monday, "09:00", "12:30"), new(DayOfWeek.Monday, "14:00", "18:00")]), language);

    [Fact]
    public async Task PublicSettings_ByDefault_AreComplete_AndNeverCarryTheIdentitySecret()
    {
        using var anonymous = api.Client();
        var response = await anonymous.GetAsync("/api/widget/settings");
        var json = await response.Content.ReadAsStringAsync();
        var settings = await response.ReadAsync<PublicWidgetSettingsDto>();

        Assert.Null(settings.Title); // the widget shows its own default, in the visitor's language
        Assert.Equal("#1f6feb", settings.Color);
        Assert.Equal(WidgetPosition.Right, settings.Position);
        Assert.Equal(new PreChatDto(PreChatField.Optional, PreChatField.Optional), settings.PreChat);
        Assert.Equal("auto", settings.DefaultLanguage);
        Assert.Equal(10 * 1024 * 1024, settings.Uploads.MaxBytes);
        Assert.Contains("image/png", settings.Uploads.ContentTypes);
        Assert.Equal("Allowed: PNG, JPEG, GIF, WebP, PDF or plain text (.txt), up to 10 MB.", settings.Uploads.Rule);

        using var admin = api.Client(api.Admin.Token);
        var secret = (await (await admin.GetAsync("/api/settings/widget")).ReadAsync<WidgetSettingsDto>()).IdentitySecret;
        Assert.Equal(64, secret.Length);
        Assert.DoesNotContain(secret, json);
        Assert.DoesNotContain("identitySecret", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Put_ByAnAdmin_IsWhatTheWidgetGetsNext()
    {
        using var admin = api.Client(api.Admin.Token);
        var saved = await (await admin.PutAsJsonAsync("/api/settings/widget", Valid(), TestJson.Options)).ReadAsync<WidgetSettingsDto>();
        Assert.Equal("#0a7d5a", saved.Color);

        using var anonymous = api.Client();
        var settings = await (await anonymous.GetAsync("/api/widget/settings")).ReadAsync<PublicWidgetSettingsDto>();
        Assert.Equal("Help from Acme", settings.Title);
        Assert.Equal("Usually within minutes", settings.Subtitle);
        Assert.Equal("Hello! How can we help?", settings.Greeting);
        Assert.Equal("#0a7d5a", settings.Color);
        Assert.Equal(WidgetPosition.Left, settings.Position);
        Assert.Equal("Europe/Paris", settings.BusinessHours.TimeZone);
        Assert.Equal([new(DayOfWeek.Monday, "09:00", "12:30"), new(DayOfWeek.Monday, "14:00", "18:00")], settings.BusinessHours.Hours);

        // Stored in PostgreSQL, not in one process: a second API instance reads the same.
        await using var other = api.CreateFactory();
        using var otherClient = api.Client(factory: other);
        var fromOther = await (await otherClient.GetAsync("/api/widget/settings")).ReadAsync<PublicWidgetSettingsDto>();
        Assert.Equal("Help from Acme", fromOther.Title);
    }

    [Fact]
    public async Task Put_ByAnOperatorOrAVisitorOrAnonymous_IsRefused_AndChangesNothing()
    {
        var operatorUser = await api.CreateUserAsync(UserRole.Operator);
        var visitor = await api.StartWidgetAsync();
        using (var client = api.Client(operatorUser.Token))
        {
            await (await client.PutAsJsonAsync("/api/settings/widget", Valid(), TestJson.Options)).AssertProblemAsync(HttpStatusCode.Forbidden);
            await (await client.GetAsync("/api/settings/widget")).AssertProblemAsync(HttpStatusCode.Forbidden);
        }
        using (var client = api.Client(visitor.VisitorToken))
        {
            await (await client.PutAsJsonAsync("/api/settings/widget", Valid(), TestJson.Options)).AssertProblemAsync(HttpStatusCode.Forbidden);
        }
        using (var client = api.Client())
        {
            await (await client.PutAsJsonAsync("/api/settings/widget", Valid(), TestJson.Options)).AssertProblemAsync(HttpStatusCode.Unauthorized);
            await (await client.GetAsync("/api/settings/widget")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
        await using var db = api.CreateDbContext();
        Assert.Null((await db.WidgetSettings.SingleAsync()).Title);
    }

    [Theory]
    [InlineData("color", "red;background:url(x)", "Europe/Paris", "09:00", "17:00", "en")]
    [InlineData("businessHours.timeZone", "#123456", "Mars/Olympus_Mons", "09:00", "17:00", "en")]
    [InlineData("businessHours.hours", "#123456", "UTC", "17:00", "09:00", "en")]
    [InlineData("businessHours.hours", "#123456", "UTC", "9am", "17:00", "en")]
    [InlineData("defaultLanguage", "#123456", "UTC", "09:00", "17:00", "xx")]
    public async Task Put_WithAnInvalidValue_Returns400NamingTheField_AndChangesNothing(
        string field, string color, string zone, string opens, string closes, string language)
    {
        using var admin = api.Client(api.Admin.Token);
        var request = Valid(color: color, language: language,
            hours: new BusinessHoursDto(true, zone, [new(DayOfWeek.Tuesday, opens, closes)]));
        var response = await admin.PutAsJsonAsync("/api/settings/widget", request, TestJson.Options);
        var body = await response.Content.ReadAsStringAsync();
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        using var json = JsonDocument.Parse(body);
        Assert.True(json.RootElement.GetProperty("errors").TryGetProperty(field, out _), body);

        using var anonymous = api.Client();
        var settings = await (await anonymous.GetAsync("/api/widget/settings")).ReadAsync<PublicWidgetSettingsDto>();
        Assert.Null(settings.Title);
        Assert.Equal("#1f6feb", settings.Color);
    }

    [Fact]
    public async Task Put_WithOverlappingOpenings_Returns400()
    {
        using var admin = api.Client(api.Admin.Token);
        var request = Valid(hours: new BusinessHoursDto(true, "UTC",
            [new(DayOfWeek.Friday, "09:00", "13:00"), new(DayOfWeek.Friday, "12:00", "18:00")]));
        var detail = await (await admin.PutAsJsonAsync("/api/settings/widget", request, TestJson.Options)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("overlap", detail);
    }

    [Fact]
    public async Task RotatingTheIdentitySecret_GivesANewOne()
    {
        using var admin = api.Client(api.Admin.Token);
        var before = (await (await admin.GetAsync("/api/settings/widget")).ReadAsync<WidgetSettingsDto>()).IdentitySecret;
        var after = (await (await admin.PostAsync("/api/settings/widget/identity-secret", null)).ReadAsync<WidgetSettingsDto>()).IdentitySecret;
        Assert.NotEqual(before, after);
        Assert.Equal(after, (await (await admin.GetAsync("/api/settings/widget")).ReadAsync<WidgetSettingsDto>()).IdentitySecret);
    }

    [Fact]
    public async Task PreChat_RequiredName_IsEnforcedByTheServer()
    {
        using var admin = api.Client(api.Admin.Token);
        await (await admin.PutAsJsonAsync("/api/settings/widget", Valid(name: PreChatField.Required), TestJson.Options)).ReadAsync<WidgetSettingsDto>();

        using var anonymous = api.Client();
        var refused = await anonymous.PostAsJsonAsync("/api/widget/conversations", new StartConversationRequest(null, null, null), TestJson.Options);
        var body = await refused.Content.ReadAsStringAsync();
        await refused.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("\"name\"", body);
        await using (var db = api.CreateDbContext())
        {
            Assert.Equal(0, await db.Conversations.CountAsync());
        }

        var session = await api.StartWidgetAsync("Nina Named");
        // A returning visitor whose name is known does not have to type it again.
        using var returning = api.Client(session.VisitorToken);
        var again = await returning.PostAsJsonAsync("/api/widget/conversations", new StartConversationRequest(null, null, null), TestJson.Options);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }

    [Fact]
    public async Task UploadRefusals_UseTheRuleTheWidgetIsGiven()
    {
        using var anonymous = api.Client();
        var rule = (await (await anonymous.GetAsync("/api/widget/settings")).ReadAsync<PublicWidgetSettingsDto>()).Uploads.Rule;
        var visitor = await api.StartWidgetAsync();
        using var client = api.Client(visitor.VisitorToken);
        var form = new MultipartFormDataContent { { new ByteArrayContent("MZ\u0090\u0000"u8.ToArray()), "file", "setup.exe" } };
        var detail = await (await client.PostAsync("/api/uploads", form)).AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal($"This kind of file cannot be sent. {rule}", detail);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheVisitorEndpoints()
    {
        using var client = api.Client();
        using var doc = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var paths = doc.RootElement.GetProperty("paths");
        foreach (var (path, method, name) in new[]
        {
            ("/api/widget/settings", "get", "GetPublicWidgetSettings"),
            ("/api/settings/widget", "get", "GetWidgetSettings"),
            ("/api/settings/widget", "put", "UpdateWidgetSettings"),
            ("/api/settings/widget/identity-secret", "post", "RotateIdentitySecret"),
            ("/api/widget/conversations", "get", "ListWidgetConversations"),
            ("/api/widget/conversations/{id}/rating", "post", "RateWidgetConversation"),
            ("/api/widget/conversations/{id}/transcript", "get", "GetWidgetTranscript"),
            ("/api/conversations/{id}/transcript", "get", "GetConversationTranscript"),
            ("/api/widget/identity", "post", "IdentifyWidgetVisitor"),
        })
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is missing");
            var operation = item.GetProperty(method);
            Assert.Equal(name, operation.GetProperty("operationId").GetString());
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()));
        }
    }
}
