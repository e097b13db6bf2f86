namespace ChatApp.AppHost.Dashboard;

/// <summary>
/// What the dashboard needs from the AppHost engine: the resources as they are now, their console output, and the
/// stop / start / restart actions. The engine adapts to it in <see cref="AppHostResourceSource"/>; tests use a fake.
/// </summary>
public interface IDashboardResourceSource
{
    /// <summary>Every resource, in app-model order.</summary>
    IReadOnlyList<DashboardResource> GetResources();

    /// <summary>The buffered output lines of a resource with a sequence number above <paramref name="afterSequence"/>, oldest first.</summary>
    IReadOnlyList<DashboardConsoleLine> GetConsoleLines(string resourceName, long afterSequence);

    /// <summary>Values that must never be shown (generated passwords, keys): masked wherever they appear in an environment.</summary>
    IReadOnlyCollection<string> SecretValues { get; }

    /// <summary>Runs an action on a resource; returns once the engine accepted it (a restart may still be under way).</summary>
    /// <exception cref="KeyNotFoundException">No resource has that name.</exception>
    Task ExecuteAsync(string resourceName, ResourceAction action, CancellationToken cancellationToken = default);
}

/// <summary>An action on a resource, as the Resources page offers it.</summary>
public enum ResourceAction
{
    Start,
    Stop,
    Restart,
}

/// <summary>A resource as the dashboard shows it.</summary>
/// <param name="Name">Resource name.</param>
/// <param name="Kind">Postgres, PostgresDatabase, Project, ViteApp, …</param>
/// <param name="State">NotStarted, Waiting, Starting, Running, Stopping, Finished, Exited, FailedToStart.</param>
/// <param name="Health">Healthy or Unhealthy while running; null otherwise.</param>
/// <param name="StartedAt">When its process last started.</param>
/// <param name="StoppedAt">When it last ended.</param>
/// <param name="ExitCode">Exit code once ended.</param>
/// <param name="ProcessId">Process id while running.</param>
/// <param name="Reason">Why it failed or stopped, in one line.</param>
/// <param name="Endpoints">Addresses it listens on (<c>http://…</c> shown as links).</param>
/// <param name="Environment">The environment it was started with, unmasked: the dashboard masks secrets before showing it.</param>
public sealed record DashboardResource(
    string Name,
    string Kind,
    string State,
    string? Health,
    DateTimeOffset? StartedAt,
    DateTimeOffset? StoppedAt,
    int? ExitCode,
    int? ProcessId,
    string? Reason,
    IReadOnlyList<string> Endpoints,
    IReadOnlyDictionary<string, string> Environment);

/// <summary>One line of a resource's console output.</summary>
public sealed record DashboardConsoleLine(long Sequence, DateTimeOffset Timestamp, string Text, bool IsError);
