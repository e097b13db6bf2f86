using System.Globalization;

namespace ChatApp.AppHost.Hosting;

/// <summary>What a resource gets from the AppHost when it starts.</summary>
internal sealed class ResourceContext(AppHostOptions options, Resource resource, Action<string, bool> log)
{
    public AppHostOptions Options { get; } = options;

    public Resource Resource { get; } = resource;

    /// <summary>Writes one output line of the resource (text, is-error) to its log.</summary>
    public void Log(string line, bool isError = false) => log(line, isError);

    /// <summary>
    /// The environment in Aspire's formats: references (connection strings, service discovery), telemetry,
    /// environment name, then the resource's own variables and configured overrides.
    /// </summary>
    public async Task<Dictionary<string, string>> BuildEnvironmentAsync(bool dotnet, CancellationToken cancellationToken)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);

        if (dotnet)
        {
            env["ASPNETCORE_ENVIRONMENT"] = Options.EnvironmentName;
            env["DOTNET_ENVIRONMENT"] = Options.EnvironmentName;
            // Logs go through a pipe: keep them one line per entry, without colour codes.
            env["Logging__Console__FormatterName"] = "simple";
            env["Logging__Console__FormatterOptions__SingleLine"] = "true";
            env["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "false";
        }
        else
        {
            env["NODE_ENV"] = Options.EnvironmentName.Equals("Production", StringComparison.OrdinalIgnoreCase) ? "production" : "development";
        }

        if (Options.OtlpEndpoint is { Length: > 0 } otlp)
        {
            env["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
            env["OTEL_EXPORTER_OTLP_PROTOCOL"] = Options.OtlpProtocol;
            env["OTEL_EXPORTER_OTLP_HEADERS"] = $"x-otlp-api-key={Options.OtlpApiKey}";
        }
        env["OTEL_SERVICE_NAME"] = Resource.Name;
        env["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={Guid.NewGuid():N}";
        env["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
        env["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
        env["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
        env["OTEL_METRICS_EXEMPLAR_FILTER"] = "trace_based";
        env["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EXCEPTION_LOG_ATTRIBUTES"] = "true";
        env["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EVENT_LOG_ATTRIBUTES"] = "true";
        env["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory";

        foreach (var reference in Resource.References)
        {
            if (reference is IResourceWithConnectionString withConnectionString)
            {
                env[$"ConnectionStrings__{withConnectionString.ConnectionStringName}"] =
                    await withConnectionString.GetConnectionStringAsync(cancellationToken);
            }
            if (reference.Endpoint is { } endpoint && reference is not IResourceWithConnectionString)
            {
                env[$"services__{reference.Name}__{endpoint.Name}__0"] = endpoint.Url;
            }
        }

        foreach (var (key, value) in Resource.Environment)
        {
            env[key] = value.Resolve();
        }
        if (Options.EnvironmentOverrides.TryGetValue(Resource.Name, out var overrides))
        {
            foreach (var (key, value) in overrides)
            {
                env[key] = value;
            }
        }
        return env;
    }

    public static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
