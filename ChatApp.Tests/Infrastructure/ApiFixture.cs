using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ChatApp.Api.Auth;
using ChatApp.Api.Data;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using ChatApp.MigrationService;
using ChatApp.Tests.Hub;
using Microsoft.AspNetCore.SignalR.Client;
using ChatApp.Api.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Respawn;

namespace ChatApp.Tests.Infrastructure;

[CollectionDefinition(Name)]
public class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}

public record TestUser(Guid Id, string Email, string Password, UserRole Role, string Token);

/// <summary>
/// The API on Kestrel over a migrated test database, shared by the tests of the <see cref="ApiCollection"/>;
/// each test resets the data first with <see cref="ResetAsync"/>.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string AdminEmail = "admin@chatapp.test";
    public const string AdminPassword = "Admin-Passw0rd!";

    private Respawner _respawner = null!;

    public string ConnectionString { get; private set; } = "";
    public ChatApiFactory Factory { get; private set; } = null!;
    public TestUser Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var postgres = await TestPostgres.GetAsync();
        ConnectionString = await postgres.EnsureDatabaseAsync("chatdb_api_tests");
        await using (var db = CreateDbContext())
        {
            await MigrationWorker.MigrateAsync(db, CancellationToken.None);
        }
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            _respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
            {
                DbAdapter = DbAdapter.Postgres,
                SchemasToInclude = ["public"],
                TablesToIgnore = ["__EFMigrationsHistory"],
            });
        }
        Factory = CreateFactory();
        Factory.StartServer();
        await ResetAsync();
    }

    public ChatApiFactory CreateFactory(int port = 0, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(ConnectionString, port, settings);

    /// <summary>A proxy in front of the test database that a test can cut (the database goes away) and restore.</summary>
    public DroppingProxy CreateDatabaseProxy()
    {
        var target = new NpgsqlConnectionStringBuilder(ConnectionString);
        return new DroppingProxy(new Uri($"tcp://{target.Host}:{target.Port}"));
    }

    /// <summary>An API (not started) whose every database connection goes through <paramref name="database"/>.</summary>
    public ChatApiFactory CreateFactoryThrough(DroppingProxy database) =>
        new(new NpgsqlConnectionStringBuilder(ConnectionString) { Host = "127.0.0.1", Port = database.BaseAddress.Port }.ConnectionString);

    public ChatDbContext CreateDbContext() => new(
        new DbContextOptionsBuilder<ChatDbContext>().UseNpgsql(ConnectionString).UseChatConventions().Options);

    /// <summary>Empties every table and seeds the admin again, as the migration worker would.</summary>
    public async Task ResetAsync()
    {
        // The test before may leave the server finishing work (a hub connection closing removes its presence row and
        // may assign waiting conversations); PostgreSQL can break such a collision with the reset as a deadlock: retry.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString);
                await connection.OpenAsync();
                await _respawner.ResetAsync(connection);
                break;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 5)
            {
            }
        }
        // The API keeps the widget settings for a few seconds: forget the ones of the test before.
        Factory.Services.GetRequiredService<IMemoryCache>().Remove(WidgetSettingsService.CacheKey);
        Factory.OperatorAvailability.Forced = true;
        await using (var db = CreateDbContext())
        {
            await MigrationWorker.SeedAdminAsync(db,
                new AdminSeedOptions { Email = AdminEmail, Password = AdminPassword, DisplayName = "Ada Admin" },
                NullLogger.Instance, CancellationToken.None);
            var admin = await db.Users.SingleAsync(u => u.Email == AdminEmail);
            Admin = new TestUser(admin.Id, AdminEmail, AdminPassword, UserRole.Admin, TokenFor(admin));
        }
    }

    /// <summary>Adds a user straight to the database (a cheap hash) and mints its token.</summary>
    public async Task<TestUser> CreateUserAsync(UserRole role = UserRole.Operator, string? name = null)
    {
        var password = "Passw0rd-" + Guid.NewGuid().ToString("N")[..8];
        var user = new User
        {
            Email = $"{(name ?? role.ToString()).ToLowerInvariant().Replace(' ', '.')}.{Guid.NewGuid().ToString("N")[..8]}@chatapp.test",
            DisplayName = name ?? $"{role} {Guid.NewGuid().ToString()[..4]}",
            PasswordHash = BCrypt.Net.BCrypt.HashPassword(password, workFactor: 4),
            Role = role,
        };
        await using var db = CreateDbContext();
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return new TestUser(user.Id, user.Email, password, role, TokenFor(user));
    }

    public string TokenFor(User user) => Factory.Services.GetRequiredService<TokenService>().ForUser(user).Token;

    public HttpClient Client(string? token = null, ChatApiFactory? factory = null)
    {
        var client = (factory ?? Factory).CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    public async Task<WidgetSessionDto> StartWidgetAsync(string? name = "Vera Visitor", string? email = null)
    {
        using var client = Client();
        var response = await client.PostAsJsonAsync("/api/widget/conversations",
            new StartConversationRequest(name, email, "https://shop.example/cart"), TestJson.Options);
        await response.EnsureSuccessWithProblemAsync();
        return (await response.Content.ReadFromJsonAsync<WidgetSessionDto>(TestJson.Options))!;
    }

    public HubConnection CreateHubConnection(string token, ChatApiFactory? factory = null, bool messagePack = false)
    {
        var url = new Uri((factory ?? Factory).BaseAddress, "/hubs/chat");
        var builder = new HubConnectionBuilder()
            .WithUrl(url, options =>
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                options.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
            })
            .WithStatefulReconnect();
        return (messagePack ? builder.AddMessagePackProtocol() : builder.AddJsonProtocol(options => options.PayloadSerializerOptions = TestJson.Options))
            .Build();
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
    }
}

public static class HttpResponseExtensions
{
    /// <summary>Like EnsureSuccessStatusCode, but the failure shows the ProblemDetails body.</summary>
    public static async Task EnsureSuccessWithProblemAsync(this HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync();
            throw new HttpRequestException($"{(int)response.StatusCode} {response.StatusCode}: {body}");
        }
    }

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response)
    {
        await response.EnsureSuccessWithProblemAsync();
        return (await response.Content.ReadFromJsonAsync<T>(TestJson.Options))!;
    }

    /// <summary>Asserts the status and that the body is a ProblemDetails with a readable detail; returns the detail.</summary>
    public static async Task<string> AssertProblemAsync(this HttpResponseMessage response, System.Net.HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} but got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal((int)status, json.RootElement.GetProperty("status").GetInt32());
        var text = json.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() : json.RootElement.GetProperty("title").GetString();
        Assert.False(string.IsNullOrWhiteSpace(text));
        return text!;
    }
}
