using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// PostgreSQL run from the machine's server binaries (no container engine needed), as an executable resource:
/// <c>postgres-server.sh</c> initialises the data folder once and runs the server in the foreground.
/// </summary>
public sealed class LocalPostgresServerResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    /// <summary>The superuser initdb creates.</summary>
    public const string UserName = "postgres";

    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    public ParameterResource PasswordParameter { get; } = password;

    internal List<LocalPostgresDatabaseResource> Databases { get; } = [];

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={UserName};Password={PasswordParameter}");
}

/// <summary>
/// A database of a <see cref="LocalPostgresServerResource"/>: created, and then running, once the server answers.
/// </summary>
/// <remarks>
/// Not an <see cref="IResourceWithParent"/>: Aspire would make whoever waits for the database also wait for the
/// server to turn healthy, and that wait never ends when the server exits first (a missing binary, a bad data
/// folder). This resource's own state says so instead (FailedToStart), which ends its dependents' waits.
/// </remarks>
public sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresServerResource server)
    : Resource(name), IResourceWithConnectionString
{
    public LocalPostgresServerResource Server { get; } = server;

    public string DatabaseName { get; } = databaseName;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Server};{new DbConnectionStringBuilder { ["Database"] = DatabaseName }.ConnectionString}");
}

/// <summary>
/// <c>AddLocalPostgres(name).AddDatabase(name)</c>: the shape of <c>AddPostgres(name).AddDatabase(name)</c> from
/// Aspire.Hosting.PostgreSQL, so services receive the same <c>ConnectionStrings__{database}</c> and
/// <c>WaitFor(database)</c> waits until SQL answers.
/// </summary>
public static class LocalPostgresExtensions
{
    /// <summary>The PostgreSQL major version of development, tests and the production image.</summary>
    public const int MajorVersion = 15;

    /// <summary>The production image's tag: the same major version as the local server binaries (Debian 12).</summary>
    public const string ImageTag = "15.18";

    /// <summary>
    /// PostgreSQL for this app: in run mode the local server binaries (or, with <c>Postgres:UseContainer=true</c> on
    /// a machine with a container runtime, the official image); in publish mode always the official image with a
    /// data volume.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddChatPostgres(this IDistributedApplicationBuilder builder, string name, string databaseName)
    {
        if (builder.ExecutionContext.IsPublishMode || builder.Configuration.GetValue<bool>("Postgres:UseContainer"))
        {
            return builder.AddPostgres(name).WithImageTag(ImageTag).WithDataVolume().AddDatabase(databaseName);
        }
        return builder.AddLocalPostgres(name).AddDatabase(databaseName);
    }

