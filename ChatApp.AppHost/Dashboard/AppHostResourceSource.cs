using ChatApp.AppHost.Hosting;

namespace ChatApp.AppHost.Dashboard;

/// <summary>The engine as the dashboard sees it: resource snapshots, console buffers and the resource commands.</summary>
public sealed class AppHostResourceSource(DistributedApplication app) : IDashboardResourceSource
{
    /// <inheritdoc />
    public IReadOnlyCollection<string> SecretValues =>
        [.. app.Parameters.Where(p => p.Secret).Select(SafeValue).Where(v => v.Length > 0), app.Options.OtlpApiKey];

    /// <inheritdoc />
    public IReadOnlyList<DashboardResource> GetResources() =>
        [.. app.Notifications.GetAll().Select(s => new DashboardResource(
            s.Name, s.Type, s.State.ToString(), s.Health?.ToString(), s.StartedAt, s.StoppedAt, s.ExitCode, s.ProcessId, s.Reason,
            s.Url is { } url ? [url] : [], s.Environment))];

    /// <inheritdoc />
    public IReadOnlyList<DashboardConsoleLine> GetConsoleLines(string resourceName, long afterSequence) =>
        [.. app.Logs.Get(resourceName).Where(l => l.Sequence > afterSequence)
            .Select(l => new DashboardConsoleLine(l.Sequence, l.Timestamp, l.Text, l.IsError))];

    /// <inheritdoc />
    public Task ExecuteAsync(string resourceName, ResourceAction action, CancellationToken cancellationToken = default)
    {
        if (!app.Resources.Any(r => r.Name == resourceName))
        {
            throw new KeyNotFoundException($"There is no resource named '{resourceName}'.");
        }
        // A stop or restart asked for from a page must finish even if the browser goes away.
        return action switch
        {
            ResourceAction.Start => app.Commands.StartResourceAsync(resourceName, CancellationToken.None),
            ResourceAction.Stop => app.Commands.StopResourceAsync(resourceName, CancellationToken.None),
            _ => app.Commands.RestartResourceAsync(resourceName, CancellationToken.None),
        };
    }

    private static string SafeValue(ParameterResource parameter)
    {
        try
        {
            return parameter.Value;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            return ""; // A parameter that cannot be resolved was never given to a resource either.
        }
    }
}
