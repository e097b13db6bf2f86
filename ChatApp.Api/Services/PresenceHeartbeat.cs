using Microsoft.Extensions.Options;

namespace ChatApp.Api.Services;

/// <summary>Runs <see cref="PresenceService.HeartbeatAsync"/> every <see cref="PresenceOptions.HeartbeatInterval"/>, and forgets this instance's connections when it stops.</summary>
public sealed class PresenceHeartbeat(
    IServiceScopeFactory scopes, ApiInstance instance, IOptions<PresenceOptions> options, ILogger<PresenceHeartbeat> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (stoppingToken.IsCancellationRequested) break;
                await RunAsync((presence, ct) => presence.HeartbeatAsync(ct), "The presence heartbeat", stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (instance.StaffConnections > 0)
        {
            // Briefly: a database that does not answer must not hold up the shutdown (the rows time out anyway).
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await RunAsync((presence, ct) => presence.ForgetInstanceAsync(ct), "Forgetting this instance's connections", timeout.Token);
        }
    }

    private async Task RunAsync(Func<PresenceService, CancellationToken, Task> work, string what, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await work(scope.ServiceProvider.GetRequiredService<PresenceService>(), ct);
        }
        catch (Exception ex)
        {
            // The next beat tries again; connections of an instance that cannot reach the database time out anyway.
            logger.LogWarning(ex, "{What} failed", what);
        }
    }
}
