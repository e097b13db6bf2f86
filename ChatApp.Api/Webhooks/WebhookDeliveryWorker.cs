using ChatApp.Api.Data.Entities;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatApp.Api.Webhooks;

/// <summary>
/// Sends the outbox. Every instance runs it; PostgreSQL decides who delivers what: an instance first leases an endpoint
/// whose oldest pending delivery is due (<c>FOR UPDATE SKIP LOCKED</c>, then a lease time on the row), then sends that
/// endpoint's deliveries one at a time in id order while it holds the lease. So each delivery goes out once, at most
/// one per endpoint is in flight across all instances, and a failing delivery holds back the ones after it until it
/// succeeds or is given up (exponential backoff for <see cref="WebhookOptions.RetryFor"/>). An instance that dies
/// mid-delivery leaves its lease to expire; another instance then sends that delivery again (same X-ChatApp-Delivery).
/// </summary>
public sealed class WebhookDeliveryWorker(
    NpgsqlDataSource dataSource, WebhookSender sender, WebhookSignal signal, IOptions<WebhookOptions> options,
    ILogger<WebhookDeliveryWorker> logger) : BackgroundService
{
    private readonly WebhookOptions _options = options.Value;
    private readonly Guid _instance = Guid.NewGuid();
    private DateTimeOffset _nextCleanup = DateTimeOffset.MinValue;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.DeliveryEnabled)
        {
            return Task.CompletedTask;
        }
        return Task.WhenAll(Enumerable.Range(0, Math.Max(1, _options.MaxConcurrency))
            .Select(slot => Task.Run(() => RunSlotAsync(slot, stoppingToken), CancellationToken.None)));
    }

    private async Task RunSlotAsync(int slot, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var worked = false;
            try
            {
                if (slot == 0)
                {
                    await CleanUpAsync(stoppingToken);
                }
                if (await ClaimAsync(stoppingToken) is { } endpoint)
                {
                    worked = true;
                    await DeliverAsync(endpoint, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Most likely the database is away: wait longer than a poll, so the log is not flooded meanwhile.
                logger.LogWarning(ex, "Webhook delivery failed; trying again shortly");
                try
                {
                    await Task.Delay(_options.PollInterval * 10, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            if (!worked)
            {
                try
                {
                    await signal.WaitAsync(_options.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private sealed record LeasedEndpoint(Guid Id, string Url, string Secret);

    private sealed record Due(long Id, Guid DeliveryId, string Event, string Payload, int Attempts);

    private const string ClaimSql = """
        UPDATE webhook_endpoints e SET lease_owner = $1, lease_expires_at = now() + $2
        WHERE e.id = (
            SELECT c.id FROM webhook_endpoints c
            WHERE c.enabled AND (c.lease_expires_at IS NULL OR c.lease_expires_at < now())
              AND (SELECT d.next_attempt_at FROM webhook_deliveries d
                   WHERE d.endpoint_id = c.id AND d.status = 'Pending' ORDER BY d.id LIMIT 1) <= now()
            ORDER BY c.lease_expires_at NULLS FIRST, c.id
            LIMIT 1
            FOR UPDATE SKIP LOCKED)
        RETURNING e.id, e.url, e.secret
        """;

    private async Task<LeasedEndpoint?> ClaimAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(ClaimSql);
        command.Parameters.Add(new() { Value = _instance });
        command.Parameters.Add(new() { Value = _options.Lease });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new LeasedEndpoint(reader.GetGuid(0), reader.GetString(1), reader.GetString(2)) : null;
    }

    /// <summary>Sends the endpoint's due deliveries in order while the lease holds; stops at the first failure.</summary>
    private async Task DeliverAsync(LeasedEndpoint endpoint, CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested && await NextDueAsync(endpoint.Id, stoppingToken) is { } due)
            {
                // The endpoint row may have changed (URL, secret, disabled) since the claim: read it with the lease renewal.
                var current = await RenewAsync(endpoint.Id, stoppingToken);
                if (current is null)
                {
                    return;
                }
                var attempt = await sender.SendAsync(current.Url, current.Secret, due.Event, due.DeliveryId, due.Payload, stoppingToken);
                await RecordAsync(due, attempt, CancellationToken.None);
                if (!attempt.Succeeded)
                {
                    logger.LogInformation("Webhook delivery {DeliveryId} ({Event}) to endpoint {EndpointId} failed: {Error}",
                        due.DeliveryId, due.Event, endpoint.Id, attempt.Error);
                    return;
                }
            }
        }
        finally
        {
            // Not cancelled: on shutdown the next instance may take the endpoint over at once.
            await ReleaseAsync(endpoint.Id);
        }
    }

    private async Task<Due?> NextDueAsync(Guid endpointId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, delivery_id, event, payload, next_attempt_at <= now(), attempts FROM webhook_deliveries
            WHERE endpoint_id = $1 AND status = 'Pending' ORDER BY id LIMIT 1
            """);
        command.Parameters.Add(new() { Value = endpointId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) && reader.GetBoolean(4)
            ? new Due(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(5))
            : null;
    }

    private async Task<LeasedEndpoint?> RenewAsync(Guid endpointId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE webhook_endpoints SET lease_expires_at = now() + $3
            WHERE id = $1 AND lease_owner = $2 AND enabled
            RETURNING id, url, secret
            """);
        command.Parameters.Add(new() { Value = endpointId });
        command.Parameters.Add(new() { Value = _instance });
        command.Parameters.Add(new() { Value = _options.Lease });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new LeasedEndpoint(reader.GetGuid(0), reader.GetString(1), reader.GetString(2)) : null;
    }

    private async Task RecordAsync(Due due, WebhookAttempt attempt, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(attempt.Succeeded
            ? """
              UPDATE webhook_deliveries SET status = 'Succeeded', attempts = attempts + 1, last_attempt_at = now(),
                  last_status_code = $2, last_error = NULL, completed_at = now()
              WHERE id = $1 AND status = 'Pending'
              """
            : """
              UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = now(), last_status_code = $2, last_error = $3,
                  next_attempt_at = now() + $4,
                  status = CASE WHEN now() + $4 > created_at + $5 THEN 'Failed' ELSE 'Pending' END,
                  completed_at = CASE WHEN now() + $4 > created_at + $5 THEN now() END
              WHERE id = $1 AND status = 'Pending'
              """);
        command.Parameters.Add(new() { Value = due.Id });
        command.Parameters.Add(new() { Value = (object?)attempt.StatusCode ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        if (!attempt.Succeeded)
        {
            command.Parameters.Add(new() { Value = WebhookRules.Truncate(attempt.Error), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new() { Value = _options.RetryDelay(due.Attempts + 1) });
            command.Parameters.Add(new() { Value = _options.RetryFor });
        }
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task ReleaseAsync(Guid endpointId)
    {
        try
        {
            await using var command = dataSource.CreateCommand(
                "UPDATE webhook_endpoints SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2");
            command.Parameters.Add(new() { Value = endpointId });
            command.Parameters.Add(new() { Value = _instance });
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Releasing webhook endpoint {EndpointId} failed; its lease expires by itself", endpointId);
        }
    }

    /// <summary>Deletes finished deliveries older than <see cref="WebhookOptions.KeepDeliveriesFor"/>, a batch every few minutes.</summary>
    private async Task CleanUpAsync(CancellationToken ct)
    {
        if (DateTimeOffset.UtcNow < _nextCleanup)
        {
            return;
        }
        _nextCleanup = DateTimeOffset.UtcNow.AddMinutes(10);
        await using var command = dataSource.CreateCommand("""
            DELETE FROM webhook_deliveries WHERE id IN (
                SELECT id FROM webhook_deliveries WHERE completed_at < now() - $1 LIMIT 10000)
            """);
        command.Parameters.Add(new() { Value = _options.KeepDeliveriesFor });
        await command.ExecuteNonQueryAsync(ct);
    }
}
