using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using ChatApp.Api.Data;
using ChatApp.Api.Services;
using ChatApp.MigrationService;
using ChatApp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit.Abstractions;

namespace ChatApp.Tests.Integration;

/// <summary>
/// The published backup scripts (ChatApp.AppHost/publish, copied beside docker-compose.yaml) on real PostgreSQL servers:
/// only the server's address, the PostgreSQL binaries' folder and the backup folder differ from the containers'.
/// </summary>
public sealed class BackupRestoreTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string Scripts = Path.Combine(RepoPaths.Root, "ChatApp.AppHost", "publish");
    private readonly string _work = Directory.CreateTempSubdirectory("chatapp-backup-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Dump_OfADatabaseFullOfConversationsAndUploads_RestoresIntoAnEmptyServer_RowForRowAndFileForFile()
    {
        var source = await TestPostgres.GetAsync();
        var database = "chatdb_backup_" + Guid.NewGuid().ToString("N")[..8];
        var sourceConnection = await source.EnsureDatabaseAsync(database);
        await using (var db = new ChatApp.Api.Data.ChatDbContext(new Microsoft.EntityFrameworkCore.DbContextOptionsBuilder<ChatApp.Api.Data.ChatDbContext>()
            .UseNpgsql(sourceConnection).UseChatConventions().Options))
        {
            await MigrationWorker.MigrateAsync(db, CancellationToken.None);
        }
        var files = new Dictionary<string, byte[]>();
        await using (var api = new ChatApiFactory(sourceConnection))
        {
            for (var i = 0; i < 10; i++)
            {
                using var client = api.CreateClient();
                var session = await (await client.PostAsJsonAsync("/api/widget/conversations",
                    new StartConversationRequest($"Visitor {i}", $"v{i}@example.test", "https://shop.example/"), TestJson.Options)).ReadAsync<WidgetSessionDto>();
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.VisitorToken);
                var bytes = Encoding.UTF8.GetBytes($"notes of visitor {i}: {Convert.ToHexString(RandomNumberGenerator.GetBytes(256))}\n");
                var content = new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("text/plain") } };
                var attachment = await (await client.PostAsync("/api/uploads", new MultipartFormDataContent { { content, "file", $"notes-{i}.txt" } })).ReadAsync<AttachmentDto>();
                files[attachment.Url] = bytes;
                for (var m = 0; m < 3; m++)
                {
                    var sent = await client.PostAsJsonAsync($"/api/widget/conversations/{session.Conversation.Id}/messages",
                        new SendMessageRequest($"c{i}-{m}", $"message {m} of {i} — ünïcödé ✓", m == 2 ? attachment.Id : null), TestJson.Options);
                    await sent.EnsureSuccessWithProblemAsync();
                }
            }
        }

        var password = WriteSecret("postgres-password", source.Password);
        var backup = await RunAsync("backup.sh", ["dump"], Environment(source, password, database));
        var dump = Directory.GetDirectories(Path.Combine(_work, "backups", "dumps")).Single();
        Assert.True(File.Exists(Path.Combine(dump, $"{database}.dump")), backup);

        var empty = await TestPostgres.StartAsync();
        var clock = Stopwatch.StartNew();
        await RunAsync("restore.sh", ["dump", dump], Environment(empty, WriteSecret("empty-password", empty.Password), database));
        output.WriteLine($"restore.sh dump took {clock.Elapsed.TotalSeconds:F1} s");
        var restoredConnection = new NpgsqlConnectionStringBuilder(empty.ConnectionString(database)).ConnectionString;

        // Every row of every table, compared as text.
        await using var before = new NpgsqlConnection(sourceConnection);
        await using var after = new NpgsqlConnection(restoredConnection);
        await before.OpenAsync();
        await after.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", before))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        Assert.Contains("messages", tables);
        Assert.Contains("attachments", tables);
        foreach (var table in tables)
        {
            var sql = $"SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM \"{table}\" t";
            var expected = (string)(await new NpgsqlCommand(sql, before).ExecuteScalarAsync())!;
            Assert.Equal(expected, (string)(await new NpgsqlCommand(sql, after).ExecuteScalarAsync())!);
            Assert.False(table is "messages" or "attachments" or "conversations" && expected.StartsWith("0:", StringComparison.Ordinal), $"{table} is empty");
        }
        // The app's own role owns what was restored.
        Assert.Equal("chatapp", await new NpgsqlCommand("SELECT tableowner FROM pg_tables WHERE tablename = 'messages'", after).ExecuteScalarAsync());

        // Every file, served by an API on the restored database.
        await using (var restored = new ChatApiFactory(restoredConnection))
        {
            using var client = restored.CreateClient();
            foreach (var (url, bytes) in files)
            {
                Assert.Equal(bytes, await client.GetByteArrayAsync(url));
            }
        }
        Assert.Equal(10, files.Count);
    }

    [Fact]
    public async Task ApplyRoles_SetsThePasswordsFromTheSecretFilesOnEveryStart_SoRotationWorks()
    {
        var server = await TestPostgres.StartAsync();
        var superuser = WriteSecret("postgres-password", server.Password);
        var app = WriteSecret("chatapp-db-password", "first-" + RandomNumberGenerator.GetHexString(16));
        var environment = new Dictionary<string, string?>(Environment(server, superuser, "chatdb rotated_db"))
        {
            ["CHATAPP_DB_USER"] = "chatapp",
            ["CHATAPP_DB_PASSWORD_FILE"] = app,
        };
        await RunAsync("apply-roles.sh", [], environment);
        Assert.True(await CanSignInAsync(server, "chatdb", await File.ReadAllTextAsync(app)));
        Assert.True(await CanSignInAsync(server, "rotated_db", await File.ReadAllTextAsync(app)));

        var old = await File.ReadAllTextAsync(app);
        await File.WriteAllTextAsync(app, "second-" + RandomNumberGenerator.GetHexString(16) + "\n");
        await RunAsync("apply-roles.sh", [], environment);
        Assert.False(await CanSignInAsync(server, "chatdb", old));
        Assert.True(await CanSignInAsync(server, "chatdb", (await File.ReadAllTextAsync(app)).Trim()));
    }

    [Fact]
    public async Task WalArchive_RestoresToAPointInTime_LosingAtMostTheArchiveTimeout()
    {
        // The published settings and scripts; the scripts copied where the server's own user can read them.
        var scripts = Path.Combine(_work, "scripts");
        Directory.CreateDirectory(scripts);
        foreach (var script in Directory.GetFiles(Scripts, "*.sh"))
        {
            File.Copy(script, Path.Combine(scripts, Path.GetFileName(script)));
        }
        var backups = Path.Combine(_work, "backups");
        Directory.CreateDirectory(Path.Combine(backups, "wal"));
        await ChownToServerUserAsync(_work, backups, Path.Combine(backups, "wal"));
        var settings = ChatApp.AppHost.DockerComposeEnvironmentResource.WalArchivingSettings(scripts);
        var server = await TestPostgres.StartAsync(environment: new Dictionary<string, string> { ["BACKUP_DIR"] = backups },
            serverArguments: [.. settings.SelectMany(setting => new[] { "-c", setting })]);
        var connection = await server.EnsureDatabaseAsync("chatdb");
        await ExecuteAsync(connection, "CREATE TABLE notes (id int PRIMARY KEY, written timestamptz NOT NULL DEFAULT clock_timestamp())");

        var password = WriteSecret("postgres-password", server.Password);
        await RunAsync("backup.sh", ["base"], Environment(server, password, "chatdb"));
        await ExecuteAsync(connection, "INSERT INTO notes (id) SELECT generate_series(1, 100)");
        var target = (DateTime)(await ScalarAsync(connection, "SELECT clock_timestamp()"))!;
        await ExecuteAsync(connection, "INSERT INTO notes (id) SELECT generate_series(101, 200)");

        // Recovery point: how long the last commit waits for its WAL segment to reach the archive, unforced.
        var segment = (string)(await ScalarAsync(connection, "SELECT pg_walfile_name(pg_current_wal_lsn())"))!;
        var archived = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(backups, "wal", segment + ".gz")))
        {
            Assert.True(archived.Elapsed < TimeSpan.FromMinutes(2), $"{segment} was never archived");
            await Task.Delay(100);
        }
        output.WriteLine($"recovery point: the last commit reached the archive after {archived.Elapsed.TotalSeconds:F1} s (archive_timeout=30)");
        server.Stop();

        // Recovery time: the data folder rebuilt, the WAL replayed up to the target, the server open for writes.
        var restored = Path.Combine(_work, "restored");
        var clock = Stopwatch.StartNew();
        var environment = new Dictionary<string, string?>(Environment(server, password, "chatdb")) { ["PGDATA"] = restored };
        await RunAsync("restore.sh", ["pitr", target.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.ffffff+00", System.Globalization.CultureInfo.InvariantCulture)], environment);
        var port = LoopbackPorts.PickFree();
        using var postgres = StartRestoredServer(restored, port);
        var restoredConnection = new NpgsqlConnectionStringBuilder(server.ConnectionString("chatdb")) { Port = port, Pooling = false }.ConnectionString;
        while (true)
        {
            Assert.False(postgres.HasExited, "the restored server exited");
            try
            {
                if (await ScalarAsync(restoredConnection, "SELECT pg_is_in_recovery()") is false)
                {
                    break;
                }
            }
            catch (NpgsqlException) when (clock.Elapsed < TimeSpan.FromMinutes(2))
            {
            }
            await Task.Delay(100);
        }
        output.WriteLine($"recovery time: restore.sh pitr and WAL replay took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(100L, await ScalarAsync(restoredConnection, "SELECT count(*) FROM notes"));
        Assert.Equal(100, await ScalarAsync(restoredConnection, "SELECT max(id) FROM notes"));
        await ExecuteAsync(restoredConnection, "INSERT INTO notes (id) VALUES (1000)"); // Promoted: it takes writes.
        postgres.Kill();
        await postgres.WaitForExitAsync();
    }

    /// <summary>PostgreSQL on a restored folder, as the postgres user when this is root.</summary>
    private Process StartRestoredServer(string dataDirectory, int port)
    {
        var bin = $"/usr/lib/postgresql/{TestPostgres.MajorVersion}/bin/postgres";
        var socket = Path.Combine(_work, "socket");
        Directory.CreateDirectory(socket);
        ChownToServerUserAsync(socket).GetAwaiter().GetResult();
        string[] server = [bin, "-D", dataDirectory, "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", socket];
        var process = System.Environment.UserName == "root"
            ? ProcessRunner.Create("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", .. server], "/")
            : ProcessRunner.Create(server[0], server[1..], "/");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task ChownToServerUserAsync(params string[] paths)
    {
        if (System.Environment.UserName == "root")
        {
            var chown = await ProcessRunner.RunAsync("chown", ["postgres:", .. paths], "/", TimeSpan.FromSeconds(30));
            Assert.True(chown.ExitCode == 0, chown.Output);
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return await new NpgsqlCommand(sql, connection).ExecuteScalarAsync();
    }

    private static async Task<bool> CanSignInAsync(TestPostgres server, string database, string password)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.ConnectionString(database))
        { Username = "chatapp", Password = password.Trim(), Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync();
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidPassword)
        {
            return false;
        }
    }

    private string WriteSecret(string name, string value)
    {
        var path = Path.Combine(_work, name);
        File.WriteAllText(path, value + "\n");
        return path;
    }

    /// <summary>What the containers set, pointed at a local server; the PostgreSQL 15 binaries first on PATH.</summary>
    private Dictionary<string, string?> Environment(TestPostgres server, string passwordFile, string databases) => new()
    {
        ["PGHOST"] = "127.0.0.1",
        ["PGPORT"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["PGUSER"] = "postgres",
        ["POSTGRES_PASSWORD_FILE"] = passwordFile,
        ["CHATAPP_DATABASES"] = databases,
        ["CHATAPP_DB_USER"] = "chatapp",
        ["BACKUP_DIR"] = Path.Combine(_work, "backups"),
        ["PATH"] = $"/usr/lib/postgresql/{TestPostgres.MajorVersion}/bin:{System.Environment.GetEnvironmentVariable("PATH")}",
    };

    private async Task<string> RunAsync(string script, string[] args, IReadOnlyDictionary<string, string?> environment)
    {
        var result = await ProcessRunner.RunAsync("bash", [Path.Combine(Scripts, script), .. args], _work, TimeSpan.FromMinutes(5), environment);
        output.WriteLine($"{script} {string.Join(' ', args)}:\n{result.Output}");
        Assert.True(result.ExitCode == 0, $"{script} {string.Join(' ', args)} exited with {result.ExitCode}:\n{result.Output}");
        return result.Output;
    }
}
