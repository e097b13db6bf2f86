using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace ChatApp.AppHost.Hosting.Postgres;

/// <summary>
/// A PostgreSQL server run as a local child process from the server binaries installed on the machine: no container
/// engine needed. Initialises the data folder once, starts <c>postgres</c> on a loopback port (as the <c>postgres</c>
/// system user when running as root, because PostgreSQL refuses root), waits for a real login, creates databases on
/// demand and stops with a fast shutdown on dispose.
/// </summary>
/// <example>
/// <code>
/// await using var pg = await LocalPostgresServer.StartAsync(new LocalPostgresOptions { Ephemeral = true });
/// var connectionString = await pg.EnsureDatabaseAsync("chatdb");
/// </code>
/// </example>
public sealed class LocalPostgresServer : IAsyncDisposable, IDisposable
{
    /// <summary>The superuser created by initdb.</summary>
    public const string Superuser = "postgres";

    /// <summary>The address the server listens on.</summary>
    public const string Host = "127.0.0.1";

    private const int SigInt = 2, SigQuit = 3, SigKill = 9;
    private const string InstallHint =
        "Install the PostgreSQL server (Debian/Ubuntu: `apt-get install postgresql`; Fedora: `dnf install postgresql-server`; " +
        "macOS: `brew install postgresql`), or set the folder holding `initdb` and `postgres` in the options.";

    private readonly LocalPostgresOptions _options;
    private readonly RecentLines _recent = new(80);
    private readonly SemaphoreSlim _ensureLock = new(1, 1);
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;
    private int _disposed;

    private LocalPostgresServer(LocalPostgresOptions options, string binDirectory, string dataDirectory, int port, string password)
    {
        _options = options;
        BinDirectory = binDirectory;
        DataDirectory = dataDirectory;
        Port = port;
        Password = password;
    }

    /// <summary>Folder of the server binaries in use.</summary>
    public string BinDirectory { get; }

    /// <summary>The data folder in use (a temp folder for an ephemeral server).</summary>
    public string DataDirectory { get; }

    /// <summary>The loopback TCP port the server listens on.</summary>
    public int Port { get; }

    /// <summary>Password of <see cref="Superuser"/> and of <see cref="ApplicationUser"/>.</summary>
    public string Password { get; }

    /// <summary>Role that owns the databases made by <see cref="EnsureDatabaseAsync"/>.</summary>
    public string ApplicationUser => _options.ApplicationUser;

    /// <summary>Process id of the postmaster, when known.</summary>
    public int? ProcessId => ReadPostmasterPid() ?? _process?.Id;

    /// <summary>Completes with the exit code when the server process ends, expectedly or not.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>The last lines the server wrote, for error reports.</summary>
    public IReadOnlyList<string> RecentOutput => _recent.Snapshot();

    /// <summary>Initialises (when needed) and starts a server, and returns once it accepts a login.</summary>
    /// <exception cref="LocalPostgresException">No binaries, port in use, initdb or start-up failed; the message says why in one line.</exception>
    public static async Task<LocalPostgresServer> StartAsync(LocalPostgresOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LocalPostgresOptions { Ephemeral = true };
        var bin = FindBinDirectory(options.BinDirectory);

        string dataDirectory;
        if (options.Ephemeral)
        {
            dataDirectory = Path.Combine(Path.GetTempPath(), "chatapp-pg-" + Guid.NewGuid().ToString("N")[..12]);
        }
        else
        {
            if (string.IsNullOrWhiteSpace(options.DataDirectory))
            {
                throw new LocalPostgresException("LocalPostgresOptions.DataDirectory is required unless Ephemeral is true.");
            }
            dataDirectory = Path.GetFullPath(options.DataDirectory).TrimEnd(Path.DirectorySeparatorChar);
        }

        var port = options.Port;
        if (port == 0)
        {
            port = LoopbackPorts.PickFree();
        }
        else if (!LoopbackPorts.IsFree(port))
        {
            throw new LocalPostgresException($"PostgreSQL cannot start: port {port} on {Host} is already in use.");
        }

        var password = ResolvePassword(options, dataDirectory);
        var server = new LocalPostgresServer(options, bin, dataDirectory, port, password);
        try
        {
            await server.InitialiseAsync(cancellationToken);
            await server.StartProcessAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Finds the server binaries: <paramref name="configured"/>, then <c>pg_config --bindir</c>, then
    /// <c>/usr/lib/postgresql/*/bin</c>, highest version first.
    /// </summary>
    /// <exception cref="LocalPostgresException">None found; the message says how to install them.</exception>
    public static string FindBinDirectory(string? configured = null)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (HasServerBinaries(configured))
            {
                return Path.GetFullPath(configured);
            }
            throw new LocalPostgresException($"PostgreSQL server binaries (initdb, postgres) not found in the configured folder '{configured}'. {InstallHint}");
        }

        foreach (var candidate in CandidateBinDirectories())
        {
            if (HasServerBinaries(candidate))
            {
                return candidate;
            }
        }
        throw new LocalPostgresException($"PostgreSQL server binaries (initdb, postgres) not found (looked at pg_config --bindir and /usr/lib/postgresql/*/bin). {InstallHint}");
    }

