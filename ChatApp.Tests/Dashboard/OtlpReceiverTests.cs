using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using ChatApp.AppHost.Dashboard.Otlp;
using ChatApp.AppHost.Dashboard.Otlp.Proto.Collector.Trace;
using ChatApp.AppHost.Dashboard.Otlp.Proto.Common;
using ChatApp.AppHost.Dashboard.Otlp.Proto.Trace;
using ChatApp.AppHost.Dashboard.Telemetry;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ProtoResource = ChatApp.AppHost.Dashboard.Otlp.Proto.Resource.Resource;
using RpcStatus = ChatApp.AppHost.Dashboard.Otlp.Proto.Rpc.Status;

namespace ChatApp.Tests.Dashboard;

/// <summary>
/// The OTLP receivers against the real OpenTelemetry .NET exporter (OTLP/HTTP protobuf, and gRPC), and against bad input.
/// </summary>
public sealed class OtlpReceiverTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private TelemetryStore Store => fixture.Server.Store;

    [Fact]
    public void Traces_FromTheOtlpExporter_ArriveIntactWithIdsParentLinksAndAttributes()
    {
        var service = "svc-traces-" + Guid.NewGuid().ToString("N")[..8];
        using var source = new ActivitySource(service);
        string traceId, parentId, childId;
        using (var provider = TracerProvider(service, source.Name, OtlpExportProtocol.HttpProtobuf))
        {
            using (var parent = source.StartActivity("hub SendMessage", ActivityKind.Server)!)
            {
                parent.SetTag("chat.conversation.id", "c-42");
                parent.SetTag("chat.count", 3);
                parent.SetTag("chat.ok", true);
                parent.SetTag("chat.ratio", 0.5);
                parent.SetTag("chat.tags", new[] { "a", "b" });
                using (var insert = source.StartActivity("INSERT messages", ActivityKind.Client)!)
                {
                    insert.SetTag("db.system", "postgresql");
                    insert.AddEvent(new ActivityEvent("row inserted", tags: new ActivityTagsCollection { ["rows"] = 1 }));
                    insert.SetStatus(ActivityStatusCode.Error, "constraint violated");
                    childId = insert.SpanId.ToHexString();
                }
                traceId = parent.TraceId.ToHexString();
                parentId = parent.SpanId.ToHexString();
            }
            Assert.True(provider.ForceFlush(10_000));
        }

        var trace = Store.GetTrace(traceId);
        Assert.NotNull(trace);
        Assert.Equal(2, trace.Spans.Count);
        Assert.Equal("hub SendMessage", trace.Summary.RootName);
        Assert.Equal(service, trace.Summary.RootService);
        Assert.Equal(1, trace.Summary.ErrorCount);

        var (root, rootDepth) = (trace.Spans[0].Span, trace.Spans[0].Depth);
        var (child, childDepth) = (trace.Spans[1].Span, trace.Spans[1].Depth);
        Assert.Equal((parentId, 0), (root.SpanId, rootDepth));
        Assert.Null(root.ParentSpanId);
        Assert.Equal(SpanKindName.Server, root.Kind);
        Assert.Equal("c-42", root.Attribute("chat.conversation.id"));
        Assert.Equal("3", root.Attribute("chat.count"));
        Assert.Equal("true", root.Attribute("chat.ok"));
        Assert.Equal("0.5", root.Attribute("chat.ratio"));
        Assert.Equal("[\"a\",\"b\"]", root.Attribute("chat.tags"));
        Assert.Equal(service, root.Source.ServiceName);
        Assert.Equal(service, root.Scope);

        Assert.Equal((childId, 1), (child.SpanId, childDepth));
        Assert.Equal(parentId, child.ParentSpanId);
        Assert.Equal(traceId, child.TraceId);
        Assert.Equal(SpanKindName.Client, child.Kind);
        Assert.Equal("postgresql", child.Attribute("db.system"));
        Assert.Equal(SpanStatus.Error, child.Status);
        Assert.Equal("constraint violated", child.StatusMessage);
        var evt = Assert.Single(child.Events);
        Assert.Equal("row inserted", evt.Name);
        Assert.Contains(new TelemetryAttribute("rows", "1"), evt.Attributes);
        Assert.True(child.StartUnixNano >= root.StartUnixNano && child.EndUnixNano <= root.EndUnixNano);

        var listed = Store.GetTraces(new TraceQuery(Service: service));
        Assert.Equal(traceId, Assert.Single(listed).TraceId);
    }

    [Fact]
    public void Logs_FromTheOtlpExporter_ArriveWithLevelMessageAttributesAndTraceContext()
    {
        var service = "svc-logs-" + Guid.NewGuid().ToString("N")[..8];
        using var source = new ActivitySource(service);
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == service,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        string traceId, spanId;
        using (var factory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(otel =>
               {
                   otel.IncludeFormattedMessage = true;
                   otel.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service));
                   otel.AddOtlpExporter((exporter, processor) =>
                   {
                       Configure(exporter, OtlpExportProtocol.HttpProtobuf, "/v1/logs");
                       processor.ExportProcessorType = ExportProcessorType.Simple;
                   });
               })))
        {
            var logger = factory.CreateLogger("ChatApp.Api.Hubs.ChatHub");
            using (var activity = source.StartActivity("work")!)
            {
                traceId = activity.TraceId.ToHexString();
                spanId = activity.SpanId.ToHexString();
                logger.LogWarning("Message {MessageId} sent to {ConversationId}", 1234, "conv-9");
            }
            logger.LogInformation("Outside any trace");
        }

        var logs = Store.GetLogs(new LogQuery(Service: service));
        Assert.Equal(2, logs.Count);
        var warning = logs.Single(l => l.Level == "Warning");
        Assert.Equal("Message 1234 sent to conv-9", warning.Message);
        Assert.Equal("ChatApp.Api.Hubs.ChatHub", warning.Category);
        Assert.Equal(traceId, warning.TraceId);
        Assert.Equal(spanId, warning.SpanId);
        Assert.Contains(new TelemetryAttribute("MessageId", "1234"), warning.Attributes);
        Assert.Contains(new TelemetryAttribute("ConversationId", "conv-9"), warning.Attributes);
        var info = logs.Single(l => l.Level == "Information");
        Assert.Null(info.TraceId);

        Assert.Single(Store.GetLogs(new LogQuery(Service: service, MinSeverity: 13)));
        Assert.Single(Store.GetLogs(new LogQuery(TraceId: traceId)));
        Assert.Single(Store.GetLogs(new LogQuery(Service: service, Text: "outside")));
    }

    [Fact]
    public void Metrics_FromTheOtlpExporter_ArriveAsCountersHistogramsAndUpDownCounters()
    {
        var service = "svc-metrics-" + Guid.NewGuid().ToString("N")[..8];
        using var meter = new Meter(service);
        var sent = meter.CreateCounter<long>("chat.messages.sent", "{message}");
        var connections = meter.CreateUpDownCounter<long>("chat.hub.connections", "{connection}");
        var duration = meter.CreateHistogram<double>("http.server.request.duration", "s");
        using (var provider = Sdk.CreateMeterProviderBuilder()
                   .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service))
                   .AddMeter(service)
                   .AddOtlpExporter((exporter, reader) =>
                   {
                       Configure(exporter, OtlpExportProtocol.HttpProtobuf, "/v1/metrics");
                       reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 60_000;
                   })
                   .Build())
        {
            sent.Add(2, new KeyValuePair<string, object?>("chat.sender.kind", "Visitor"));
            sent.Add(1, new KeyValuePair<string, object?>("chat.sender.kind", "Operator"));
            connections.Add(3);
            connections.Add(-1);
            duration.Record(0.004);
            duration.Record(0.020);
            Assert.True(provider.ForceFlush(10_000));
            sent.Add(5, new KeyValuePair<string, object?>("chat.sender.kind", "Visitor"));
            Assert.True(provider.ForceFlush(10_000));
        }

        var instruments = Store.GetInstruments(service).Select(i => i.Descriptor).ToList();
        Assert.Contains(instruments, d => d is { Name: "chat.messages.sent", Kind: MetricKind.Sum, IsMonotonic: true, Temporality: MetricTemporality.Cumulative });
        Assert.Contains(instruments, d => d is { Name: "chat.hub.connections", Kind: MetricKind.Sum, IsMonotonic: false });
        Assert.Contains(instruments, d => d is { Name: "http.server.request.duration", Kind: MetricKind.Histogram, Unit: "s" });

        var sentSeries = Store.GetSeries(service, "chat.messages.sent");
        Assert.Equal(2, sentSeries.Count);
        var visitor = sentSeries.Single(s => s.Attributes.Contains(new TelemetryAttribute("chat.sender.kind", "Visitor")));
        Assert.Equal([2.0, 7.0], visitor.Points.Select(p => p.Value).Take(2));
        Assert.Equal(2, Store.GetSeries(service, "chat.hub.connections").Single().Points[0].Value);
        var histogram = Store.GetSeries(service, "http.server.request.duration").Single().Points[0];
        Assert.Equal(2, histogram.Value);
        Assert.Equal(0.024, histogram.Sum!.Value, 6);
        Assert.Equal(histogram.Bounds!.Count + 1, histogram.BucketCounts!.Count);
    }

    [Fact]
    public void Traces_OverOtlpGrpc_AlsoArrive()
    {
        var service = "svc-grpc-" + Guid.NewGuid().ToString("N")[..8];
        using var source = new ActivitySource(service);
        string traceId;
        using (var provider = TracerProvider(service, source.Name, OtlpExportProtocol.Grpc))
        {
            using (var activity = source.StartActivity("over grpc")!)
            {
                activity.SetTag("transport", "grpc");
                traceId = activity.TraceId.ToHexString();
            }
            Assert.True(provider.ForceFlush(10_000));
        }
        var span = Assert.Single(Store.GetTrace(traceId)!.Spans).Span;
        Assert.Equal("grpc", span.Attribute("transport"));
    }

    [Theory]
    [InlineData(DashboardFixture.ApiKey, "0")]   // OK
    [InlineData("wrong", "16")]                  // UNAUTHENTICATED
    public async Task GrpcExport_ChecksTheApiKey(string apiKey, string expectedStatus)
    {
        var message = ValidRequest("grpc-key-" + expectedStatus).ToByteArray();
        var frame = new byte[5 + message.Length]; // gRPC framing: uncompressed flag, big-endian length, message.
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), message.Length);
        message.CopyTo(frame, 5);
        using var client = new HttpClient();
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.Server.OtlpGrpcUri!, "/opentelemetry.proto.collector.trace.v1.TraceService/Export"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.Add(OtlpHttpReceiver.ApiKeyHeader, apiKey);
        var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var values) ? values.Single()
            : response.Headers.GetValues("grpc-status").Single();
        Assert.Equal(expectedStatus, status);
        Assert.Equal(expectedStatus == "0" ? 1 : 0, Store.GetTraces(new TraceQuery(Service: "grpc-key-" + expectedStatus)).Count);
    }

    [Fact]
    public async Task Export_WithoutTheApiKey_IsRefusedWith401()
    {
        using var client = OtlpClient(apiKey: null);
        var response = await client.PostAsync("/v1/traces", Protobuf(ValidRequest("no-key")));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var wrong = OtlpClient(apiKey: "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.PostAsync("/v1/traces", Protobuf(ValidRequest("bad-key")))).StatusCode);
        Assert.Empty(Store.GetTraces(new TraceQuery(Service: "no-key")));
    }

    [Fact]
    public async Task TruncatedProtobuf_IsRefusedWith400_AndTheReceiverKeepsServing()
    {
        using var client = OtlpClient();
        var bytes = ValidRequest("truncated").ToByteArray();
        foreach (var cut in new[] { bytes.Length - 1, bytes.Length / 2, 3 })
        {
            var response = await client.PostAsync("/v1/traces", Protobuf(bytes[..cut]));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(OtlpHttpReceiver.ProtobufContentType, response.Content.Headers.ContentType?.MediaType);
            var status = RpcStatus.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
            Assert.Contains("not a valid OTLP protobuf", status.Message);
        }
        foreach (var path in new[] { "/v1/logs", "/v1/metrics" })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync(path, Protobuf([0x0a, 0xff, 0x01, 0x02]))).StatusCode);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/v1/traces", Gzip(bytes, corrupt: true))).StatusCode);

        var ok = await client.PostAsync("/v1/traces", Protobuf(ValidRequest("after-bad-input")));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var answer = ExportTraceServiceResponse.Parser.ParseFrom(await ok.Content.ReadAsByteArrayAsync());
        Assert.Null(answer.PartialSuccess);
        Assert.Single(Store.GetTraces(new TraceQuery(Service: "after-bad-input")));
        Assert.Empty(Store.GetTraces(new TraceQuery(Service: "truncated")));
    }

    [Fact]
    public async Task WrongContentType_IsRefusedWith415()
    {
        using var client = OtlpClient();
        var bytes = ValidRequest("wrong-type").ToByteArray();
        foreach (var type in new[] { "application/json", "text/plain", "application/octet-stream" })
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue(type);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await client.PostAsync("/v1/traces", content)).StatusCode);
        }
        var noType = new ByteArrayContent(bytes);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await client.PostAsync("/v1/logs", noType)).StatusCode);
        var brotli = Protobuf(bytes);
        brotli.Headers.ContentEncoding.Add("br");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await client.PostAsync("/v1/traces", brotli)).StatusCode);
        Assert.Empty(Store.GetTraces(new TraceQuery(Service: "wrong-type")));
    }

    [Fact]
    public async Task BodyOverTheSizeCap_IsRefusedWith413_AndTheReceiverKeepsServing()
    {
        using var client = OtlpClient();
        var big = ValidRequest("too-big", attributeBytes: DashboardFixture.MaxRequestBytes + 1).ToByteArray();
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.PostAsync("/v1/traces", Protobuf(big))).StatusCode);

        // Without a Content-Length (chunked), the cap applies while reading.
        var chunked = new StreamContent(new MemoryStream(big));
        chunked.Headers.ContentType = new MediaTypeHeaderValue(OtlpHttpReceiver.ProtobufContentType);
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/traces") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.SendAsync(request)).StatusCode);

        // A small gzip body that inflates past the cap.
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.PostAsync("/v1/traces", Gzip(big))).StatusCode);

        // Under the cap, gzip is accepted.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/traces", Gzip(ValidRequest("gzip-ok").ToByteArray()))).StatusCode);
        Assert.Single(Store.GetTraces(new TraceQuery(Service: "gzip-ok")));
        Assert.Empty(Store.GetTraces(new TraceQuery(Service: "too-big")));
    }

    [Fact]
    public async Task InvalidSpanIds_AreRejectedOneByOne_AsPartialSuccess()
    {
        using var client = OtlpClient();
        var request = ValidRequest("partial");
        var spans = request.ResourceSpans[0].ScopeSpans[0].Spans;
        spans.Add(new Span { TraceId = ByteString.CopyFrom(new byte[16]), SpanId = ByteString.CopyFrom(1, 2, 3, 4, 5, 6, 7, 8), Name = "zero trace id" });
        spans.Add(new Span { TraceId = ByteString.CopyFrom(new byte[15] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 }), SpanId = ByteString.CopyFrom(1, 2, 3, 4, 5, 6, 7, 8), Name = "short" });
        var response = await client.PostAsync("/v1/traces", Protobuf(request));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(2, answer.PartialSuccess.RejectedSpans);
        Assert.NotEmpty(answer.PartialSuccess.ErrorMessage);
        Assert.Equal(1, Assert.Single(Store.GetTraces(new TraceQuery(Service: "partial"))).SpanCount);
    }

    [Fact]
    public async Task OtlpPaths_AnswerOnlyPostOnTheReceiverPort()
    {
        using var client = OtlpClient();
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await client.GetAsync("/v1/traces")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/summary")).StatusCode);

        using var dashboard = new HttpClient { BaseAddress = fixture.Server.DashboardUri };
        dashboard.DefaultRequestHeaders.Add(OtlpHttpReceiver.ApiKeyHeader, DashboardFixture.ApiKey);
        Assert.Equal(HttpStatusCode.NotFound, (await dashboard.PostAsync("/v1/traces", Protobuf(ValidRequest("wrong-port")))).StatusCode);
    }

    // ---- helpers ----

    private TracerProvider TracerProvider(string service, string sourceName, OtlpExportProtocol protocol) =>
        Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service, serviceInstanceId: "instance-1"))
            .AddSource(sourceName)
            .AddOtlpExporter(exporter =>
            {
                Configure(exporter, protocol, "/v1/traces");
                exporter.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build();

    private void Configure(OtlpExporterOptions exporter, OtlpExportProtocol protocol, string path)
    {
        exporter.Protocol = protocol;
        // Set in code, the HTTP endpoint is the full signal URL; gRPC takes the server address.
        exporter.Endpoint = protocol == OtlpExportProtocol.Grpc ? fixture.Server.OtlpGrpcUri! : new Uri(fixture.Server.OtlpHttpUri, path);
        exporter.Headers = $"{OtlpHttpReceiver.ApiKeyHeader}={DashboardFixture.ApiKey}";
        exporter.TimeoutMilliseconds = 10_000;
    }

    private HttpClient OtlpClient(string? apiKey = DashboardFixture.ApiKey)
    {
        var client = new HttpClient { BaseAddress = fixture.Server.OtlpHttpUri };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add(OtlpHttpReceiver.ApiKeyHeader, apiKey);
        }
        return client;
    }

    private static ExportTraceServiceRequest ValidRequest(string service, int attributeBytes = 0)
    {
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(Guid.NewGuid().ToByteArray()),
            SpanId = ByteString.CopyFrom(BitConverter.GetBytes(Random.Shared.NextInt64(1, long.MaxValue))),
            Name = "handmade",
            StartTimeUnixNano = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000,
            EndTimeUnixNano = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000 + 5_000_000,
        };
        if (attributeBytes > 0)
        {
            span.Attributes.Add(new KeyValue { Key = "big", Value = new AnyValue { StringValue = new string('x', attributeBytes) } });
        }
        var resource = new ProtoResource();
        resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } });
        return new ExportTraceServiceRequest
        {
            ResourceSpans = { new ResourceSpans { Resource = resource, ScopeSpans = { new ScopeSpans { Spans = { span } } } } },
        };
    }

    private static ByteArrayContent Protobuf(IMessage message) => Protobuf(message.ToByteArray());

    private static ByteArrayContent Protobuf(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(OtlpHttpReceiver.ProtobufContentType);
        return content;
    }

    private static ByteArrayContent Gzip(byte[] bytes, bool corrupt = false)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(bytes);
        }
        var compressed = buffer.ToArray();
        if (corrupt)
        {
            compressed[compressed.Length / 2] ^= 0xff;
            compressed[^5] ^= 0xff;
        }
        var content = Protobuf(compressed);
        content.Headers.ContentEncoding.Add("gzip");
        return content;
    }
}
