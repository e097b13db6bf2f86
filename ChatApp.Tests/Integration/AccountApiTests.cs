using System.Net;
using System.Net.Http.Json;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Tests.Hub;
using ChatApp.Tests.Infrastructure;

namespace ChatApp.Tests.Integration;

/// <summary>Passwords (own change, admin reset), reactivation and personal preferences; old sessions end.</summary>
[Collection(ApiCollection.Name)]
public class AccountApiTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<HttpResponseMessage> LoginAsync(string email, string password)
    {
        using var client = api.Client();
        return await client.PostAsJsonAsync("/api/auth/login", new LoginRequest(email, password));
    }

    [Fact]
    public async Task ChangeOwnPassword_NeedsTheCurrentOne_EndsOtherSessions_AndKeepsThisOneWithANewToken()
    {
        var op = await api.CreateUserAsync();
        using var oldSession = api.Client(op.Token);
        await using var hub = await HubTestClient.ConnectAsync(api, op.Token);

        var wrong = await oldSession.PutAsJsonAsync("/api/auth/me/password", new ChangePasswordRequest("not-it", "new-password-1"));
        Assert.Contains("currentPassword", await wrong.Content.ReadAsStringAsync());
        await wrong.AssertProblemAsync(HttpStatusCode.BadRequest);
        var tooShort = await oldSession.PutAsJsonAsync("/api/auth/me/password", new ChangePasswordRequest(op.Password, "short"));
        Assert.Contains("newPassword", await tooShort.Content.ReadAsStringAsync());
        await tooShort.AssertProblemAsync(HttpStatusCode.BadRequest);

        var result = await (await oldSession.PutAsJsonAsync("/api/auth/me/password", new ChangePasswordRequest(op.Password, "new-password-1")))
            .ReadAsync<LoginResult>();

        Assert.Equal(op.Id, result.User.Id);
        var detail = await (await oldSession.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("password was changed", detail);
        Assert.Equal("closed", await hub.States.NextAsync());
        using var newSession = api.Client(result.AccessToken);
        Assert.Equal(op.Id, (await (await newSession.GetAsync("/api/auth/me")).ReadAsync<UserDto>()).Id);
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(op.Email, op.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(op.Email, "new-password-1")).StatusCode);
    }

    [Fact]
    public async Task AdminResetsAPassword_TheUsersSessionsEnd_AndOnlyAdminsMayDoIt()
    {
        var op = await api.CreateUserAsync();
        var other = await api.CreateUserAsync();
        using var asOp = api.Client(op.Token);
        await (await asOp.PutAsJsonAsync($"/api/users/{other.Id}/password", new ResetPasswordRequest("hijacked-123"))).AssertProblemAsync(HttpStatusCode.Forbidden);

        using var admin = api.Client(api.Admin.Token);
        await (await admin.PutAsJsonAsync($"/api/users/{op.Id}/password", new ResetPasswordRequest("short"))).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PutAsJsonAsync($"/api/users/{Guid.NewGuid()}/password", new ResetPasswordRequest("long-enough-1"))).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PutAsJsonAsync($"/api/users/{op.Id}/password", new ResetPasswordRequest("reset-by-admin-1"))).ReadAsync<UserDto>();

        await (await asOp.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(op.Email, "reset-by-admin-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(op.Email, op.Password)).StatusCode);
        using var asOther = api.Client(other.Token);
        Assert.Equal(HttpStatusCode.OK, (await asOther.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task Reactivate_LetsTheUserSignInAgain_ButOldTokensStayDead()
    {
        var op = await api.CreateUserAsync();
        using var admin = api.Client(api.Admin.Token);
        await (await admin.PostAsync($"/api/users/{op.Id}/deactivate", null)).ReadAsync<UserDto>();
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(op.Email, op.Password)).StatusCode);

        using var asOp = api.Client(op.Token);
        await (await asOp.PostAsync($"/api/users/{op.Id}/reactivate", null)).AssertProblemAsync(HttpStatusCode.Unauthorized);

        var reactivated = await (await admin.PostAsync($"/api/users/{op.Id}/reactivate", null)).ReadAsync<UserDto>();
        Assert.True(reactivated.IsActive);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(op.Email, op.Password)).StatusCode);
        await (await asOp.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);

        var other = await api.CreateUserAsync();
        using var asOther = api.Client(other.Token);
        await (await asOther.PostAsync($"/api/users/{op.Id}/reactivate", null)).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Preferences_AreTheUsersOwn()
    {
        var op = await api.CreateUserAsync();
        using var asOp = api.Client(op.Token);
        Assert.True((await (await asOp.GetAsync("/api/auth/me")).ReadAsync<UserDto>()).NotificationsEnabled);
        var off = await (await asOp.PutAsJsonAsync("/api/auth/me/preferences", new PreferencesRequest(false))).ReadAsync<UserDto>();
        Assert.False(off.NotificationsEnabled);
        Assert.False((await (await asOp.GetAsync("/api/auth/me")).ReadAsync<UserDto>()).NotificationsEnabled);
        using var admin = api.Client(api.Admin.Token);
        Assert.True((await (await admin.GetAsync("/api/auth/me")).ReadAsync<UserDto>()).NotificationsEnabled);

        var session = await api.StartWidgetAsync();
        using var visitor = api.Client(session.VisitorToken);
        await (await visitor.PutAsJsonAsync("/api/auth/me/preferences", new PreferencesRequest(false))).AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
