using ChatApp.AppHost.Dashboard.Telemetry;

namespace ChatApp.AppHost.Dashboard.Web;

/// <summary>The charts of the Metrics page: the key ones of a service, and one instrument's.</summary>
internal static class MetricCharts
{
    private const int Steps = 60;

    // Instruments: ASP.NET Core's request duration, ChatApp's own meter ("ChatApp.Api"), SignalR's connection count.
    public const string HttpServerDuration = "http.server.request.duration";
    public const string MessagesSent = "chat.messages.sent";
    public const string HubConnections = "chat.hub.connections";
    public const string DeliveryDuration = "chat.message.delivery.duration";
    public const string SignalRConnections = "signalr.server.active_connections";

    public static IReadOnlyList<MetricChart> Overview(TelemetryStore store, string service, TimeSpan window)
    {
        var (from, step, startMs) = Grid(window);
        var http = store.GetSeries(service, HttpServerDuration);
        // A hub connection is one HTTP request (a WebSocket) lasting as long as the connection: it would swamp the latency.
        var requests = http.Where(s => !s.Attributes.Any(a => a.Key == "http.route" && a.Value.StartsWith("/hubs/", StringComparison.Ordinal))).ToList();
        var messages = store.GetSeries(service, MessagesSent);
        var hub = store.GetSeries(service, HubConnections);
        if (hub.Count == 0)
        {
            hub = store.GetSeries(service, SignalRConnections);
        }
        var delivery = store.GetSeries(service, DeliveryDuration);
        var httpScale = Scale(http);
        var deliveryScale = Scale(delivery);
        return
        [
            new("Requests per second", "req/s", startMs, step, [new("requests/s", MetricMath.Rate(http, from, step, Steps))]),
            new("Request latency (hub connections excluded)", "ms", startMs, step,
            [
                new("p50", Times(MetricMath.Percentile(requests, 50, from, step, Steps), httpScale)),
                new("p95", Times(MetricMath.Percentile(requests, 95, from, step, Steps), httpScale)),
            ]),
            new("Messages per second", "msg/s", startMs, step, [new("messages/s", MetricMath.Rate(messages, from, step, Steps))]),
            new("Open hub connections", "connections", startMs, step, [new("connections", MetricMath.Current(hub, from, step, Steps))]),
            new("Message delivery time", "ms", startMs, step,
            [
                new("p50", Times(MetricMath.Percentile(delivery, 50, from, step, Steps), deliveryScale)),
                new("p95", Times(MetricMath.Percentile(delivery, 95, from, step, Steps), deliveryScale)),
            ]),
        ];
    }

    public static IReadOnlyList<MetricChart> ForInstrument(TelemetryStore store, string service, string name, TimeSpan window)
    {
        var (from, step, startMs) = Grid(window);
        var series = store.GetSeries(service, name);
        if (series.Count == 0)
        {
            return [];
        }
        var d = series[^1].Descriptor;
        var unit = string.IsNullOrEmpty(d.Unit) ? "" : d.Unit;
        switch (d.Kind)
        {
            case MetricKind.Histogram:
                var scale = Scale(series);
                var shownUnit = scale == 1000 ? "ms" : unit;
                return
                [
                    new($"{name} (percentiles)", shownUnit, startMs, step,
                    [
                        new("p50", Times(MetricMath.Percentile(series, 50, from, step, Steps), scale)),
                        new("p95", Times(MetricMath.Percentile(series, 95, from, step, Steps), scale)),
                        new("p99", Times(MetricMath.Percentile(series, 99, from, step, Steps), scale)),
                        new("mean", Times(MetricMath.Mean(series, from, step, Steps), scale)),
                    ]),
                    new($"{name} (count per second)", "/s", startMs, step, [new("count/s", MetricMath.Rate(series, from, step, Steps))]),
                ];
            case MetricKind.ExponentialHistogram or MetricKind.Summary:
                return
                [
                    new($"{name} (mean)", unit, startMs, step, [new("mean", MetricMath.Mean(series, from, step, Steps))]),
                    new($"{name} (count per second)", "/s", startMs, step, [new("count/s", MetricMath.Rate(series, from, step, Steps))]),
                ];
            case MetricKind.Sum when d.IsMonotonic:
                return [new($"{name} (per second)", unit + "/s", startMs, step, [new("rate", MetricMath.Rate(series, from, step, Steps))])];
            default:
                return [new(name, unit, startMs, step, [new("value", MetricMath.Current(series, from, step, Steps))])];
        }
    }

    /// <summary>Durations in seconds are shown in milliseconds.</summary>
    private static double Scale(IReadOnlyList<MetricSeriesSnapshot> series) => series.Count > 0 && series[^1].Descriptor.Unit == "s" ? 1000 : 1;

    private static double?[] Times(double?[] values, double factor) => [.. values.Select(v => v * factor)];

    /// <summary>The window cut into <see cref="Steps"/> steps, aligned so that the steps stay put between two polls.</summary>
    private static (long FromUnixNano, double StepSeconds, double StartUnixMs) Grid(TimeSpan window)
    {
        var step = Math.Max(1, window.TotalSeconds / Steps);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var end = Math.Floor(now / step) * step + step;
        var start = end - step * Steps;
        return ((long)(start * 1e9), step, start * 1000);
    }
}