    /// <summary>Connection string for <paramref name="database"/> as the application role.</summary>
    public string ConnectionString(string database) => BuildConnectionString(ApplicationUser, database);

    /// <summary>Connection string for <paramref name="database"/> as the superuser.</summary>
    public string SuperuserConnectionString(string database = "postgres") => BuildConnectionString(Superuser, database);

    /// <summary>
    /// Creates the application role and <paramref name="database"/> (owned by it) when missing, and returns the
    /// database's connection string (<see cref="ConnectionString"/>).
    /// </summary>
    public async Task<string> EnsureDatabaseAsync(string database, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(database);
        await _ensureLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = new NpgsqlConnection(SuperuserConnectionString() + ";Pooling=false");
            await connection.OpenAsync(cancellationToken);

            var role = QuoteIdentifier(ApplicationUser);
            var roleExists = await ScalarAsync(connection, "SELECT 1 FROM pg_roles WHERE rolname = @name", ApplicationUser, cancellationToken);
            var verb = roleExists ? "ALTER" : "CREATE";
            await ExecuteAsync(connection, $"{verb} ROLE {role} LOGIN CREATEDB PASSWORD {QuoteLiteral(Password)}", cancellationToken);

            var dbExists = await ScalarAsync(connection, "SELECT 1 FROM pg_database WHERE datname = @name", database, cancellationToken);
            if (!dbExists)
            {
                try
                {
                    await ExecuteAsync(connection, $"CREATE DATABASE {QuoteIdentifier(database)} OWNER {role} ENCODING 'UTF8' TEMPLATE template0", cancellationToken);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
                {
                    // Created by another process in the meantime: that is what we wanted.
                }
            }
            return ConnectionString(database);
        }
        finally
        {
            _ensureLock.Release();
        }
    }

    /// <summary>Stops the server with a fast shutdown (SIGINT), escalating to immediate shutdown and then kill.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        var process = _process;
        if (process is null || _exited.Task.IsCompleted)
        {
            return;
        }

        var pid = ReadPostmasterPid();
        if (pid is int postmaster && !OperatingSystem.IsWindows())
        {
            _ = kill(postmaster, SigInt);
            if (await WaitExitAsync(TimeSpan.FromSeconds(20), cancellationToken))
            {
                return;
            }
            _ = kill(postmaster, SigQuit);
            if (await WaitExitAsync(TimeSpan.FromSeconds(5), cancellationToken))
            {
                return;
            }
            _ = kill(postmaster, SigKill);
        }

        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        await WaitExitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        try
        {
            await StopAsync();
        }
        finally
        {
            _process?.Dispose();
            if (_options.Ephemeral)
            {
                TryDeleteDirectory(DataDirectory);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static bool IsRoot => !OperatingSystem.IsWindows() && geteuid() == 0;

    private string BuildConnectionString(string user, string database) => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = user,
        Password = Password,
        Database = database,
    }.ConnectionString;

    private async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            if (IsRoot)
            {
                await RunToolAsync("chown", ["-R", $"{Superuser}:{Superuser}", DataDirectory], asPostgres: false, cancellationToken);
            }
            await StopLeftoverPostmasterAsync(cancellationToken);
            return;
        }

        if (Directory.Exists(DataDirectory) && Directory.EnumerateFileSystemEntries(DataDirectory).Any())
        {
            throw new LocalPostgresException($"The PostgreSQL data folder '{DataDirectory}' is not empty but has no PG_VERSION; empty it or choose another folder.");
        }

