using System.Net;
using System.Net.Sockets;

namespace ChatApp.Tests.AppHost;

/// <summary>
/// The AppHost run as a developer runs it (its own process): a failure ends it with a one-line reason, a non-zero exit
/// code, and nothing left running.
/// </summary>
[Collection(AppHostCollection.Name)]
public class AppHostFailureTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task MissingPostgresBinaries_ExitsNonZeroWithOneLineSayingHowToInstall()
    {
        var result = await AppHostProcess.RunAsync(Timeout, "--Postgres:BinDirectory=/nonexistent/postgresql/bin");

        var reason = AssertOneLineFailure(result, "postgres failed to start");
        Assert.Contains("/nonexistent/postgresql/bin", reason);
        Assert.Contains("apt-get install postgresql", reason);
        Assert.Contains("stopping what depends on it: chatdb, migrations, api, frontend", reason);
    }

    [Fact]
    public async Task ApiPortInUse_ExitsNonZeroWithOneLineNamingThePort()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var result = await AppHostProcess.RunAsync(Timeout, $"--Ports:api={port}");

        var reason = AssertOneLineFailure(result, "api cannot start");
        Assert.Contains($"port {port} on 127.0.0.1 is already in use", reason);
    }

    [Fact]
    public async Task FailingMigration_ExitsNonZero_AndTheApiAndFrontEndNeverStart()
    {
        // The worker gets a database that does not answer, so migrating fails and it exits 1.
        var result = await AppHostProcess.RunAsync(Timeout,
            "--Resources:migrations:Environment:ConnectionStrings__chatdb=Host=127.0.0.1;Port=1;Username=nobody;Password=x;Database=none;Timeout=3");

        var reason = AssertOneLineFailure(result, "migrations exited with code 1");
        Assert.Contains("stopping what depends on it: api, frontend", reason);
        Assert.DoesNotContain("api        Running", result.Output);
        Assert.DoesNotContain("frontend   Running", result.Output);
    }

    /// <summary>Exit code 1, a single "✗" line that starts with <paramref name="start"/>, and no process left.</summary>
    private static string AssertOneLineFailure(AppHostProcess.Result result, string start)
    {
        Assert.True(result.ExitCode == 1, $"Exit code {result.ExitCode}. Output:\n{result.Output}");
        var failures = result.Output.Split('\n').Where(l => l.StartsWith("✗ ", StringComparison.Ordinal)).ToList();
        Assert.True(failures.Count == 1, $"Expected one failure line. Output:\n{result.Output}");
        Assert.StartsWith("✗ " + start, failures[0]);
        Assert.Contains("AppHost stopped: " + start, result.Output);
        Assert.True(result.LeftRunning.Count == 0, $"Left running:\n{string.Join("\n", result.LeftRunning)}");
        return failures[0];
    }
}
