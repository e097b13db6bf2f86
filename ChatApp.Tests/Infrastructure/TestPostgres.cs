using ChatApp.AppHost.Hosting.Postgres;

namespace ChatApp.Tests.Infrastructure;

/// <summary>
/// One throwaway PostgreSQL for the whole test run, started from the local server binaries by the same code the
/// AppHost uses, and stopped when the test process exits.
/// </summary>
public static class TestPostgres
{
    private static readonly Lazy<Task<LocalPostgresServer>> Server = new(StartAsync);

    public static Task<LocalPostgresServer> GetAsync() => Server.Value;

    private static async Task<LocalPostgresServer> StartAsync()
    {
        var server = await LocalPostgresServer.StartAsync(new LocalPostgresOptions { Ephemeral = true });
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    }
}
