using ChatApp.Api.Audit;
using ChatApp.Api.Data;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatApp.Api.Webhooks;

public record WebhookDto(
    Guid Id, string Url, string? Description, IReadOnlyList<string> Events, bool Enabled,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? Secret);

public record SaveWebhookRequest(string? Url, string? Description, IReadOnlyList<string>? Events, bool? Enabled);

public record WebhookDeliveryDto(
    Guid DeliveryId, string Event, WebhookDeliveryStatus Status, int Attempts, int? LastStatusCode, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset? LastAttemptAt, DateTimeOffset? NextAttemptAt, DateTimeOffset? CompletedAt,
    string Payload);

/// <summary>
/// The admins' webhook endpoints and their deliveries. The events themselves are written to the outbox by the database
/// (<see cref="WebhookOutboxSql"/>) in the transaction of the change; this service adds the test events and redeliveries.
/// </summary>
public class WebhookService(ChatDbContext db, AuditLog audit, WebhookSignal signal, IOptions<WebhookOptions> options, TimeProvider time)
{
    public const int MaxListedDeliveries = 100;

    public async Task<IReadOnlyList<WebhookDto>> ListAsync(CancellationToken ct = default) =>
        [.. (await db.WebhookEndpoints.AsNoTracking().OrderBy(e => e.CreatedAt).ToListAsync(ct)).Select(e => ToDto(e, withSecret: false))];

    /// <summary>One endpoint, with its secret (admins may read it again whenever they need it).</summary>
    public async Task<WebhookDto> GetAsync(Guid id, CancellationToken ct = default) => ToDto(await FindAsync(id, ct), withSecret: true);

