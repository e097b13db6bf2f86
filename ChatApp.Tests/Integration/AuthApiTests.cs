using System.Net;
using System.Net.Http.Json;
using ChatApp.Api.Auth;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatApp.Tests.Integration;

[Collection(ApiCollection.Name)]
public class AuthApiTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Login_WithRightPassword_ReturnsTokenThatOpensMe()
    {
        using var client = api.Client();
        var result = await (await client.PostAsJsonAsync("/api/auth/login",
            new LoginRequest("  ADMIN@chatapp.test ", ApiFixture.AdminPassword))).ReadAsync<LoginResult>();

        Assert.Equal(ApiFixture.AdminEmail, result.User.Email);
        Assert.Equal(UserRole.Admin, result.User.Role);
        Assert.True(result.ExpiresAt > DateTimeOffset.UtcNow.AddHours(1));

        using var authed = api.Client(result.AccessToken);
        var me = await (await authed.GetAsync("/api/auth/me")).ReadAsync<UserDto>();
        Assert.Equal(api.Admin.Id, me.Id);
    }

    [Fact]
    public async Task Login_WithWrongPassword_Returns401Problem()
    {
        using var client = api.Client();
        var response = await client.PostAsJsonAsync("/api/auth/login", new LoginRequest(ApiFixture.AdminEmail, "wrong-password"));
        var detail = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("e-mail or password is wrong", detail);
    }

    [Fact]
    public async Task Login_WithUnknownEmail_GivesTheSameAnswerAsAWrongPassword()
    {
        using var client = api.Client();
        var response = await client.PostAsJsonAsync("/api/auth/login", new LoginRequest("nobody@chatapp.test", "whatever-123"));
        var detail = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("e-mail or password is wrong", detail);
    }

    [Fact]
    public async Task Login_WithMalformedJson_Returns400Problem()
    {
        using var client = api.Client();
        var response = await client.PostAsync("/api/auth/login",
            new StringContent("{\"email\": \"admin@chatapp.test\", ", System.Text.Encoding.UTF8, "application/json"));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Me_WithoutToken_Returns401Problem()
    {
        using var client = api.Client();
        var response = await client.GetAsync("/api/auth/me");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Me_WithTamperedToken_Returns401()
    {
        var parts = api.Admin.Token.Split('.');
        // Flip one character of the signature.
        var signature = parts[2].ToCharArray();
        signature[5] = signature[5] == 'A' ? 'B' : 'A';
        using var client = api.Client($"{parts[0]}.{parts[1]}.{new string(signature)}");
        var response = await client.GetAsync("/api/auth/me");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Me_WithTokenSignedByAnotherKey_Returns401()
    {
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "chatapp",
            Audience = "chatapp",
            Claims = new Dictionary<string, object>
            {
                [ClaimNames.Subject] = api.Admin.Id.ToString(),
                [ClaimNames.Role] = Roles.Admin,
            },
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(new byte[64]), SecurityAlgorithms.HmacSha256),
        });
        using var client = api.Client(forged);
        var response = await client.GetAsync("/api/auth/me");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Me_WithExpiredToken_Returns401SayingItExpired()
    {
        var options = api.Factory.Services.GetRequiredService<IOptions<JwtOptions>>().Value;
        var key = api.Factory.Services.GetRequiredService<SigningKeyProvider>().Key;
        var expired = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Claims = new Dictionary<string, object>
            {
                [ClaimNames.Subject] = api.Admin.Id.ToString(),
                [ClaimNames.Role] = Roles.Admin,
            },
            IssuedAt = DateTime.UtcNow.AddHours(-2),
            NotBefore = DateTime.UtcNow.AddHours(-2),
            Expires = DateTime.UtcNow.AddMinutes(-5),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
        using var client = api.Client(expired);
        var response = await client.GetAsync("/api/auth/me");
        var detail = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("expired", detail);
    }

    [Fact]
    public async Task StaffEndpoint_WithVisitorToken_Returns403()
    {
        var session = await api.StartWidgetAsync();
        using var client = api.Client(session.VisitorToken);
        var response = await client.GetAsync("/api/conversations");
        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