        Directory.CreateDirectory(DataDirectory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var passwordFile = Path.Combine(Path.GetTempPath(), "chatapp-pgpass-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(passwordFile, Password + "\n", cancellationToken);
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            if (IsRoot)
            {
                await RunToolAsync("chown", [$"{Superuser}:{Superuser}", passwordFile, DataDirectory], asPostgres: false, cancellationToken);
            }

            await RunToolAsync(Path.Combine(BinDirectory, "initdb"),
            [
                "-D", DataDirectory, "-U", Superuser, "--pwfile", passwordFile,
                "--auth-host=scram-sha-256", "--auth-local=scram-sha-256",
                "-E", "UTF8", "--locale=C", "--no-instructions",
                .. _options.Ephemeral ? new[] { "--no-sync" } : [],
            ], asPostgres: IsRoot, cancellationToken);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        var args = new List<string>
        {
            "-D", DataDirectory,
            "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-h", Host,
            // The socket path must fit in 107 bytes; past that, TCP only.
            "-k", DataDirectory.Length < 80 ? DataDirectory : "",
            "-c", "max_connections=200",
        };
        if (_options.Ephemeral)
        {
            args.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }

        var startInfo = CreateStartInfo(Path.Combine(BinDirectory, "postgres"), args, asPostgres: IsRoot, newSession: true);
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => OnOutput(e.Data);
        process.Exited += (_, _) =>
        {
            // Let the output readers drain before anyone reads RecentOutput.
            try { process.WaitForExit(); } catch (InvalidOperationException) { }
            _exited.TrySetResult(SafeExitCode(process));
        };
        if (!process.Start())
        {
            throw new LocalPostgresException("PostgreSQL cannot start: the postgres process did not start.");
        }
        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        await WaitUntilReadyAsync(cancellationToken);
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var connectionString = SuperuserConnectionString() + ";Pooling=false;Timeout=3";
        Exception? last = null;
        while (deadline.Elapsed < _options.StartupTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_exited.Task.IsCompleted)
            {
                throw new LocalPostgresException($"PostgreSQL exited with code {_exited.Task.Result} during start-up: {DescribeFailure()}");
            }
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(cancellationToken);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
            {
                last = e;
            }
            await Task.WhenAny(_exited.Task, Task.Delay(100, cancellationToken));
        }
        throw new LocalPostgresException($"PostgreSQL did not accept a login within {_options.StartupTimeout.TotalSeconds:0}s: {last?.Message ?? DescribeFailure()}");
    }

    private string DescribeFailure()
    {
        var lines = _recent.Snapshot();
        var inUse = lines.FirstOrDefault(l => l.Contains("already in use", StringComparison.OrdinalIgnoreCase));
        if (inUse is not null)
        {
            return $"port {Port} is already in use ({Trim(inUse)})";
        }
        var fatal = lines.LastOrDefault(l => l.Contains("FATAL", StringComparison.Ordinal) || l.Contains("PANIC", StringComparison.Ordinal));
        return Trim(fatal ?? lines.LastOrDefault() ?? "no output");

        static string Trim(string line)
        {
            var i = line.IndexOf("FATAL:", StringComparison.Ordinal);
            return (i >= 0 ? line[i..] : line).Trim();
        }
    }

