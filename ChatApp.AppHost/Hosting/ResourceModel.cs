namespace ChatApp.AppHost.Hosting;

/// <summary>Lifecycle states, named as Aspire names them.</summary>
public enum ResourceState
{
    /// <summary>Not started yet, or stopped before it started.</summary>
    NotStarted,
    /// <summary>Waiting for the resources it waits for.</summary>
    Waiting,
    /// <summary>Being prepared or started (for a Vite app this includes <c>npm ci</c>).</summary>
    Starting,
    /// <summary>Running; see <see cref="ResourceSnapshot.Health"/> for readiness.</summary>
    Running,
    /// <summary>Being stopped by the AppHost.</summary>
    Stopping,
    /// <summary>Ran to completion with exit code 0.</summary>
    Finished,
    /// <summary>Ended: stopped, or exited with a non-zero code.</summary>
    Exited,
    /// <summary>Could not start: a dependency failed, a port was taken, a binary is missing, …</summary>
    FailedToStart,
}

/// <summary>Health of a running resource.</summary>
public enum HealthStatus
{
    /// <summary>Its health checks pass (or it has none).</summary>
    Healthy,
    /// <summary>A health check fails or has not passed yet.</summary>
    Unhealthy,
}

/// <summary>An immutable view of one resource, as a dashboard or a test reads it.</summary>
/// <param name="Name">Resource name (see <c>ChatApp.AppHost.Resources</c>).</param>
/// <param name="Type">Kind: Postgres, PostgresDatabase, Project, ViteApp.</param>
/// <param name="State">Lifecycle state.</param>
/// <param name="Health">Health while running; null when not running.</param>
/// <param name="ExitCode">Exit code once ended.</param>
/// <param name="ProcessId">Process id while running.</param>
/// <param name="Url">Address of its endpoint, when it has one.</param>
/// <param name="Reason">Why it failed or stopped, in one line.</param>
/// <param name="StartedAt">When its process started.</param>
/// <param name="StoppedAt">When it ended.</param>
/// <param name="Environment">The environment the AppHost gave it (secrets included: for local display only).</param>
public sealed record ResourceSnapshot(
    string Name,
    string Type,
    ResourceState State,
    HealthStatus? Health,
    int? ExitCode,
    int? ProcessId,
    string? Url,
    string? Reason,
    DateTimeOffset? StartedAt,
    DateTimeOffset? StoppedAt,
    IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>Running and healthy, or finished successfully.</summary>
    public bool IsUp => (State == ResourceState.Running && Health == HealthStatus.Healthy) || State == ResourceState.Finished;

    /// <summary>Ended or failed: nothing more will happen unless it is restarted.</summary>
    public bool IsTerminal => State is ResourceState.Finished or ResourceState.Exited or ResourceState.FailedToStart;
}

/// <summary>An endpoint a resource listens on; the AppHost picks the port before anything starts.</summary>
public sealed class EndpointAnnotation(string name, string scheme)
{
    /// <summary>Endpoint name (<c>http</c>, <c>tcp</c>), used in the service discovery variable.</summary>
    public string Name { get; } = name;

    /// <summary>URL scheme.</summary>
    public string Scheme { get; } = scheme;

    /// <summary>A port that must be used (fails when taken); null to let the AppHost choose.</summary>
    public int? Port { get; set; }

    /// <summary>A port tried first when <see cref="Port"/> is null; another free port is used when it is taken.</summary>
    public int? PreferredPort { get; set; }

    /// <summary>Reachable from outside the app (shown as the address to open; published with a host port).</summary>
    public bool IsExternal { get; set; }

    /// <summary>The port in use, set when the app starts.</summary>
    public int AllocatedPort { get; internal set; }

    /// <summary>Address on the loopback interface.</summary>
    public string Url => $"{Scheme}://127.0.0.1:{AllocatedPort}";
}

/// <summary>An environment variable's value: a literal, or a parameter resolved at start (and a placeholder when published).</summary>
public sealed record EnvironmentValue(string? Literal, ParameterResource? Parameter)
{
    /// <summary>The value to give the process.</summary>
    public string Resolve() => Parameter?.Value ?? Literal ?? "";
}

