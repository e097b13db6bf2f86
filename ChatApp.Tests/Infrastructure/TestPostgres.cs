using System.Security.Cryptography;
using Npgsql;

namespace ChatApp.Tests.Infrastructure;

/// <summary>
/// One throwaway PostgreSQL for the whole test run, started by <c>ChatApp.AppHost/postgres-server.sh</c> (the script
/// the AppHost's <c>postgres</c> resource runs) without fsync, and stopped when the test process exits.
/// </summary>
public sealed class TestPostgres
{
    /// <summary>The major version the AppHost prefers and production runs.</summary>
    public const int MajorVersion = 15;

    private static readonly Lazy<Task<TestPostgres>> Shared = new(() => StartAsync());

    private readonly ServerProcess _server;

    private TestPostgres(ServerProcess server, int port, string password, string dataDirectory)
    {
        _server = server;
        Port = port;
        Password = password;
        DataDirectory = dataDirectory;
    }

    public int Port { get; }

    public string Password { get; }

    public string DataDirectory { get; }

    /// <summary>Stops the server (a fast shutdown), keeping its data folder.</summary>
    public void Stop() => _server.Stop();

    public static Task<TestPostgres> GetAsync() => Shared.Value;

    /// <summary>Starts a server of its own (most tests share <see cref="GetAsync"/>'s).</summary>
    /// <param name="binDirectory">PG_BIN: the server binaries' folder (default: found by the script).</param>
    /// <param name="environment">More variables for the server (e.g. what its archive_command reads).</param>
    /// <param name="serverArguments">Arguments to postgres itself (e.g. <c>-c archive_mode=on</c>).</param>
    public static async Task<TestPostgres> StartAsync(string? binDirectory = null, IReadOnlyDictionary<string, string>? environment = null,
        IReadOnlyList<string>? serverArguments = null)
    {
        var port = LoopbackPorts.PickFree();
        var password = RandomNumberGenerator.GetHexString(24, lowercase: true);
        // Directly under /tmp: as root the server runs as `postgres`, which must reach the folder.
        var dataDirectory = Path.Combine(Path.GetTempPath(), "chatapp-test-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["PGDATA"] = dataDirectory,
            ["PGPORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["POSTGRES_PASSWORD"] = password,
            ["PG_MAJOR"] = MajorVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PG_EPHEMERAL"] = "1",
        };
        if (binDirectory is not null)
        {
            variables["PG_BIN"] = binDirectory;
        }
        var server = new TestPostgres(ServerProcess.Start("postgres-server.sh", variables, serverArguments), port, password, dataDirectory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DeleteData();
        await server._server.WaitUntilReadyAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(server.ConnectionString() + ";Pooling=false;Timeout=5");
            await connection.OpenAsync();
        }, TimeSpan.FromMinutes(2));
        return server;
    }

    /// <summary>Connection string for <paramref name="database"/> as the superuser.</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Password = Password,
        Database = database,
        // Opening a connection took over Npgsql's default 15 s once on this 2-core machine at a load average of 24
        // (the migration worker's test failed on it); the server is local, so a longer wait only costs a real failure time.
        Timeout = 60,
    }.ConnectionString;

    /// <summary>Creates <paramref name="database"/> when missing and returns its connection string.</summary>
    public async Task<string> EnsureDatabaseAsync(string database)
    {
        await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = database } } };
        if (await exists.ExecuteScalarAsync() is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\" TEMPLATE template0 ENCODING 'UTF8'", connection);
            await create.ExecuteNonQueryAsync();
        }
        return ConnectionString(database);
    }

    private void DeleteData()
    {
        _server.Stop();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
