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
    /// contexts, retries, a health check, and Npgsql traces and metrics when telemetry is exported.
    /// </summary>
    public static IHostApplicationBuilder AddChatDbContext(this IHostApplicationBuilder builder)
    {
        var exported = builder.IsOtlpExporterConfigured();
        builder.AddNpgsqlDbContext<ChatDbContext>(ConnectionName,
            settings =>
            {
                settings.DisableTracing |= !exported;
                settings.DisableMetrics |= !exported;
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
        builder.AddNpgsqlDataSource(ConnectionName,
            settings =>
            {
                settings.DisableTracing |= !exported;
                settings.DisableMetrics |= !exported;
                // The context's health check already asks the same database.
                settings.DisableHealthChecks = true;
            },
            dataSource =>
            {
                // Prepared statements save the server from planning the same queries (the batched insert above all)
                // thousands of times a second. A connection string may still set its own value.
                if (dataSource.ConnectionStringBuilder.MaxAutoPrepare == 0)
                {
                    dataSource.ConnectionStringBuilder.MaxAutoPrepare = 32;
                }
            });
        return builder;
    }
}
