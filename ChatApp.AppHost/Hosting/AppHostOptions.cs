using System.Security.Cryptography;

namespace ChatApp.AppHost.Hosting;

/// <summary>Settings of one AppHost run, from configuration (appsettings.json, environment, command line).</summary>
public sealed class AppHostOptions
{
    /// <summary>Folder of the AppHost project; relative paths in the app model start here.</summary>
    public required string AppHostDirectory { get; init; }

    /// <summary><c>Development</c> unless configured (<c>Environment</c>).</summary>
    public string EnvironmentName { get; set; } = "Development";

    /// <summary>Print the startup table, state changes and resource output on the console (<c>AppHost:Console</c>).</summary>
    public bool ConsoleOutput { get; set; } = true;

    /// <summary>Print each resource's output lines on the console (<c>AppHost:ShowLogs</c>).</summary>
    public bool ShowResourceLogs { get; set; } = true;

    /// <summary>Lines printed under the startup table, once every resource is up (e.g. the dashboard's login link).</summary>
    public List<string> ReadyLines { get; } = [];

    /// <summary>
    /// When a resource fails (also after start-up), stop the whole app and exit non-zero (<c>AppHost:StopOnResourceFailure</c>).
    /// When false, only its dependents stop and the app keeps running (for a dashboard that can restart resources).
    /// </summary>
    public bool StopOnResourceFailure { get; set; } = true;

    /// <summary>Pick free ports for every endpoint, ignoring preferred ports (tests).</summary>
    public bool RandomizePorts { get; set; }

    /// <summary>Run PostgreSQL in a temp folder deleted on stop, whatever the app model says (<c>Postgres:Ephemeral</c>; tests).</summary>
    public bool EphemeralPostgres { get; set; }

    /// <summary>Keep generated parameter values (passwords) in the git-ignored <c>.data/parameters.json</c> (<c>AppHost:PersistParameters</c>); off for tests.</summary>
    public bool PersistGeneratedParameters { get; set; } = true;

    /// <summary>Folder of the PostgreSQL server binaries (<c>Postgres:BinDirectory</c>); null to search.</summary>
    public string? PostgresBinDirectory { get; set; }

    /// <summary>
    /// Where the services send OTLP (<c>Otlp:Endpoint</c>, e.g. <c>http://127.0.0.1:18890</c>); the dashboard's receiver
    /// sets it when it starts. While null, the services get no <c>OTEL_EXPORTER_OTLP_*</c> variables and export
    /// nothing: an exporter aimed at a port where nothing listens retries, logs and delays every shutdown.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>OTLP protocol (<c>Otlp:Protocol</c>): <c>http/protobuf</c> or <c>grpc</c>.</summary>
    public string OtlpProtocol { get; set; } = "http/protobuf";

    /// <summary>API key the services send in <c>x-otlp-api-key</c>; generated per run unless configured (<c>Otlp:ApiKey</c>).</summary>
    public string OtlpApiKey { get; set; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>How long a resource gets to stop gracefully before it is killed.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a resource may take to become healthy before it counts as failed.</summary>
    public TimeSpan HealthTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Set by <c>publish --output-path</c>: write the compose manifest instead of running.</summary>
    public string? PublishOutputPath { get; set; }

    /// <summary>Port overrides by resource name (<c>Ports:&lt;name&gt;</c>); 0 means any free port.</summary>
    public Dictionary<string, int> Ports { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Environment overrides by resource name (<c>Resources:&lt;name&gt;:Environment:&lt;VAR&gt;</c>), applied last.</summary>
    public Dictionary<string, Dictionary<string, string>> EnvironmentOverrides { get; } = new(StringComparer.OrdinalIgnoreCase);
}
