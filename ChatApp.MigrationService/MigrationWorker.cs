using System.Diagnostics;
using System.Security.Cryptography;
using ChatApp.Api.Data;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Options;

namespace ChatApp.MigrationService;

/// <summary>Applies the EF Core migrations, seeds the first admin, then stops the host (exit code 0, or 1 on failure).</summary>
public class MigrationWorker(
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    IOptions<AdminSeedOptions> adminOptions,
    ILogger<MigrationWorker> logger) : BackgroundService
{
    public const string ActivitySourceName = "ChatApp.MigrationService";
    private static readonly ActivitySource Source = new(ActivitySourceName);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var activity = Source.StartActivity("Migrating database", ActivityKind.Client);
        try
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
            await MigrateAsync(db, stoppingToken);
            await SeedAdminAsync(db, adminOptions.Value, logger, stoppingToken);
            logger.LogInformation("Database is up to date");
        }
        catch (Exception ex)
        {
            activity?.AddException(ex);
            logger.LogError(ex, "Migration failed: {Reason}", ex.Message);
            Environment.ExitCode = 1;
        }
        lifetime.StopApplication();
    }

    public static async Task MigrateAsync(ChatDbContext db, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(ct, async token =>
        {
            // EF Core reads the history table before it creates it: on a new database that query fails, and the
            // failure shows in the logs and traces as an error although nothing is wrong.
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(token);
            await db.Database.MigrateAsync(token);
        });
    }

    /// <summary>Creates the admin once; when it (or any user with that e-mail) exists, nothing changes.</summary>
    public static async Task<bool> SeedAdminAsync(ChatDbContext db, AdminSeedOptions options, ILogger logger, CancellationToken ct)
    {
        // The same rules as an admin creating a user through the API: a bad setting stops the worker with a clear message.
        var email = UserService.NormalizeEmail(TextRules.Check(options.Email, "Admin:Email", "admin e-mail address", UserService.MaxEmailLength));
        var displayName = TextRules.OptionalName(options.DisplayName, "Admin:DisplayName", "admin display name", UserService.MaxDisplayNameLength) ?? "Admin";
        if (await db.Users.AnyAsync(u => u.Email == email, ct))
        {
            return false;
        }
        var password = options.Password;
        var generated = string.IsNullOrEmpty(password);
        if (generated)
        {
            password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y');
        }
        db.Users.Add(new User
        {
            Email = email,
            DisplayName = displayName,
            PasswordHash = UserService.HashPassword(password!),
            Role = UserRole.Admin,
        });
        await db.SaveChangesAsync(ct);
        if (generated)
        {
            // Logged once, on creation only: it is not stored anywhere in clear.
            logger.LogWarning("Created the first admin {Email} with the generated password {Password}. Sign in and keep it safe.", email, password);
        }
        else
        {
            logger.LogInformation("Created the first admin {Email}", email);
        }
        return true;
    }
}
