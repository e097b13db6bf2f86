using System.Net;
using System.Net.Http.Json;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Tests.Integration;

[Collection(ApiCollection.Name)]
public class UsersApiTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Admin_CreatesOperator_WhoCanThenSignIn()
    {
        using var admin = api.Client(api.Admin.Token);
        var response = await admin.PostAsJsonAsync("/api/users",
            new CreateUserRequest("Nina@Example.com", "Nina", "nina-secret-1", UserRole.Operator), TestJson.Options);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.ReadAsync<UserDto>();
        Assert.Equal("nina@example.com", created.Email);
        Assert.Equal(UserRole.Operator, created.Role);

        var list = await (await admin.GetAsync("/api/users")).ReadAsync<List<UserDto>>();
        Assert.Contains(list, u => u.Id == created.Id);

        using var anonymous = api.Client();
        var login = await (await anonymous.PostAsJsonAsync("/api/auth/login", new LoginRequest("NINA@example.com", "nina-secret-1")))
            .ReadAsync<LoginResult>();
        Assert.Equal(created.Id, login.User.Id);
    }

    [Fact]
    public async Task Create_WithDuplicateEmailInOtherCase_Returns409()
    {
        using var admin = api.Client(api.Admin.Token);
        var response = await admin.PostAsJsonAsync("/api/users",
            new CreateUserRequest(ApiFixture.AdminEmail.ToUpperInvariant(), "Copy", "password-123", UserRole.Operator), TestJson.Options);
        await response.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("not-an-email", "Name", "password-123", "Operator", "email")]
    [InlineData("ok@example.com", "", "password-123", "Operator", "displayName")]
    [InlineData("ok@example.com", "Name", "short", "Operator", "password")]
    [InlineData("ok@example.com", "Name", "password-123", null, "role")]
    public async Task Create_WithInvalidInput_Returns400NamingTheField(string email, string name, string password, string? role, string field)
    {
        using var admin = api.Client(api.Admin.Token);
        var response = await admin.PostAsJsonAsync("/api/users", new { email, displayName = name, password, role });
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync());
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        await using var db = api.CreateDbContext();
        Assert.Equal(1, await db.Users.CountAsync());
    }

    [Fact]
    public async Task Operator_CallingAdminEndpoints_Gets403AndChangesNothing()
    {
        var op = await api.CreateUserAsync();
        using var client = api.Client(op.Token);
        await (await client.GetAsync("/api/users")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await client.PostAsJsonAsync("/api/users",
            new CreateUserRequest("x@example.com", "X", "password-123", UserRole.Admin), TestJson.Options))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await client.PutAsJsonAsync($"/api/users/{op.Id}/role", new ChangeRoleRequest(UserRole.Admin), TestJson.Options))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
        await using var db = api.CreateDbContext();
        Assert.Equal(UserRole.Operator, (await db.Users.SingleAsync(u => u.Id == op.Id)).Role);
        Assert.Equal(2, await db.Users.CountAsync());
    }

    [Fact]
    public async Task ChangeRole_MakesOperatorAdmin_AndAdminCannotDemoteSelf()
    {
        var op = await api.CreateUserAsync();
        using var admin = api.Client(api.Admin.Token);
        var promoted = await (await admin.PutAsJsonAsync($"/api/users/{op.Id}/role", new ChangeRoleRequest(UserRole.Admin), TestJson.Options))
            .ReadAsync<UserDto>();
        Assert.Equal(UserRole.Admin, promoted.Role);
        await (await admin.PutAsJsonAsync($"/api/users/{api.Admin.Id}/role", new ChangeRoleRequest(UserRole.Operator), TestJson.Options))
            .AssertProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PutAsJsonAsync($"/api/users/{Guid.NewGuid()}/role", new ChangeRoleRequest(UserRole.Admin), TestJson.Options))
            .AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deactivate_BlocksLoginAndTheOldTokenAtOnce()
    {
        var op = await api.CreateUserAsync();
        using var asOp = api.Client(op.Token);
        (await asOp.GetAsync("/api/auth/me")).EnsureSuccessStatusCode();

        using var admin = api.Client(api.Admin.Token);
        var deactivated = await (await admin.PostAsync($"/api/users/{op.Id}/deactivate", null)).ReadAsync<UserDto>();
        Assert.False(deactivated.IsActive);

        var detail = await (await asOp.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("deactivated", detail);
        using var anonymous = api.Client();
        var login = await anonymous.PostAsJsonAsync("/api/auth/login", new LoginRequest(op.Email, op.Password));
        Assert.Contains("deactivated", await login.AssertProblemAsync(HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task ChangeRole_EndsTheUsersOldToken_SoItsOldRightsGoWithIt()
    {
        var promoted = await api.CreateUserAsync(UserRole.Admin);
        using var asPromoted = api.Client(promoted.Token);
        (await asPromoted.GetAsync("/api/users")).EnsureSuccessStatusCode();

        using var admin = api.Client(api.Admin.Token);
        await (await admin.PutAsJsonAsync($"/api/users/{promoted.Id}/role", new ChangeRoleRequest(UserRole.Operator), TestJson.Options))
            .ReadAsync<UserDto>();

        var detail = await (await asPromoted.GetAsync("/api/users")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("role has changed", detail);
        using var anonymous = api.Client();
        var login = await (await anonymous.PostAsJsonAsync("/api/auth/login", new LoginRequest(promoted.Email, promoted.Password)))
            .ReadAsync<LoginResult>();
        using var asOperator = api.Client(login.AccessToken);
        await (await asOperator.GetAsync("/api/users")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Deactivate_Self_Returns409()
    {
        using var admin = api.Client(api.Admin.Token);
        await (await admin.PostAsync($"/api/users/{api.Admin.Id}/deactivate", null)).AssertProblemAsync(HttpStatusCode.Conflict);
    }
}
