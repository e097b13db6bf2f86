using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ChatApp.Api.Data;

/// <summary>How the services reach the database: the Aspire client integrations on the <c>chatdb</c> connection.</summary>
public static class ChatDatabase
{
    /// <summary>The connection string name (<c>ConnectionStrings__chatdb</c>), as the AppHost's database resource is named.</summary>
    public const string ConnectionName = "chatdb";

    /// <summary>The model's conventions, applied wherever a context is built (services, design time, tests).</summary>
    public static TBuilder UseChatConventions<TBuilder>(this TBuilder options) where TBuilder : DbContextOptionsBuilder
    {
        options.UseSnakeCaseNamingConvention();
        return options;
    }

    /// <summary>
    /// Registers <see cref="ChatDbContext"/> through <c>Aspire.Npgsql.EntityFrameworkCore.PostgreSQL</c>: pooled
    /// contexts, a health check, Npgsql traces and metrics when telemetry is exported, and the limits of
    /// <see cref="DatabaseOptions"/>; no retries.
    /// </summary>
    public static IHostApplicationBuilder AddChatDbContext(this IHostApplicationBuilder builder)
    {
        var exported = builder.IsOtlpExporterConfigured();
        var database = DatabaseOptions.From(builder.Configuration);
        builder.AddNpgsqlDbContext<ChatDbContext>(ConnectionName,
            settings =>
            {
                settings.DisableTracing |= !exported;
                settings.DisableMetrics |= !exported;
                // Retries turn an outage into a minute-long hang for every request; callers get a 503 with
                // Retry-After at once instead, and clients retry (the widget does by itself).
                settings.DisableRetry = true;
                // DatabaseHealth instead: it does not cancel a connection attempt halfway.
                settings.DisableHealthChecks = true;
                if (settings.ConnectionString is { } connectionString)
                {
                    settings.ConnectionString = database.Apply(new NpgsqlConnectionStringBuilder(connectionString), database.MaxPoolSize);
                }
            },
            options => options.UseChatConventions());
        return builder;
    }

    /// <summary>
    /// Registers an <see cref="NpgsqlDataSource"/> through <c>Aspire.Npgsql</c>, for the statements EF Core does not
    /// write well (the message writer's batched insert).
    /// </summary>
    public static IHostApplicationBuilder AddChatDataSource(this IHostApplicationBuilder builder)
    {
        var exported = builder.IsOtlpExporterConfigured();
        var database = DatabaseOptions.From(builder.Configuration);
        builder.AddNpgsqlDataSource(ConnectionName,
            settings =>
            {
                settings.DisableTracing |= !exported;
                settings.DisableMetrics |= !exported;
                // DatabaseHealth already asks the same database.
                settings.DisableHealthChecks = true;
            },
            dataSource =>
            {
                database.Apply(dataSource.ConnectionStringBuilder, database.WriterMaxPoolSize);
                // The writer leaves no session state behind, so a connection needs no reset when it goes back to the
                // pool: the reset cost the server three more statements per batch (pg_stat_statements, README).
                dataSource.ConnectionStringBuilder.NoResetOnClose = true;
            });
        return builder;
    }
}

/// <summary>
/// How long the API waits for the database and how many connections it may hold (<c>Database</c> section). The
/// EF Core contexts and the message writer have a pool each; both count toward the server's <c>max_connections</c>
/// (100 by default), and so does every other instance of the API: keep their sum well under it, so migrations,
/// admin tools and a second instance still get in. These settings win over the same keywords in the connection string.
/// </summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Connections the request handlers and the hub (EF Core) may hold at once.</summary>
    public int MaxPoolSize { get; set; } = 20;

    /// <summary>Connections the message writer may hold (it uses one per writer loop).</summary>
    public int WriterMaxPoolSize { get; set; } = 4;

    /// <summary>Seconds to open a connection (or to wait for a free one in the pool) before giving up.</summary>
    public int ConnectTimeoutSeconds { get; set; } = 2;

    /// <summary>Seconds a statement may run: every query of the API is small, so a longer one means the server is stuck.</summary>
    public int CommandTimeoutSeconds { get; set; } = 3;

    /// <summary>
    /// The password of the connection string's user, kept out of it: in production the secret file
    /// <c>Database__Password</c>, so the connection string can sit in the environment.
    /// </summary>
    public string? Password { get; set; }

    public static DatabaseOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<DatabaseOptions>() ?? new DatabaseOptions();

    public string Apply(NpgsqlConnectionStringBuilder connection, int maxPoolSize)
    {
        if (!string.IsNullOrEmpty(Password))
        {
            connection.Password = Password;
        }
        connection.MaxPoolSize = maxPoolSize;
        connection.Timeout = ConnectTimeoutSeconds;
        connection.CommandTimeout = CommandTimeoutSeconds;
        // Idle connections go back to the server after 30 s, so a burst does not hold its slots for minutes.
        connection.ConnectionIdleLifetime = 30;
        connection.ConnectionPruningInterval = 5;
        return connection.ConnectionString;
    }
}