    public async Task<WebhookDto> CreateAsync(SaveWebhookRequest request, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var endpoint = new WebhookEndpoint
        {
            Url = WebhookRules.ValidUrl(request.Url, options.Value.AllowPrivateAddresses),
            Description = WebhookRules.ValidDescription(request.Description),
            Events = WebhookRules.ValidEvents(request.Events),
            Enabled = request.Enabled ?? true,
            Secret = WebhookSignature.NewSecret(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (await db.WebhookEndpoints.CountAsync(ct) >= WebhookRules.MaxEndpoints)
        {
            throw ChatException.Conflict($"There are already {WebhookRules.MaxEndpoints} webhooks; delete one you no longer use first.");
        }
        db.WebhookEndpoints.Add(endpoint);
        audit.Record(AuditActions.WebhookCreated, "webhook", endpoint.Id, endpoint.Url, new { endpoint.Events, endpoint.Enabled });
        await db.SaveChangesAsync(ct);
        return ToDto(endpoint, withSecret: true);
    }

    /// <summary>Replaces the URL, description, events and enabled flag (the secret stays).</summary>
    public async Task<WebhookDto> UpdateAsync(Guid id, SaveWebhookRequest request, CancellationToken ct = default)
    {
        var endpoint = await FindAsync(id, ct);
        var url = WebhookRules.ValidUrl(request.Url, options.Value.AllowPrivateAddresses);
        var description = WebhookRules.ValidDescription(request.Description);
        var events = WebhookRules.ValidEvents(request.Events);
        var enabled = request.Enabled ?? endpoint.Enabled;
        var changes = new Dictionary<string, object?>();
        if (url != endpoint.Url) changes["url"] = new { From = endpoint.Url, To = url };
        if (description != endpoint.Description) changes["description"] = new { From = endpoint.Description, To = description };
        if (!events.SequenceEqual(endpoint.Events)) changes["events"] = new { From = endpoint.Events, To = events };
        if (enabled != endpoint.Enabled) changes["enabled"] = new { From = endpoint.Enabled, To = enabled };
        if (changes.Count == 0)
        {
            return ToDto(endpoint, withSecret: false);
        }
        endpoint.Url = url;
        endpoint.Description = description;
        endpoint.Events = events;
        endpoint.Enabled = enabled;
        endpoint.UpdatedAt = time.GetUtcNow();
        audit.Record(AuditActions.WebhookUpdated, "webhook", endpoint.Id, endpoint.Url, changes);
        await db.SaveChangesAsync(ct);
        if (enabled)
        {
            signal.Wake();
        }
        return ToDto(endpoint, withSecret: false);
    }

    /// <summary>Deletes the endpoint and its deliveries (pending ones are not sent).</summary>
    public async Task DeleteAsync(Guid id, CancellationToken ct = default)
    {
        var endpoint = await FindAsync(id, ct);
        db.WebhookEndpoints.Remove(endpoint);
        audit.Record(AuditActions.WebhookDeleted, "webhook", endpoint.Id, endpoint.Url);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>A new secret: deliveries signed from now on use it.</summary>
    public async Task<WebhookDto> RotateSecretAsync(Guid id, CancellationToken ct = default)
    {
        var endpoint = await FindAsync(id, ct);
        endpoint.Secret = WebhookSignature.NewSecret();
        endpoint.UpdatedAt = time.GetUtcNow();
        audit.Record(AuditActions.WebhookSecretRotated, "webhook", endpoint.Id, endpoint.Url);
        await db.SaveChangesAsync(ct);
        return ToDto(endpoint, withSecret: true);
    }

    public async Task<IReadOnlyList<WebhookDeliveryDto>> ListDeliveriesAsync(Guid id, int limit, CancellationToken ct = default)
    {
        if (limit is < 1 or > MaxListedDeliveries)
        {
            throw ChatException.Invalid("limit", $"The limit must be between 1 and {MaxListedDeliveries}.");
        }
        await FindAsync(id, ct);
        var deliveries = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.EndpointId == id)
            .OrderByDescending(d => d.Id)
            .Take(limit)
            .ToListAsync(ct);
        return [.. deliveries.Select(ToDto)];
    }

    /// <summary>Queues a <c>webhook.test</c> event for this endpoint (after whatever it is already sending).</summary>
    public async Task<WebhookDeliveryDto> SendTestAsync(Guid id, CancellationToken ct = default)
    {
        var endpoint = await FindAsync(id, ct);
        var now = time.GetUtcNow();
        var delivery = Queue(endpoint, WebhookEvents.Test,
            WebhookEvents.Envelope(WebhookEvents.Test, now, new { Webhook = new { endpoint.Id, endpoint.Url }, Message = "A test event from ChatApp." }), now);
        audit.Record(AuditActions.WebhookTestSent, "webhook", endpoint.Id, endpoint.Url);
        await db.SaveChangesAsync(ct);
        signal.Wake();
        return ToDto(delivery);
    }

    /// <summary>
    /// Sends a delivery's event again, as a new delivery (a new <c>X-ChatApp-Delivery</c>, the same body, so the same
    /// event <c>id</c>), queued after what the endpoint is already sending.
    /// </summary>
    public async Task<WebhookDeliveryDto> RedeliverAsync(Guid id, Guid deliveryId, CancellationToken ct = default)
    {
        var endpoint = await FindAsync(id, ct);
        var original = await db.WebhookDeliveries.AsNoTracking().FirstOrDefaultAsync(d => d.EndpointId == id && d.DeliveryId == deliveryId, ct)
            ?? throw ChatException.NotFound($"This webhook has no delivery {deliveryId}.");
        var delivery = Queue(endpoint, original.Event, original.Payload, time.GetUtcNow());
        audit.Record(AuditActions.WebhookRedelivered, "webhook", endpoint.Id, endpoint.Url,
            new { original.Event, Of = original.DeliveryId, delivery.DeliveryId });
        await db.SaveChangesAsync(ct);
        signal.Wake();
        return ToDto(delivery);
    }

    private WebhookDelivery Queue(WebhookEndpoint endpoint, string eventName, string payload, DateTimeOffset now)
    {
        var delivery = new WebhookDelivery
        {
            EndpointId = endpoint.Id,
            Event = eventName,
            Payload = payload,
            NextAttemptAt = now,
            CreatedAt = now,
        };
        db.WebhookDeliveries.Add(delivery);
        return delivery;
    }

    private async Task<WebhookEndpoint> FindAsync(Guid id, CancellationToken ct) =>
        await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == id, ct) ?? throw ChatException.NotFound($"There is no webhook {id}.");

    private static WebhookDto ToDto(WebhookEndpoint e, bool withSecret) =>
        new(e.Id, e.Url, e.Description, e.Events, e.Enabled, e.CreatedAt, e.UpdatedAt, withSecret ? e.Secret : null);

    private static WebhookDeliveryDto ToDto(WebhookDelivery d) => new(
        d.DeliveryId, d.Event, d.Status, d.Attempts, d.LastStatusCode, d.LastError, d.CreatedAt, d.LastAttemptAt,
        d.Status == WebhookDeliveryStatus.Pending ? d.NextAttemptAt : null, d.CompletedAt, d.Payload);
}

/// <summary>Wakes this instance's delivery worker when it queued something itself (other instances find it by polling).</summary>
public sealed class WebhookSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        try
        {
            if (_signal.CurrentCount == 0) _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // already awake
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}
