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
}
