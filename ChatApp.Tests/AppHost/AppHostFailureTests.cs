using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using AppResources = ChatApp.AppHost.Resources;

namespace ChatApp.Tests.AppHost;

/// <summary>A resource that cannot start stops what depends on it, and says why in its own words.</summary>
[Collection(AppHostCollection.Name)]
public class AppHostFailureTests
{
    [Fact]
    public async Task BrokenPostgresBinaries_PostgresExitsSayingHowToInstall_AndItsDependentsNeverStart()
    {
        await using var host = await TestAppHost.StartAsync(waitUntilUp: false, extraArgs: "--Postgres:BinDirectory=/nonexistent/postgresql/bin");
        using var timeout = new CancellationTokenSource(TestAppHost.StartTimeout);
        var notifications = host.App.ResourceNotifications;

        await notifications.WaitForResourceAsync(AppResources.Postgres, e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), timeout.Token);
        foreach (var dependent in new[] { AppResources.Migrations, AppResources.Api, AppResources.Frontend })
        {
            await notifications.WaitForResourceAsync(dependent, KnownResourceStates.FailedToStart, timeout.Token);
        }

        var postgres = await host.StateAsync(AppResources.Postgres);
        Assert.NotEqual(0, postgres.ExitCode);
        var logs = await host.LogsAsync(AppResources.Postgres);
        Assert.Contains("no PostgreSQL server binaries (initdb, postgres) in '/nonexistent/postgresql/bin'", logs);
        Assert.Contains("apt-get install postgresql", logs);
        Assert.NotEqual(KnownResourceStates.Running, (await host.StateAsync(AppResources.ChatDb)).State?.Text);

        // The console names the resource and quotes the server, and never claims the app is up.
        var failure = await host.Console.WaitForAsync("✗ postgres", TimeSpan.FromMinutes(1));
        Assert.Contains("no PostgreSQL server binaries (initdb, postgres) in '/nonexistent/postgresql/bin'", failure);
        Assert.DoesNotContain(host.Console.Lines, l => l.Contains("All resources are up", StringComparison.Ordinal));
    }
}
