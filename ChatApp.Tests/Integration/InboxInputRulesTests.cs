using System.Net;
using System.Net.Http.Json;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Tests.Hub;
using ChatApp.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Tests.Integration;

/// <summary>
/// The inbox's own inputs (issue 14) follow the same text rules as every other input (issue 11): a NUL or control
/// character gets a 400 (or a HubException) naming the field, never a 500, and nothing is stored.
/// </summary>
[Collection(ApiCollection.Name)]
public class InboxInputRulesTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("body")]
    [InlineData("clientMessageId")]
    public async Task PostNote_WithANulCharacter_Returns400AndStoresNothing(string field)
    {
        var op = await api.CreateUserAsync();
        var session = await api.StartWidgetAsync();
        using var client = api.Client(op.Token);
        var request = field == "body" ? new SendNoteRequest("note-1", "a\0note") : new SendNoteRequest("note\0", "a note");

        var response = await client.PostAsJsonAsync($"/api/conversations/{session.Conversation.Id}/notes", request, TestJson.Options);

        Assert.Contains("NUL character", await response.AssertProblemAsync(HttpStatusCode.BadRequest));
        Assert.Empty(await api.StoredMessagesAsync(session.Conversation.Id));
    }

    [Fact]
    public async Task SendNote_OverTheHubWithANulCharacter_IsRefusedWithAHubException()
    {
        var op = await api.CreateUserAsync();
        var session = await api.StartWidgetAsync();
        await using var otto = await HubTestClient.ConnectAsync(api, op.Token);

        await HubAssert.RefusedAsync(
            () => otto.Connection.InvokeAsync<MessageDto>("SendNote", session.Conversation.Id, "note-1", "a\0note"), "NUL character");

        Assert.Empty(await api.StoredMessagesAsync(session.Conversation.Id));
    }

    [Fact]
    public async Task Transfer_WithANulCharacterInTheNote_Returns400AndLeavesTheAssignment()
    {
        var otto = await api.CreateUserAsync();
        var bea = await api.CreateUserAsync();
        var session = await api.StartWidgetAsync();
        using var client = api.Client(otto.Token);
        (await client.PostAsJsonAsync($"/api/conversations/{session.Conversation.Id}/assign", new AssignRequest(null), TestJson.Options))
            .EnsureSuccessStatusCode();

        var response = await client.PostAsJsonAsync($"/api/conversations/{session.Conversation.Id}/assign",
            new AssignRequest(bea.Id, "over\0to you"), TestJson.Options);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        await using var db = api.CreateDbContext();
        Assert.Equal(otto.Id, (await db.Conversations.SingleAsync()).AssignedUserId);
    }

    [Theory]
    [InlineData("title", "Refund\0", "NUL character")]
    [InlineData("title", "Two\nlines", "control character (U+000A)")]
    [InlineData("body", "Within 30 days.\0", "NUL character")]
    public async Task CannedResponse_WithAForbiddenCharacter_Returns400AndStoresNothing(string field, string value, string expected)
    {
        var admin = await api.CreateUserAsync(UserRole.Admin);
        using var client = api.Client(admin.Token);
        var request = field == "title"
            ? new CannedResponseRequest("refund", value, "Within 30 days.")
            : new CannedResponseRequest("refund", "Refund", value);

        var response = await client.PostAsJsonAsync("/api/canned-responses", request, TestJson.Options);

        Assert.Contains(expected, await response.AssertProblemAsync(HttpStatusCode.BadRequest));
        Assert.Contains(field, await response.Content.ReadAsStringAsync());
        await using var db = api.CreateDbContext();
        Assert.Empty(await db.CannedResponses.ToListAsync());
    }

    [Fact]
    public async Task CannedResponse_BodyKeepsItsLineBreaks()
    {
        var admin = await api.CreateUserAsync(UserRole.Admin);
        using var client = api.Client(admin.Token);

        var created = await (await client.PostAsJsonAsync("/api/canned-responses",
            new CannedResponseRequest("/Hours", " Hours ", "Mon–Fri\r\n9:00–17:00"), TestJson.Options)).ReadAsync<CannedResponseDto>();

        Assert.Equal(("hours", "Hours", "Mon–Fri\r\n9:00–17:00"), (created.Shortcut, created.Title, created.Body));
    }

    [Theory]
    [InlineData("parcel\0")]
    [InlineData("\u0007")]
    public async Task Search_WithAControlCharacter_Returns400(string q)
    {
        var op = await api.CreateUserAsync();
        using var client = api.Client(op.Token);

        var response = await client.GetAsync($"/api/conversations?q={Uri.EscapeDataString(q)}");

        var detail = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("search", detail);
    }

    [Fact]
    public async Task Passwords_WithANulCharacter_AreRefusedOnCreateResetAndChange()
    {
        var admin = await api.CreateUserAsync(UserRole.Admin);
        var op = await api.CreateUserAsync();
        using var adminClient = api.Client(admin.Token);
        using var opClient = api.Client(op.Token);

        var created = await adminClient.PostAsJsonAsync("/api/users",
            new CreateUserRequest("nul@example.com", "Nul", "password\0x", UserRole.Operator), TestJson.Options);
        var reset = await adminClient.PutAsJsonAsync($"/api/users/{op.Id}/password", new ResetPasswordRequest("password\0x"), TestJson.Options);
        var changed = await opClient.PutAsJsonAsync("/api/auth/me/password",
            new ChangePasswordRequest(op.Password, "password\0x"), TestJson.Options);

        foreach (var response in new[] { created, reset, changed })
        {
            Assert.Contains("NUL character", await response.AssertProblemAsync(HttpStatusCode.BadRequest));
        }
        // Spaces are part of a password: kept, not trimmed.
        var spaced = await opClient.PutAsJsonAsync("/api/auth/me/password",
            new ChangePasswordRequest(op.Password, " new password "), TestJson.Options);
        Assert.Equal(HttpStatusCode.OK, spaced.StatusCode);
        using var anonymous = api.Client();
        var login = await anonymous.PostAsJsonAsync("/api/auth/login", new LoginRequest(op.Email, " new password "), TestJson.Options);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task Presence_WithAStatusGivenAsANumber_Returns400()
    {
        var op = await api.CreateUserAsync();
        using var client = api.Client(op.Token);

        var response = await client.PutAsync("/api/presence/me",
            new StringContent("{\"status\":7}", System.Text.Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}
