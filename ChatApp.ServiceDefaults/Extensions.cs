using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Aspire-style service defaults: OpenTelemetry, health checks, service discovery and HTTP resilience.
/// Every ChatApp service calls <see cref="AddServiceDefaults{TBuilder}"/> first, so it runs the same under the
/// ChatApp AppHost, under a real Aspire AppHost, or in Docker Compose.
/// </summary>
public static class Extensions
{
    /// <summary>Tag on health checks that take part in readiness (<c>/health</c>) only.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Tag on health checks that take part in liveness (<c>/alive</c>).</summary>
    public const string LiveTag = "live";

    /// <summary>Names of the activity sources and meters the services register, exported with the rest.</summary>
    public static readonly List<string> AppTelemetrySources = ["ChatApp.Api", "ChatApp.MigrationService"];

    /// <summary>Adds OpenTelemetry, default health checks, service discovery and resilient HTTP clients.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddSecretFiles();
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>Where secret files are read from unless <c>SecretsDirectory</c> says otherwise: Docker's and Swarm's place for them.</summary>
    public const string DefaultSecretsDirectory = "/run/secrets";

    /// <summary>
    /// Secrets as files (compose and Swarm <c>secrets:</c>): each file of <c>SecretsDirectory</c> (default
    /// <see cref="DefaultSecretsDirectory"/>, skipped when missing) is the setting its name says, <c>__</c> for <c>:</c>
    /// (<c>Jwt__SigningKeys</c> is <c>Jwt:SigningKeys</c>), so no secret is in the environment or on a command line.
    /// Files win over environment variables.
    /// </summary>
    public static TBuilder AddSecretFiles<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var directory = builder.Configuration["SecretsDirectory"] is { Length: > 0 } configured ? configured : DefaultSecretsDirectory;
        builder.Configuration.AddKeyPerFile(Path.GetFullPath(directory), optional: true);
        return builder;
    }

    /// <summary>Logs, metrics and traces, collected and exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.</summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // With nowhere to export to, collecting spans, logs and metrics only costs CPU on every request and message.
        if (!builder.IsOtlpExporterConfigured())
        {
            return builder;
        }

        // The standard resilience handler also wraps the OTLP exporter's HTTP client and would log every export.
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter("Microsoft.AspNetCore.Http.Connections", "Microsoft.AspNetCore.SignalR.Server")
                .AddMeter([.. AppTelemetrySources]))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource([.. AppTelemetrySources])
                .AddSource("Microsoft.AspNetCore.SignalR.Server")
                .AddAspNetCoreInstrumentation(options =>
                    // Health probes every few seconds would drown the traces people look for.
                    options.Filter = context =>
                        !context.Request.Path.StartsWithSegments("/health") &&
                        !context.Request.Path.StartsWithSegments("/alive"))
                .AddHttpClientInstrumentation()
                .AddNpgsql())
            .UseOtlpExporter();
        return builder;
    }

    /// <summary>Whether telemetry is exported (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set); when not, nothing is collected.</summary>
    public static bool IsOtlpExporterConfigured(this IHostApplicationBuilder builder) =>
        !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    /// <summary>Adds the liveness check; services add their own readiness checks (the database) with <see cref="ReadyTag"/>.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (ready: every check passes, the database included) and <c>/alive</c> (live) in every
    /// environment: the AppHost and the compose health checks probe them. They return a status word only.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health").DisableHttpMetrics();
        app.MapHealthChecks("/alive", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag)
        }).DisableHttpMetrics();
        return app;
    }
}
