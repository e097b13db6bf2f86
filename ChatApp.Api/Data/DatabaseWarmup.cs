using Microsoft.EntityFrameworkCore;

namespace ChatApp.Api.Data;

/// <summary>
/// Connects to the database once before the API takes requests. The first query pays for EF Core's model and the
/// connection pool (seconds on a busy machine): long enough for the AppHost's first /health probe to give up, which
/// the health check service then logs as an error.
/// </summary>
internal sealed class DatabaseWarmup(IServiceScopeFactory scopes, ILogger<DatabaseWarmup> logger) : IHostedService
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    public async Task StartAsync(CancellationToken cancellationToken)
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

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