/// <summary>
/// A value that differs per machine or environment (a password, an e-mail): from configuration
/// (<c>Parameters:&lt;name&gt;</c>), else generated once and kept in a git-ignored file; an <c>.env</c> placeholder when published.
/// </summary>
public sealed class ParameterResource(string name, bool secret, Func<string> value)
{
    private readonly Lazy<string> _value = new(value);

    /// <summary>Parameter name.</summary>
    public string Name { get; } = name;

    /// <summary>A secret: never written into a manifest, masked in displays.</summary>
    public bool Secret { get; } = secret;

    /// <summary>The value for local runs.</summary>
    public string Value => _value.Value;

    /// <summary>The variable that holds it in a published <c>.env</c> (<c>admin-password</c> → <c>ADMIN_PASSWORD</c>).</summary>
    public string EnvVariableName => Name.Replace('-', '_').ToUpperInvariant();
}

/// <summary>A dependency declared with <c>WaitFor</c> or <c>WaitForCompletion</c>.</summary>
public sealed record WaitAnnotation(Resource Resource, bool ForCompletion);

/// <summary>Base of every resource in the app model.</summary>
public abstract class Resource(string name)
{
    /// <summary>Resource name, unique in the app.</summary>
    public string Name { get; } = name;

    /// <summary>Kind of resource, for display.</summary>
    public abstract string Type { get; }

    /// <summary>Resources to wait for before this one starts.</summary>
    public List<WaitAnnotation> Waits { get; } = [];

    /// <summary>Resources whose connection string or address this one receives.</summary>
    public List<Resource> References { get; } = [];

    /// <summary>Extra environment variables: a literal or a parameter (a placeholder when published).</summary>
    public Dictionary<string, EnvironmentValue> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>The endpoint it listens on, if any.</summary>
    public EndpointAnnotation? Endpoint { get; set; }

    /// <summary>Path of its HTTP health check, if any.</summary>
    public string? HealthCheckPath { get; set; }

    /// <summary>Resources this one cannot run without (parent, waits, references).</summary>
    public virtual IEnumerable<Resource> Dependencies => Waits.Select(w => w.Resource).Concat(References).Distinct();

    /// <summary>Starts the resource; called by the AppHost once its waits are satisfied.</summary>
    internal abstract Task<RunningResource> StartAsync(ResourceContext context, CancellationToken cancellationToken);
}

/// <summary>A resource that other resources reach through a connection string (<c>ConnectionStrings__name</c>).</summary>
public interface IResourceWithConnectionString
{
    /// <summary>Name under <c>ConnectionStrings</c>.</summary>
    string ConnectionStringName { get; }

    /// <summary>The connection string, available once the resource runs.</summary>
    Task<string> GetConnectionStringAsync(CancellationToken cancellationToken = default);
}

/// <summary>A started resource: how it ends, how to stop it, how to check it.</summary>
internal sealed class RunningResource
{
    /// <summary>Completes with the exit code when the resource ends.</summary>
    public required Task<int> Exited { get; init; }

    /// <summary>Stops it (graceful first) and returns once it ended.</summary>
    public required Func<Task> StopAsync { get; init; }

    /// <summary>Process id, when there is a process.</summary>
    public int? ProcessId { get; init; }

    /// <summary>Health check beyond "the process runs"; null means healthy while running.</summary>
    public Func<CancellationToken, Task<bool>>? HealthCheck { get; init; }

    /// <summary>The environment it was started with.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The most telling line of its output when it failed (an error or the last line).</summary>
    public Func<string?> FailureHint { get; init; } = () => null;

    /// <summary>A resource that is one child process, healthy by its endpoint's probe.</summary>
    public static RunningResource ForProcess(Resource resource, ChildProcess process, ResourceContext context, IReadOnlyDictionary<string, string> environment) => new()
    {
        Exited = process.Exited,
        ProcessId = process.Id,
        StopAsync = () => process.StopAsync(context.Options.StopTimeout),
        HealthCheck = Probes.For(resource),
        Environment = environment,
        FailureHint = process.FailureHint,
    };
}