    private async Task StopLeftoverPostmasterAsync(CancellationToken cancellationToken)
    {
        // A postmaster left over from a run that was killed (SIGKILL gives no chance to clean up) still holds the data
        // folder. It is ours (same data folder), so stop it the same way we would have.
        var pid = ReadPostmasterPid();
        if (pid is not int leftover || OperatingSystem.IsWindows() || !IsPostgresProcess(leftover))
        {
            return;
        }
        OnOutput($"Stopping a PostgreSQL server (pid {leftover}) left running on this data folder by an earlier run.");
        _ = kill(leftover, SigInt);
        var watch = Stopwatch.StartNew();
        while (IsPostgresProcess(leftover) && watch.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100, cancellationToken);
        }
        if (IsPostgresProcess(leftover))
        {
            throw new LocalPostgresException($"A PostgreSQL server (pid {leftover}) still runs on '{DataDirectory}' and did not stop.");
        }
    }

    private static bool IsPostgresProcess(int pid)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            return cmdline.Contains("postgres", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private int? ReadPostmasterPid()
    {
        try
        {
            var path = Path.Combine(DataDirectory, "postmaster.pid");
            if (!File.Exists(path))
            {
                return null;
            }
            using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
            return int.TryParse(reader.ReadLine(), out var pid) && pid > 0 ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private async Task<bool> WaitExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var finished = await Task.WhenAny(_exited.Task, Task.Delay(timeout, cancellationToken));
        return finished == _exited.Task;
    }

    private async Task RunToolAsync(string fileName, IReadOnlyList<string> args, bool asPostgres, CancellationToken cancellationToken)
    {
        var output = new RecentLines(40);
        using var process = new Process { StartInfo = CreateStartInfo(fileName, args, asPostgres, newSession: false) };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Add(e.Data); _options.Output?.Invoke(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Add(e.Data); _options.Output?.Invoke(e.Data); } };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new LocalPostgresException($"Cannot run {Path.GetFileName(fileName)}: {e.Message}");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0)
        {
            var lines = output.Snapshot();
            var reason = lines.LastOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase) || l.Contains("FATAL", StringComparison.Ordinal))
                         ?? lines.LastOrDefault() ?? "no output";
            throw new LocalPostgresException($"{Path.GetFileName(fileName)} failed with exit code {process.ExitCode}: {reason.Trim()}");
        }
    }

    private ProcessStartInfo CreateStartInfo(string fileName, IReadOnlyList<string> args, bool asPostgres, bool newSession)
    {
        var startInfo = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            // The postgres user may not be able to enter the caller's working folder.
            WorkingDirectory = Path.GetTempPath(),
        };

        var command = new List<string>();
        // A new session keeps the terminal's Ctrl+C away from the server: the owner stops it, in order.
        if (newSession && File.Exists("/usr/bin/setsid"))
        {
            command.Add("/usr/bin/setsid");
        }
        if (asPostgres)
        {
            command.AddRange([FindRunuser(), "-u", Superuser, "--"]);
        }
        command.Add(fileName);
        command.AddRange(args);

        startInfo.FileName = command[0];
        foreach (var arg in command.Skip(1))
        {
            startInfo.ArgumentList.Add(arg);
        }
        startInfo.Environment["LC_ALL"] = "C";
        startInfo.Environment.Remove("PGDATA");
        return startInfo;
    }

    private static string FindRunuser()
    {
        foreach (var candidate in new[] { "/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new LocalPostgresException("Running as root, but `runuser` (util-linux) is missing: PostgreSQL cannot run as root. Install util-linux or run as a normal user.");
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }
        _recent.Add(line);
        _options.Output?.Invoke(line);
    }

    private static string ResolvePassword(LocalPostgresOptions options, string dataDirectory)
    {
        if (!string.IsNullOrEmpty(options.Password))
        {
            return options.Password;
        }
        if (options.Ephemeral)
        {
            return GeneratePassword();
        }

        var passwordFile = PasswordFilePath(dataDirectory);
        if (File.Exists(passwordFile))
        {
            return File.ReadAllText(passwordFile).Trim();
        }
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            throw new LocalPostgresException($"The PostgreSQL data folder '{dataDirectory}' exists but its password file '{passwordFile}' is missing; delete the data folder to start over.");
        }

        var password = GeneratePassword();
        Directory.CreateDirectory(Path.GetDirectoryName(passwordFile)!);
        File.WriteAllText(passwordFile, password + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return password;
    }

    /// <summary>Where the generated password of a kept data folder is stored: beside it, <c>&lt;folder&gt;.password</c>.</summary>
    public static string PasswordFilePath(string dataDirectory) =>
        Path.GetFullPath(dataDirectory).TrimEnd(Path.DirectorySeparatorChar) + ".password";

    private static string GeneratePassword()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        return RandomNumberGenerator.GetString(alphabet, 24);
    }

    private static IEnumerable<string> CandidateBinDirectories()
    {
        var fromPgConfig = TryPgConfigBinDir();
        if (fromPgConfig is not null)
        {
            yield return fromPgConfig;
        }

        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            yield break;
        }
        var versions = Directory.EnumerateDirectories(root)
            .Select(dir => (dir, version: Version.TryParse(NormaliseVersion(Path.GetFileName(dir)), out var v) ? v : new Version(0, 0)))
            .OrderByDescending(x => x.version);
        foreach (var (dir, _) in versions)
        {
            yield return Path.Combine(dir, "bin");
        }

        static string NormaliseVersion(string name) => name.Contains('.') ? name : name + ".0";
    }

    private static string? TryPgConfigBinDir()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pg_config", "--bindir")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit(5000);
            return process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // pg_config not installed (libpq-dev / postgresql-common).
        }
    }

    private static bool HasServerBinaries(string dir) =>
        File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "postgres"));

    private static async Task<bool> ScalarAsync(NpgsqlConnection connection, string sql, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("name", name);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string QuoteLiteral(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static int SafeExitCode(Process process)
    {
        try
        {
            return process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
                return;
            }
            catch (IOException)
            {
                Thread.Sleep(100);
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    [DllImport("libc")]
    private static extern uint geteuid();

    private sealed class RecentLines(int capacity)
    {
        private readonly Queue<string> _lines = new();

        public void Add(string line)
        {
            lock (_lines)
            {
                _lines.Enqueue(line);
                while (_lines.Count > capacity)
                {
                    _lines.Dequeue();
                }
            }
        }

        public IReadOnlyList<string> Snapshot()
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }
}

/// <summary>A local PostgreSQL server could not be found, initialised or started; the message is one line.</summary>
public sealed class LocalPostgresException(string message) : Exception(message);
