using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ChatApp.Api.Services;

/// <summary>The API's own traces and metrics, exported by the service defaults under the name "ChatApp.Api".</summary>
public static class ChatTelemetry
{
    public const string Name = "ChatApp.Api";

    public static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> MessagesSent =
        Meter.CreateCounter<long>("chat.messages.sent", "{message}", "Messages stored and broadcast");

    public static readonly UpDownCounter<long> HubConnections =
        Meter.CreateUpDownCounter<long>("chat.hub.connections", "{connection}", "Open chat hub connections");

    /// <summary>From a message's arrival (hub call or REST request) until it is stored and its broadcast is queued.</summary>
    public static readonly Histogram<double> MessageDeliveryDuration =
        Meter.CreateHistogram("chat.message.delivery.duration", "s", "Time from receiving a message to its broadcast",
            tags: null, advice: new InstrumentAdvice<double>
            {
                // The SDK's default buckets (0, 5, 10, … 10000) suit milliseconds; these suit seconds.
                HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
            });
}
