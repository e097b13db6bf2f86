using System.Net;
using System.Net.Http.Json;
using ChatApp.Api.Auth;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Npgsql;

namespace ChatApp.Tests.Integration;

/// <summary>
/// Production reads its secrets from files (compose <c>secrets:</c> in <c>/run/secrets</c>), and the JWT key is a ring:
/// a new key signs while the old ones still verify, so rotating it logs nobody out.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SecretFilesTests(ApiFixture api) : IAsyncLifetime, IDisposable
{
    private const string OldKey = "old-key-0123456789-0123456789-0123456789";
    private const string NewKey = "new-key-9876543210-9876543210-9876543210";

    private readonly string _secrets = Directory.CreateTempSubdirectory("chatapp-secrets-").FullName;

    public Task InitializeAsync() => api.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;
    public void Dispose() => Directory.Delete(_secrets, recursive: true);

    [Fact]
    public async Task Api_ReadsTheDatabasePasswordAndTheKeyRing_FromSecretFiles()
    {
        var withoutPassword = new NpgsqlConnectionStringBuilder(api.ConnectionString) { Password = null }.ConnectionString;
        Assert.DoesNotContain("Password", withoutPassword, StringComparison.OrdinalIgnoreCase);
        File.WriteAllText(Path.Combine(_secrets, "Database__Password"), new NpgsqlConnectionStringBuilder(api.ConnectionString).Password + "\n");
        File.WriteAllText(Path.Combine(_secrets, "Jwt__SigningKeys"), $"# newest first\n2026-12 {NewKey}\n2026-06 {OldKey}\n");

        await using var factory = Factory(("ConnectionStrings:chatdb", withoutPassword));
        using var client = factory.CreateClient();
        Assert.Equal("Healthy", await client.GetStringAsync("/health"));

        var login = await client.PostAsJsonAsync("/api/auth/login", new LoginRequest(ApiFixture.AdminEmail, ApiFixture.AdminPassword));
        await login.EnsureSuccessWithProblemAsync();
        var token = (await login.ReadAsync<LoginResult>()).AccessToken;
        Assert.Equal("2026-12", new JsonWebToken(token).Kid);
    }

    [Fact]
    public async Task RotatingTheSigningKey_KeepsOldTokensValid_UntilTheOldKeyLeavesTheRing()
    {
        File.WriteAllText(Path.Combine(_secrets, "Jwt__SigningKeys"), $"2026-06 {OldKey}\n");
        string visitorToken;
        await using (var before = Factory())
        {
            visitorToken = await StartWidgetAsync(before);
        }
        Assert.Equal("2026-06", new JsonWebToken(visitorToken).Kid);

        // A new key at the top of the ring: it signs, the old one still verifies.
        File.WriteAllText(Path.Combine(_secrets, "Jwt__SigningKeys"), $"2026-12 {NewKey}\n2026-06 {OldKey}\n");
        await using (var rotated = Factory())
        {
            Assert.Equal(HttpStatusCode.OK, await HistoryStatusAsync(rotated, visitorToken));
            Assert.Equal("2026-12", new JsonWebToken(await StartWidgetAsync(rotated)).Kid);
        }

        // Once the old key is removed, its tokens stop working.
        File.WriteAllText(Path.Combine(_secrets, "Jwt__SigningKeys"), $"2026-12 {NewKey}\n");
        await using var retired = Factory();
        Assert.Equal(HttpStatusCode.Unauthorized, await HistoryStatusAsync(retired, visitorToken));
    }

    [Fact]
    public async Task TokensFromBeforeTheKeyRing_WithoutAKeyId_StillVerify()
    {
        var options = new Microsoft.Extensions.Options.OptionsWrapper<JwtOptions>(new JwtOptions { SigningKey = OldKey });
        var ring = new SigningKeyProvider(options, new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = "Production" },
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SigningKeyProvider>.Instance);
        var legacy = new JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = "chatapp",
            Audience = "chatapp",
            Claims = new Dictionary<string, object> { ["sub"] = Guid.NewGuid().ToString(), ["role"] = Roles.Visitor },
            SigningCredentials = new(new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(ring.Key.Key), "HS256"),
        });
        Assert.Null(new JsonWebToken(legacy).Kid is { Length: > 0 } kid ? kid : null);

        File.WriteAllText(Path.Combine(_secrets, "Jwt__SigningKeys"), $"2026-12 {NewKey}\n");
        await using var factory = Factory(("Jwt:SigningKey", OldKey));
        Assert.Equal(HttpStatusCode.NotFound, await HistoryStatusAsync(factory, legacy)); // Signed in; no such visitor.
    }

    [Fact]
    public void KeyRing_RejectsShortKeysAndDuplicateIds_WithTheReason()
    {
        var environment = new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = "Production" };
        SigningKeyProvider Ring(string keys) => new(new Microsoft.Extensions.Options.OptionsWrapper<JwtOptions>(new JwtOptions { SigningKeys = keys }),
            environment, Microsoft.Extensions.Logging.Abstractions.NullLogger<SigningKeyProvider>.Instance);

        Assert.Contains("at least 32", Assert.Throws<InvalidOperationException>(() => Ring("k1 too-short")).Message);
        Assert.Contains("'k1'", Assert.Throws<InvalidOperationException>(() => Ring($"k1 {NewKey}\nk1 {OldKey}")).Message);
        Assert.Contains("Jwt__SigningKeys", Assert.Throws<InvalidOperationException>(() => Ring("# only a comment")).Message);
        Assert.Equal(2, Ring($"{NewKey}\n{OldKey}").VerificationKeys.Select(k => k.KeyId).Distinct().Count());
    }

    private ChatApiFactory Factory(params (string Key, string Value)[] settings) => api.CreateFactory(settings:
        new Dictionary<string, string?>(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
        {
            ["SecretsDirectory"] = _secrets,
            ["Jwt:SigningKey"] = settings.FirstOrDefault(s => s.Key == "Jwt:SigningKey").Value ?? "",
        });

    private async Task<string> StartWidgetAsync(ChatApiFactory factory)
    {
        using var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/widget/conversations",
            new StartConversationRequest("Vera", null, "https://shop.example/"), TestJson.Options);
        return (await response.ReadAsync<WidgetSessionDto>()).VisitorToken;
    }

    private static async Task<HttpStatusCode> HistoryStatusAsync(ChatApiFactory factory, string visitorToken)
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", visitorToken);
        return (await client.GetAsync("/api/widget/conversations/current")).StatusCode;
    }
}
