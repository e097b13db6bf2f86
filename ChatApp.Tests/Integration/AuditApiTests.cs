using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatApp.Api.Audit;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Api.Settings;
using ChatApp.Api.Webhooks;
using ChatApp.Tests.Infrastructure;

namespace ChatApp.Tests.Integration;

/// <summary>Admin actions leave an entry with who, what, when and from where; admins list and filter them.</summary>
[Collection(ApiCollection.Name)]
public sealed class AuditApiTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task UserActions_AreRecorded_WithTheActorAndTheIp()
    {
        using var admin = api.Client(api.Admin.Token);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var created = await (await admin.PostAsJsonAsync("/api/users",
            new CreateUserRequest("sam@example.com", "Sam", "Passw0rd-123", UserRole.Operator), TestJson.Options)).ReadAsync<UserDto>();
        await (await admin.PutAsJsonAsync($"/api/users/{created.Id}/role", new ChangeRoleRequest(UserRole.Admin), TestJson.Options)).ReadAsync<UserDto>();
        await (await admin.PostAsync($"/api/users/{created.Id}/deactivate", null)).ReadAsync<UserDto>();

        var entries = (await ListAsync("")).Items;
        Assert.Equal([AuditActions.UserDeactivated, AuditActions.UserRoleChanged, AuditActions.UserCreated], entries.Select(e => e.Action));
        Assert.All(entries, e =>
        {
            Assert.Equal(api.Admin.Id, e.ActorUserId);
            Assert.Equal("Ada Admin", e.ActorName);
            Assert.Equal("127.0.0.1", e.IpAddress);
            Assert.Equal(("user", created.Id.ToString(), "sam@example.com"), (e.TargetType, e.TargetId, e.TargetName));
            Assert.InRange(e.At, before, DateTimeOffset.UtcNow.AddSeconds(1));
        });
        var roleChange = entries[1].Details!.Value;
        Assert.Equal(("Operator", "Admin"), (roleChange.GetProperty("from").GetString(), roleChange.GetProperty("to").GetString()));
        Assert.Equal("Operator", entries[2].Details!.Value.GetProperty("role").GetString());
    }

    [Fact]
    public async Task InboxAdminActions_AreRecorded_PasswordsNever()
    {
        using var admin = api.Client(api.Admin.Token);
        var user = await api.CreateUserAsync();
        await (await admin.PostAsync($"/api/users/{user.Id}/deactivate", null)).ReadAsync<UserDto>();
        await (await admin.PostAsync($"/api/users/{user.Id}/reactivate", null)).ReadAsync<UserDto>();
        await (await admin.PutAsJsonAsync($"/api/users/{user.Id}/password", new ResetPasswordRequest("New-passw0rd-42"), TestJson.Options)).ReadAsync<UserDto>();
        var canned = await (await admin.PostAsJsonAsync("/api/canned-responses", new CannedResponseRequest("hello", "Greeting", "Hello! How can I help?"), TestJson.Options)).ReadAsync<CannedResponseDto>();
        await (await admin.PutAsJsonAsync($"/api/canned-responses/{canned.Id}", new CannedResponseRequest("hi", "Greeting", "Hi!"), TestJson.Options)).ReadAsync<CannedResponseDto>();
        (await admin.DeleteAsync($"/api/canned-responses/{canned.Id}")).EnsureSuccessStatusCode();
        await (await admin.PutAsJsonAsync("/api/settings/assignment", new AssignmentSettingsRequest(true, 5), TestJson.Options)).ReadAsync<AssignmentSettingsDto>();

        var entries = (await ListAsync("")).Items;
        Assert.Equal(
            [AuditActions.AssignmentSettingsUpdated, AuditActions.CannedResponseDeleted, AuditActions.CannedResponseUpdated,
             AuditActions.CannedResponseCreated, AuditActions.UserPasswordReset, AuditActions.UserReactivated, AuditActions.UserDeactivated],
            entries.Select(e => e.Action));
        Assert.Equal(("hi", "canned_response"), (entries[1].TargetName, entries[1].TargetType));
        Assert.Equal(("hello", "hi"), (entries[2].Details!.Value.GetProperty("shortcut").GetProperty("from").GetString(),
            entries[2].Details!.Value.GetProperty("shortcut").GetProperty("to").GetString()));
        Assert.Equal(5, entries[0].Details!.Value.GetProperty("maxOpenPerOperator").GetProperty("to").GetInt32());
        Assert.All(entries, e => Assert.DoesNotContain("New-passw0rd-42", e.Details?.GetRawText() ?? ""));
    }

    [Fact]
    public async Task SettingsAndWebhookActions_AreRecorded_WithoutSecrets()
    {
        using var admin = api.Client(api.Admin.Token);
        await (await admin.PutAsJsonAsync("/api/settings/widget", WidgetSettingsApiTests.Valid(title: "Acme help"), TestJson.Options)).ReadAsync<WidgetSettingsDto>();
        var rotated = await (await admin.PostAsync("/api/settings/widget/identity-secret", null)).ReadAsync<WidgetSettingsDto>();
        var webhook = await (await admin.PostAsJsonAsync("/api/webhooks",
            new SaveWebhookRequest("https://crm.example.com/hooks", null, [WebhookEvents.ConversationCreated], true))).ReadAsync<WebhookDto>();
        await (await admin.PutAsJsonAsync($"/api/webhooks/{webhook.Id}",
            new SaveWebhookRequest("https://crm.example.com/hooks", null, [WebhookEvents.ConversationClosed], false))).ReadAsync<WebhookDto>();
        var newSecret = await (await admin.PostAsync($"/api/webhooks/{webhook.Id}/secret", null)).ReadAsync<WebhookDto>();
        await (await admin.PostAsync($"/api/webhooks/{webhook.Id}/test", null)).ReadAsync<WebhookDeliveryDto>();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/webhooks/{webhook.Id}")).StatusCode);

        var response = await admin.GetAsync("/api/audit");
        var json = await response.Content.ReadAsStringAsync();
        var entries = (await response.ReadAsync<PageDto<AuditEntryDto>>()).Items;
        Assert.Equal(
            [AuditActions.WebhookDeleted, AuditActions.WebhookTestSent, AuditActions.WebhookSecretRotated, AuditActions.WebhookUpdated,
             AuditActions.WebhookCreated, AuditActions.IdentitySecretRotated, AuditActions.WidgetSettingsUpdated],
            entries.Select(e => e.Action));
        var settingsChange = entries[^1].Details!.Value.GetProperty("changed").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("title", settingsChange);
        Assert.Contains("businessHours", settingsChange);
        var webhookChange = entries[3].Details!.Value;
        Assert.False(webhookChange.GetProperty("enabled").GetProperty("to").GetBoolean());
        Assert.Equal("conversation.closed", webhookChange.GetProperty("events").GetProperty("to")[0].GetString());
        Assert.Equal("https://crm.example.com/hooks", entries[0].TargetName);
        foreach (var secret in new[] { rotated.IdentitySecret, webhook.Secret!, newSecret.Secret! })
        {
            Assert.DoesNotContain(secret, json);
        }
    }

    [Fact]
    public async Task Entries_AreFilteredByAction_Actor_AndTime_AndPaged()
    {
        var other = await api.CreateUserAsync(UserRole.Admin, "Other Admin");
        using var admin = api.Client(api.Admin.Token);
        using var otherAdmin = api.Client(other.Token);
        for (var i = 0; i < 3; i++)
        {
            await (await admin.PostAsJsonAsync("/api/users",
                new CreateUserRequest($"op{i}@example.com", $"Op {i}", "Passw0rd-123", UserRole.Operator), TestJson.Options)).ReadAsync<UserDto>();
        }
        var last = await (await otherAdmin.PostAsJsonAsync("/api/users",
            new CreateUserRequest("op9@example.com", "Op 9", "Passw0rd-123", UserRole.Operator), TestJson.Options)).ReadAsync<UserDto>();
        await (await otherAdmin.PostAsync($"/api/users/{last.Id}/deactivate", null)).ReadAsync<UserDto>();

        Assert.Equal(5, (await ListAsync("")).TotalCount);
        Assert.Equal(4, (await ListAsync($"?action={AuditActions.UserCreated}")).TotalCount);
        Assert.Equal(5, (await ListAsync("?action=user.")).TotalCount);
        Assert.Equal(0, (await ListAsync("?action=webhook.")).TotalCount);
        var byOther = await ListAsync($"?actorId={other.Id}");
        Assert.Equal(2, byOther.TotalCount);
        Assert.All(byOther.Items, e => Assert.Equal("Other Admin", e.ActorName));
        Assert.Equal(2, (await ListAsync($"?targetId={last.Id}")).TotalCount);
        Assert.Equal(0, (await ListAsync($"?from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}")).TotalCount);
        Assert.Equal(5, (await ListAsync($"?to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}")).TotalCount);

        var page2 = await ListAsync("?page=2&pageSize=2");
        Assert.Equal((2, 2, 5), (page2.Page, page2.Items.Count, page2.TotalCount));
        Assert.Equal(AuditActions.UserCreated, page2.Items[0].Action);
    }

    [Fact]
    public async Task RefusedActions_LeaveNoEntry()
    {
        using var admin = api.Client(api.Admin.Token);
        await (await admin.PostAsJsonAsync("/api/users",
            new CreateUserRequest("bad", "Bad", "short", UserRole.Operator), TestJson.Options)).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PostAsync($"/api/users/{api.Admin.Id}/deactivate", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PutAsJsonAsync($"/api/users/{api.Admin.Id}/role", new ChangeRoleRequest(UserRole.Admin), TestJson.Options)).ReadAsync<UserDto>();
        Assert.Equal(0, (await ListAsync("")).TotalCount);
    }

    [Fact]
    public async Task AuditLog_IsForAdminsOnly()
    {
        var operatorUser = await api.CreateUserAsync();
        using var client = api.Client(operatorUser.Token);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/audit")).StatusCode);
        using var admin = api.Client(api.Admin.Token);
        await (await admin.GetAsync("/api/audit?pageSize=1000")).AssertProblemAsync(HttpStatusCode.BadRequest);
        var actions = await (await admin.GetAsync("/api/audit/actions")).ReadAsync<List<string>>();
        Assert.Contains(AuditActions.WebhookCreated, actions);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesReportsWebhooksAndAudit_WithNamesAndSummaries()
    {
        using var client = api.Client();
        using var doc = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var paths = doc.RootElement.GetProperty("paths");
        foreach (var (path, method, name) in new[]
        {
            ("/api/reports/summary", "get", "GetReportSummary"),
            ("/api/reports/operators", "get", "GetOperatorsReport"),
            ("/api/reports/conversations.csv", "get", "ExportConversationsCsv"),
            ("/api/webhooks", "get", "ListWebhooks"),
            ("/api/webhooks", "post", "CreateWebhook"),
            ("/api/webhooks/{id}", "put", "UpdateWebhook"),
            ("/api/webhooks/{id}", "delete", "DeleteWebhook"),
            ("/api/webhooks/{id}/secret", "post", "RotateWebhookSecret"),
            ("/api/webhooks/{id}/deliveries", "get", "ListWebhookDeliveries"),
            ("/api/webhooks/{id}/test", "post", "SendWebhookTest"),
            ("/api/webhooks/{id}/deliveries/{deliveryId}/redeliver", "post", "RedeliverWebhook"),
            ("/api/audit", "get", "ListAuditEntries"),
        })
        {
            Assert.True(paths.TryGetProperty(path, out var item), path);
            var operation = item.GetProperty(method);
            Assert.Equal(name, operation.GetProperty("operationId").GetString());
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), path);
        }
    }

    private async Task<PageDto<AuditEntryDto>> ListAsync(string query)
    {
        using var admin = api.Client(api.Admin.Token);
        return await (await admin.GetAsync("/api/audit" + query)).ReadAsync<PageDto<AuditEntryDto>>();
    }
}
