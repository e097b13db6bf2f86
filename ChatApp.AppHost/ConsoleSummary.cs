using System.Diagnostics;
using System.Text.RegularExpressions;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Eventing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>
/// Tells a terminal user what the dashboard shows: once every resource is up (running and healthy, or finished with
/// exit code 0), where to go; if a resource fails, which one and the server's own words, and never that the app is up.
/// </summary>
public static partial class ConsoleSummaryExtensions
{
    /// <summary>Prints each resource's URL once all are up, or the first failure with its reason (run mode only).</summary>
    public static IDistributedApplicationBuilder AddConsoleSummary(this IDistributedApplicationBuilder builder)
    {
        if (!builder.ExecutionContext.IsRunMode)
        {
            return builder;
        }
        var started = Stopwatch.StartNew();
        builder.Eventing.Subscribe<BeforeStartEvent>((e, ct) =>
        {
            var stopping = e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            _ = Task.Run(() => WatchAsync(e.Model, e.Services, builder.Configuration, started, stopping), CancellationToken.None);
            return Task.CompletedTask;
        });
        return builder;
    }

    private static async Task WatchAsync(DistributedApplicationModel model, IServiceProvider services, IConfiguration configuration,
        Stopwatch started, CancellationToken stopping)
    {
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        var logs = services.GetRequiredService<ResourceLoggerService>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("ChatApp.AppHost");
        var watched = model.Resources.Where(r => r is not ParameterResource).Select(r => r.Name).ToHashSet();
        var latest = new Dictionary<string, ResourceEvent>();
        try
        {
            await foreach (var change in notifications.WatchAsync(stopping))
            {
                if (!watched.Contains(change.Resource.Name))
                {
                    continue;
                }
                if (change.Snapshot.IsHidden)
                {
                    watched.Remove(change.Resource.Name);
                    continue;
                }
                latest[change.ResourceId] = change;
                if (Failure(change.Snapshot) is { } failure)
                {
                    var reason = await LastErrorLinesAsync(logs, change.ResourceId, stopping);
                    logger.LogError("✗ {Resource} {Failure}. Nothing that depends on it will start.{Reason}\n  Its whole log is in the dashboard.",
                        DisplayName(change), failure, reason);
                    return;
                }
                if (watched.All(name => latest.Values.Any(e => e.Resource.Name == name)) && latest.Values.All(e => IsUp(e.Snapshot)))
                {
                    logger.LogInformation("All resources are up ({Seconds:0.0} s after the AppHost started):\n{Urls}\n  Open the frontend: / is a demo shop with the chat bubble, /admin the operators' UI.",
                        started.Elapsed.TotalSeconds, UrlTable(latest.Values, configuration));
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped before everything was up.
        }
    }

    /// <summary>The resource's name, or the replica's when it has several.</summary>
    private static string DisplayName(ResourceEvent e) =>
        e.Resource.TryGetLastAnnotation<ReplicaAnnotation>(out var replicas) && replicas.Replicas > 1 ? e.ResourceId : e.Resource.Name;

    private static string? Failure(CustomResourceSnapshot snapshot) => snapshot.State?.Text switch
    {
        var s when s == KnownResourceStates.FailedToStart => "failed to start",
        var s when s == KnownResourceStates.RuntimeUnhealthy => "cannot run: the container runtime is unhealthy",
        var s when (s == KnownResourceStates.Exited || s == KnownResourceStates.Finished) && snapshot.ExitCode is not (null or 0) =>
            $"exited with code {snapshot.ExitCode}",
        _ => null,
    };

    private static bool IsUp(CustomResourceSnapshot snapshot) => snapshot.State?.Text switch
    {
        var s when s == KnownResourceStates.Running => snapshot.HealthStatus is null or Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy,
        var s when s == KnownResourceStates.Finished || s == KnownResourceStates.Exited => snapshot.ExitCode == 0,
        _ => false,
    };

    private static string UrlTable(IEnumerable<ResourceEvent> resources, IConfiguration configuration)
    {
        // Replicas share their resource's address (DCP's proxy takes them in turns): one row per resource.
        var rows = resources.Where(e => e.Snapshot.State?.Text == KnownResourceStates.Running)
            .GroupBy(e => e.Resource)
            .Select(g => (Name: g.Count() > 1 ? $"{g.Key.Name} ({g.Count()} replicas)" : g.Key.Name,
                          Url: g.Select(e => e.Snapshot.Urls.FirstOrDefault(u => !u.IsInternal)?.Url).FirstOrDefault(u => u is not null)))
            .Where(r => r.Url is not null)
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .Select(r => (r.Name, Url: r.Url!))
            .ToList();
        if (configuration["ASPNETCORE_URLS"]?.Split(';').FirstOrDefault() is { Length: > 0 } dashboard)
        {
            var token = configuration["AppHost:BrowserToken"];
            rows.Add(("dashboard", token is null ? dashboard : $"{dashboard.TrimEnd('/')}/login?t={token}"));
        }
        var width = rows.Max(r => r.Name.Length);
        return string.Join('\n', rows.Select(r => $"  {r.Name.PadRight(width)}  {r.Url}"));
    }

    private static async Task<string> LastErrorLinesAsync(ResourceLoggerService logs, string resourceId, CancellationToken ct)
    {
        var lines = new List<string>();
        try
        {
            await foreach (var batch in logs.GetAllAsync(resourceId).WithCancellation(ct))
            {
                lines.AddRange(batch.Select(l => l.Content));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return "";
        }
        // The lines that say what went wrong (not stack frames), else the last ones.
        var said = lines.Select(l => Timestamp().Replace(l, "").TrimEnd()).Where(l => l.Length > 0 && !l.TrimStart().StartsWith("at ", StringComparison.Ordinal)).ToList();
        var telling = said.Where(l => Telling().IsMatch(l)).TakeLast(3).ToList();
        var last = telling.Count > 0 ? telling : said.TakeLast(3).ToList();
        return last.Count == 0 ? "" : "\n  It said:\n    " + string.Join("\n    ", last);
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT[\d:.]+Z\s?")]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"exception|error|fatal|panic|failed|cannot|could not|no such", RegexOptions.IgnoreCase)]
    private static partial Regex Telling();
}
