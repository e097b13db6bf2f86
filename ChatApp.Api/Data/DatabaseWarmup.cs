using Microsoft.EntityFrameworkCore;

namespace ChatApp.Api.Data;

/// <summary>
/// Connects to the database once before the API starts listening. The first query pays for EF Core's model and the
/// connection pool (seconds on a busy machine): longer than a /health probe waits.
/// </summary>
internal sealed class DatabaseWarmup(IServiceScopeFactory scopes, ILogger<DatabaseWarmup> logger) : IHostedLifecycleService
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    /// <summary>Runs before every hosted service's StartAsync, the web server's included.</summary>
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Limit);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ChatDbContext>().Database.CanConnectAsync(timeout.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Not fatal: /health says so until the database answers.
            logger.LogWarning("The database did not answer at start-up: {Reason}", e.Message);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
