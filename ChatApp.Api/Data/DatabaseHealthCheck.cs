using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatApp.Api.Data;

/// <summary>Readiness: the database answers a query.</summary>
public class DatabaseHealthCheck(ChatDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        await db.Database.CanConnectAsync(ct)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database does not answer.");
}