    /// <summary>
    /// Adds PostgreSQL as an executable resource on the machine's server binaries. Settings: <c>Postgres:DataDirectory</c>
    /// (default: <see cref="DefaultDataDirectory"/>), <c>Postgres:BinDirectory</c> (default: searched).
    /// </summary>
    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, string name)
    {
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var script = Path.Combine(builder.AppHostDirectory, "postgres-server.sh");
        var server = new LocalPostgresServerResource(name, script, builder.AppHostDirectory, password);
        var dataDirectory = builder.Configuration["Postgres:DataDirectory"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, builder.AppHostDirectory)
            : DefaultDataDirectory(builder.AppHostDirectory);

        var ready = new DatabaseReadiness();
        builder.Eventing.Subscribe<ResourceReadyEvent>(server, async (e, ct) =>
        {
            var logger = e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
            var notifications = e.Services.GetRequiredService<ResourceNotificationService>();
            var connectionString = await server.ConnectionStringExpression.GetValueAsync(ct);
            await using var connection = new NpgsqlConnection(connectionString + ";Database=postgres;Pooling=false");
            await connection.OpenAsync(ct);
            foreach (var database in server.Databases)
            {
                await CreateDatabaseIfMissingAsync(connection, database.DatabaseName, logger, ct);
            }
            await ready.Gate.WaitAsync(ct);
            try
            {
                foreach (var database in server.Databases)
                {
                    await notifications.PublishUpdateAsync(database, s => s with { State = KnownResourceStates.Running, StartTimeStamp = DateTime.UtcNow, StopTimeStamp = null });
                }
                ready.Value = true;
            }
            finally
            {
                ready.Gate.Release();
            }
        });
        builder.Eventing.Subscribe<BeforeStartEvent>((e, ct) =>
        {
            var stopping = e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            _ = Task.Run(() => FollowServerStateAsync(server, ready, e.Services.GetRequiredService<ResourceNotificationService>(), stopping), CancellationToken.None);
            return Task.CompletedTask;
        });

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => server.ConnectionStringExpression.GetValueAsync(default).AsTask().GetAwaiter().GetResult() + ";Database=postgres;Pooling=false",
            name: healthCheckKey);

        var resource = builder.AddResource(server)
            .WithEndpoint(name: LocalPostgresServerResource.PrimaryEndpointName, scheme: "tcp", env: "PGPORT")
            .WithEnvironment("PGDATA", dataDirectory)
            .WithEnvironment("PG_MAJOR", MajorVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("POSTGRES_PASSWORD", password)
            .WithIconName("DatabaseMultiple")
            .WithHealthCheck(healthCheckKey);
        if (builder.Configuration["Postgres:BinDirectory"] is { Length: > 0 } bin)
        {
            resource.WithEnvironment("PG_BIN", bin);
        }
        return resource;
    }

    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(this IResourceBuilder<LocalPostgresServerResource> builder, string name, string? databaseName = null)
    {
        var database = new LocalPostgresDatabaseResource(name, databaseName ?? name, builder.Resource);
        builder.Resource.Databases.Add(database);

        var healthCheckKey = $"{name}_check";
        builder.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(
            _ => database.ConnectionStringExpression.GetValueAsync(default).AsTask().GetAwaiter().GetResult() + ";Pooling=false",
            name: healthCheckKey);

        return builder.ApplicationBuilder.AddResource(database)
            .WithParentRelationship(builder.Resource)
            .WithInitialState(new CustomResourceSnapshot { ResourceType = "PostgresDatabase", State = KnownResourceStates.NotStarted, Properties = [] })
            .WithIconName("Database")
            .WithHealthCheck(healthCheckKey);
    }

    /// <summary>
    /// Where the data is kept between runs: <c>.data/postgres</c> beside the AppHost's folder; as root, the server runs
    /// as the <c>postgres</c> user, who may not enter the clone (in <c>/root</c> or a 0700 temp folder), so the data
    /// lives in that user's home, in a folder named after the clone.
    /// </summary>
    public static string DefaultDataDirectory(string appHostDirectory)
    {
        var repository = Path.GetFullPath(Path.Combine(appHostDirectory, ".."));
        if (Environment.UserName != "root")
        {
            return Path.Combine(repository, ".data", "postgres");
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(repository)))[..8];
        return Path.Combine(PostgresUserHome(), "chatapp", $"{Path.GetFileName(repository)}-{hash}");
    }

    /// <summary>
    /// The databases follow the server: starting with it, running once it answers and they exist, and stopped with it;
    /// when the server ends before that, they failed to start.
    /// </summary>
    private static async Task FollowServerStateAsync(LocalPostgresServerResource server, DatabaseReadiness ready,
        ResourceNotificationService notifications, CancellationToken stopping)
    {
        try
        {
            await foreach (var change in notifications.WatchAsync(stopping))
            {
                if (change.Resource != server || change.Snapshot.State?.Text is not { } state)
                {
                    continue;
                }
                var terminal = KnownResourceStates.TerminalStates.Contains(state);
                await ready.Gate.WaitAsync(stopping);
                try
                {
                    if (!terminal && ready.Value)
                    {
                        continue;
                    }
                    var databaseState = !terminal ? KnownResourceStates.Starting : ready.Value ? state : KnownResourceStates.FailedToStart;
                    ready.Value &= !terminal;
                    foreach (var database in server.Databases)
                    {
                        await notifications.PublishUpdateAsync(database, s => s with
                        {
                            State = databaseState,
                            StopTimeStamp = terminal ? change.Snapshot.StopTimeStamp ?? DateTime.UtcNow : null,
                        });
                    }
                }
                finally
                {
                    ready.Gate.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The AppHost is stopping.
        }
    }

    private static string PostgresUserHome()
    {
        const string fallback = "/var/lib/postgresql";
        if (!File.Exists("/etc/passwd"))
        {
            return fallback;
        }
        var entry = File.ReadLines("/etc/passwd").Select(line => line.Split(':')).FirstOrDefault(f => f.Length > 5 && f[0] == "postgres");
        return entry is not null && Directory.Exists(entry[5]) ? entry[5] : fallback;
    }

    private static async Task CreateDatabaseIfMissingAsync(NpgsqlConnection connection, string database, ILogger logger, CancellationToken ct)
    {
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = database } } };
        if (await exists.ExecuteScalarAsync(ct) is not null)
        {
            return;
        }
        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {new NpgsqlCommandBuilder().QuoteIdentifier(database)} ENCODING 'UTF8' TEMPLATE template0", connection);
            await create.ExecuteNonQueryAsync(ct);
            logger.LogInformation("Created database {Database}", database);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Created in the meantime: what we wanted.
        }
    }

    /// <summary>Whether the server answered and the databases exist, since it last started.</summary>
    private sealed class DatabaseReadiness
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public bool Value { get; set; }
    }
}
