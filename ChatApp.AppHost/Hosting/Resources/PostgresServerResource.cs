using ChatApp.AppHost.Hosting.Postgres;
using Npgsql;

namespace ChatApp.AppHost.Hosting.Resources;

/// <summary>A PostgreSQL server run as a local process (<see cref="LocalPostgresServer"/>).</summary>
public sealed class PostgresServerResource(string name) : Resource(name)
{
    private TaskCompletionSource<LocalPostgresServer> _server = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc />
    public override string Type => "Postgres";

    /// <summary>Data folder kept between runs; null for a temp folder deleted on stop.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Databases declared with <c>AddDatabase</c>.</summary>
    public List<PostgresDatabaseResource> Databases { get; } = [];

    /// <summary>The running server, once started.</summary>
    internal Task<LocalPostgresServer> ServerTask => _server.Task;

    internal override async Task<RunningResource> StartAsync(ResourceContext context, CancellationToken cancellationToken)
    {
        if (_server.Task.IsCompleted)
        {
            _server = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        var ephemeral = context.Options.EphemeralPostgres || DataDirectory is null;
        var server = await LocalPostgresServer.StartAsync(new LocalPostgresOptions
        {
            BinDirectory = context.Options.PostgresBinDirectory,
            DataDirectory = ephemeral ? null : DataDirectory,
            Ephemeral = ephemeral,
            Port = Endpoint!.AllocatedPort,
            // PostgreSQL logs everything on stderr; that is not an error in itself.
            Output = line => context.Log(line, isError: false),
        }, cancellationToken);
        _server.TrySetResult(server);

        return new RunningResource
        {
            Exited = server.Exited,
            ProcessId = server.ProcessId,
            StopAsync = async () => await server.DisposeAsync(),
            HealthCheck = async ct =>
            {
                try
                {
                    await using var connection = new NpgsqlConnection(server.SuperuserConnectionString() + ";Pooling=false;Timeout=3");
                    await connection.OpenAsync(ct);
                    return true;
                }
                catch (NpgsqlException)
                {
                    return false;
                }
            },
            FailureHint = () => server.RecentOutput.LastOrDefault(l => l.Contains("FATAL", StringComparison.Ordinal) || l.Contains("PANIC", StringComparison.Ordinal)),
        };
    }
}

/// <summary>A database on a <see cref="PostgresServerResource"/>; referencing it sets <c>ConnectionStrings__&lt;name&gt;</c>.</summary>
public sealed class PostgresDatabaseResource : Resource, IResourceWithConnectionString
{
    private TaskCompletionSource<string> _connectionString = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal PostgresDatabaseResource(string name, string databaseName, PostgresServerResource parent) : base(name)
    {
        DatabaseName = databaseName;
        Parent = parent;
        Waits.Add(new WaitAnnotation(parent, ForCompletion: false));
    }

    /// <inheritdoc />
    public override string Type => "PostgresDatabase";

    /// <summary>Name of the database on the server.</summary>
    public string DatabaseName { get; }

    /// <summary>The server it lives on.</summary>
    public PostgresServerResource Parent { get; }

    /// <inheritdoc />
    public string ConnectionStringName => Name;

    /// <inheritdoc />
    public Task<string> GetConnectionStringAsync(CancellationToken cancellationToken = default) =>
        _connectionString.Task.WaitAsync(cancellationToken);

    internal override async Task<RunningResource> StartAsync(ResourceContext context, CancellationToken cancellationToken)
    {
        if (_connectionString.Task.IsCompleted)
        {
            _connectionString = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        var server = await Parent.ServerTask.WaitAsync(cancellationToken);
        var connectionString = await server.EnsureDatabaseAsync(DatabaseName, cancellationToken);
        context.Log($"Database '{DatabaseName}' ready (owner {server.ApplicationUser}).");
        _connectionString.TrySetResult(connectionString);

        // A database lives as long as its server, or until it is stopped itself.
        var stopped = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = server.Exited.ContinueWith(t => stopped.TrySetResult(t.Result), TaskScheduler.Default);
        return new RunningResource
        {
            Exited = stopped.Task,
            StopAsync = () =>
            {
                stopped.TrySetResult(0);
                return Task.CompletedTask;
            },
            HealthCheck = async ct =>
            {
                try
                {
                    await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false;Timeout=3");
                    await connection.OpenAsync(ct);
                    return true;
                }
                catch (NpgsqlException)
                {
                    return false;
                }
            },
        };
    }
}
