using ChatApp.Api.Services;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace ChatApp.Api.Data;

/// <summary>Recognises the failures that mean "the database cannot serve us right now", as opposed to a bug.</summary>
public static class DatabaseFailures
{
    /// <summary>What clients are told to wait before retrying while the database is unreachable.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether the exception, or one it wraps (EF Core wraps provider errors), is the database being unreachable, slow
    /// past its timeout, out of resources (disk full, too many connections) or shutting down.
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException { IsTransient: true } or TimeoutException)
            {
                return true;
            }
        }
        return false;
    }

    public static ChatException Unavailable(Exception? cause = null) =>
        ChatException.Unavailable("The chat cannot reach its database right now; nothing was lost.", RetryAfter, cause);
}

/// <summary>
/// Remembers whether the last write to the database or the upload folder failed (disk full, say), so <c>/health</c>
/// reports Degraded while reads still work; the next successful write clears it.
/// </summary>
public sealed class WriteHealth : IHealthCheck
{
    private volatile string? _lastFailure;

    public void Failed(string what) => _lastFailure = what;

    public void Succeeded() => _lastFailure = null;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_lastFailure is { } failure
            ? HealthCheckResult.Degraded($"The last write failed: {failure}")
            : HealthCheckResult.Healthy());
}
