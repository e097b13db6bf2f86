namespace ChatApp.Api.Webhooks;

public class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Whether this API instance sends deliveries (every instance writes the outbox either way).</summary>
    public bool DeliveryEnabled { get; set; } = true;

    /// <summary>
    /// Allows endpoints on loopback, private, link-local and other non-public addresses. Off in production: it would let
    /// an admin's webhook reach the internal network. For development and tests only.
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>How long one delivery attempt may take, connection included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a failing delivery is retried after the event, before it is marked failed.</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The wait after the first failed attempt; it doubles after each further failure, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often each instance looks for deliveries that are due (besides being woken by its own events).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long an instance holds an endpoint while it delivers to it. Longer than <see cref="Timeout"/>: an instance that
    /// dies mid-delivery leaves the endpoint to the others after this.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Endpoints one instance delivers to at the same time (each one delivery at a time).</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Finished deliveries (succeeded or failed) are deleted after this.</summary>
    public TimeSpan KeepDeliveriesFor { get; set; } = TimeSpan.FromDays(14);

    /// <summary>The wait before attempt <paramref name="attempts"/> + 1, after <paramref name="attempts"/> failures.</summary>
    public TimeSpan RetryDelay(int attempts)
    {
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(FirstRetryDelay.Ticks * factor, MaxRetryDelay.Ticks));
        return delay < MaxRetryDelay ? delay : MaxRetryDelay;
    }
}
