using System.Diagnostics;
using ChatApp.Api.Data;
using ChatApp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ChatApp.Tests.Integration;

/// <summary>Runs the real migration worker process against fresh databases.</summary>
public class MigrationServiceTests
{
    private static async Task<(int ExitCode, string Output)> RunWorkerAsync(string connectionString, string? adminPassword)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { RepoPaths.ProjectOutput("ChatApp.MigrationService", "ChatApp.MigrationService.dll") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ConnectionStrings__chatdb"] = connectionString,
                ["Admin__Email"] = "first.admin@chatapp.test",
                ["DOTNET_ENVIRONMENT"] = "Production",
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "",
            },
        };
        if (adminPassword is not null)
        {
            start.Environment["Admin__Password"] = adminPassword;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static ChatDbContext Db(string connectionString) => new(
        new DbContextOptionsBuilder<ChatDbContext>().UseNpgsql(connectionString).UseChatConventions().Options);

    [Fact]
    public async Task Worker_MigratesAndSeedsAdmin_AndASecondRunChangesNothing()
    {
        var postgres = await TestPostgres.GetAsync();
        var cs = await postgres.EnsureDatabaseAsync("chatdb_migration_twice");

        var first = await RunWorkerAsync(cs, "configured-password-1");
        Assert.True(first.ExitCode == 0, first.Output);
        await using var db = Db(cs);
        var admin = await db.Users.SingleAsync();
        Assert.Equal("first.admin@chatapp.test", admin.Email);
        Assert.True(BCrypt.Net.BCrypt.Verify("configured-password-1", admin.PasswordHash));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());

        var second = await RunWorkerAsync(cs, "another-password-2");
        Assert.True(second.ExitCode == 0, second.Output);
        await using var again = Db(cs);
        var unchanged = await again.Users.SingleAsync();
        Assert.Equal(admin.PasswordHash, unchanged.PasswordHash);
        Assert.Equal(admin.UpdatedAt, unchanged.UpdatedAt);
    }

    [Fact]
    public async Task Worker_WithoutConfiguredPassword_GeneratesOneAndLogsItOnce()
    {
        var postgres = await TestPostgres.GetAsync();
        var cs = await postgres.EnsureDatabaseAsync("chatdb_migration_generated");

        var first = await RunWorkerAsync(cs, adminPassword: null);
        Assert.True(first.ExitCode == 0, first.Output);
        var match = System.Text.RegularExpressions.Regex.Match(first.Output, "generated password (\\S+)");
        Assert.True(match.Success, first.Output);
        await using var db = Db(cs);
        Assert.True(BCrypt.Net.BCrypt.Verify(match.Groups[1].Value.TrimEnd('.'), (await db.Users.SingleAsync()).PasswordHash));

        var second = await RunWorkerAsync(cs, adminPassword: null);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.DoesNotContain("generated password", second.Output);
    }

    [Fact]
    public async Task Worker_WhenTheDatabaseIsUnreachable_ExitsNonZeroSayingWhy()
    {
        var (exitCode, output) = await RunWorkerAsync(
            new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = 1, Database = "x", Username = "x", Password = "x", Timeout = 2 }.ConnectionString,
            "whatever-123");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Migration failed", output);
    }
}
