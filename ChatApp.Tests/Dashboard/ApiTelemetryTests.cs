using ChatApp.AppHost.Dashboard;
using ChatApp.AppHost.Dashboard.Otlp;
using ChatApp.AppHost.Dashboard.Telemetry;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace ChatApp.Tests.Dashboard;

/// <summary>
/// The API's own telemetry, exported over OTLP by the service defaults (as under the AppHost) into the dashboard's receiver.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ApiTelemetryTests(ApiFixture api) : IAsyncLifetime
{
    private const string ServiceName = "api-telemetry-test";
    private DashboardServer _dashboard = null!;
    private ChatApiFactory _factory = null!;

    public async Task InitializeAsync()
    {
        await api.ResetAsync();
        _dashboard = await DashboardServer.StartAsync(new DashboardOptions
        {
            Url = "http://127.0.0.1:0",
            OtlpHttpUrl = "http://127.0.0.1:0",
            OtlpGrpcUrl = null,
            OtlpApiKey = DashboardFixture.ApiKey,
        }, resources: null);
        // The variables the AppHost gives every service.
        _factory = api.CreateFactory(settings: new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _dashboard.OtlpHttpUri.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_EXPORTER_OTLP_HEADERS"] = $"{OtlpHttpReceiver.ApiKeyHeader}={DashboardFixture.ApiKey}",
            ["OTEL_SERVICE_NAME"] = ServiceName,
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        _factory.StartServer();
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _dashboard.DisposeAsync();
    }

    [Fact]
    public async Task VisitorHubMessage_IsOneTrace_FromTheHubCallThroughTheDatabaseInsert_AndCountsInTheMetrics()
    {
        var session = await api.StartWidgetAsync();
        await using var hub = api.CreateHubConnection(session.VisitorToken, _factory);
        await hub.StartAsync();
        var message = await hub.InvokeAsync<MessageDto>("SendMessage", session.Conversation.Id, Guid.NewGuid().ToString(), "Where is my parcel?", null);

        var conversationId = session.Conversation.Id.ToString();
        TraceDetail? trace = null;
        await Eventually(() =>
        {
            var id = _dashboard.Store.GetTraces(new TraceQuery(Service: ServiceName, Text: "SendMessage"))
                .Select(t => _dashboard.Store.GetTrace(t.TraceId)!)
                .FirstOrDefault(t => t.Spans.Any(s => s.Span.Name == "chat.message.send" && s.Span.Attribute("chat.conversation.id") == conversationId)
                                     && t.Spans.Any(s => s.Span.Kind == SpanKindName.Client && s.Span.Attributes.Any(a => a.Key.StartsWith("db.", StringComparison.Ordinal))));
            trace = id;
            return id is not null;
        }, "a trace of the hub call with its database span");

        var spans = trace!.Spans.Select(s => s.Span).ToList();
        var root = trace.Spans[0].Span;
        Assert.Equal("ChatApp.Api.Hubs.ChatHub/SendMessage", root.Name);
        Assert.Equal(conversationId, root.Attribute("chat.conversation.id"));
        Assert.Equal(message.Id.ToString(), root.Attribute("chat.message.id"));
        var send = spans.Single(s => s.Name == "chat.message.send");
        Assert.Equal(root.SpanId, send.ParentSpanId);
        Assert.Equal(message.Id.ToString(), send.Attribute("chat.message.id"));
        var persist = spans.Single(s => s.Name == "chat.message.persist");
        Assert.Equal(send.SpanId, persist.ParentSpanId);
        // Besides the INSERT, the persist span may hold the data source's first physical connection (CONNECT).
        var insert = spans.Single(s => s.Kind == SpanKindName.Client && s.ParentSpanId == persist.SpanId
            && s.Attributes.Any(a => a.Key is "db.query.text" or "db.statement" && a.Value.Contains("INSERT INTO messages")));
        Assert.All(spans, s => Assert.Equal(root.TraceId, s.TraceId));

        await Eventually(() =>
            _dashboard.Store.GetSeries(ServiceName, "chat.messages.sent").Sum(s => s.Points.Count == 0 ? 0 : s.Points[^1].Value) >= 1
            && _dashboard.Store.GetSeries(ServiceName, "chat.message.delivery.duration").Any(s => s.Points.Count > 0 && s.Points[^1].Value >= 1)
            && _dashboard.Store.GetSeries(ServiceName, "chat.hub.connections").Any(s => s.Points.Count > 0 && s.Points[^1].Value >= 1),
            "the message, delivery-time and hub-connection metrics");
        var delivery = _dashboard.Store.GetSeries(ServiceName, "chat.message.delivery.duration").First(s => s.Points.Count > 0).Points[^1];
        Assert.Equal("s", _dashboard.Store.GetSeries(ServiceName, "chat.message.delivery.duration")[0].Descriptor.Unit);
        Assert.Contains(0.001, delivery.Bounds!); // The bucket advice for seconds, not the SDK's millisecond defaults.
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }
            await Task.Delay(100);
        }
    }
}
