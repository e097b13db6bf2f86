namespace ChatApp.Api.Data.Entities;

public enum WebhookDeliveryStatus
{
    /// <summary>Waiting for its first attempt or for its next retry.</summary>
    Pending,
    Succeeded,

    /// <summary>Given up: every attempt failed for the whole retry period (or the endpoint was refused).</summary>
    Failed
}

/// <summary>
/// One event for one endpoint: the webhook outbox. Written in the same transaction as the change that caused it, so an
/// API crash loses none; delivered in <see cref="Id"/> order per endpoint.
/// </summary>
public class WebhookDelivery
{
    /// <summary>Database identity: the order of delivery per endpoint.</summary>
    public long Id { get; set; }
    public Guid EndpointId { get; set; }
    public WebhookEndpoint Endpoint { get; set; } = null!;

    /// <summary>Sent as <c>X-ChatApp-Delivery</c>: unique, so receivers can ignore a delivery they already processed.</summary>
    public Guid DeliveryId { get; set; } = Guid.NewGuid();
    public required string Event { get; set; }

    /// <summary>The JSON body, exactly as sent and signed.</summary>
    public required string Payload { get; set; }
    public WebhookDeliveryStatus Status { get; set; } = WebhookDeliveryStatus.Pending;
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}
