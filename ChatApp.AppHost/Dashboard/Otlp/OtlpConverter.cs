using System.Globalization;
using System.Text.Json;
using ChatApp.AppHost.Dashboard.Otlp.Proto.Collector.Logs;
using ChatApp.AppHost.Dashboard.Otlp.Proto.Collector.Metrics;
using ChatApp.AppHost.Dashboard.Otlp.Proto.Collector.Trace;
using ChatApp.AppHost.Dashboard.Otlp.Proto.Common;
using ChatApp.AppHost.Dashboard.Telemetry;
using Google.Protobuf;
using Google.Protobuf.Collections;
using ProtoMetrics = ChatApp.AppHost.Dashboard.Otlp.Proto.Metrics;
using ProtoResource = ChatApp.AppHost.Dashboard.Otlp.Proto.Resource.Resource;
using ProtoSpan = ChatApp.AppHost.Dashboard.Otlp.Proto.Trace.Span;
using ProtoStatus = ChatApp.AppHost.Dashboard.Otlp.Proto.Trace.Status;

namespace ChatApp.AppHost.Dashboard.Otlp;

/// <summary>What an export request yielded: the items accepted into the store and the number rejected, with why.</summary>
public sealed record ExportResult(int Accepted, int Rejected, string? RejectionReason);

/// <summary>
/// Turns OTLP export requests (the generated protobuf messages) into the store's records and writes them. Items the
/// OTLP specification calls invalid (a trace id that is not 16 non-zero bytes, a span id that is not 8) are rejected
/// one by one and counted, as OTLP's partial success reports them; the rest of the request is kept.
/// </summary>
public sealed class OtlpConverter(TelemetryStore store)
{
    private const string UnknownService = "unknown_service";

    public ExportResult Export(ExportTraceServiceRequest request)
    {
        var spans = new List<SpanRecord>();
        var rejected = 0;
        string? reason = null;
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var source = Source(resourceSpans.Resource);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                var scope = scopeSpans.Scope?.Name ?? "";
                foreach (var span in scopeSpans.Spans)
                {
                    var traceId = Id(span.TraceId, 16);
                    var spanId = Id(span.SpanId, 8);
                    var parentId = span.ParentSpanId.IsEmpty ? null : Id(span.ParentSpanId, 8);
                    if (traceId is null || spanId is null || (!span.ParentSpanId.IsEmpty && parentId is null))
                    {
                        rejected++;
                        reason ??= "A span's trace_id must be 16 bytes and its span_id and parent_span_id 8 bytes, not all zero.";
                        continue;
                    }
                    spans.Add(new SpanRecord(
                        traceId, spanId, parentId, span.Name, (SpanKindName)Math.Clamp((int)span.Kind, 0, 5),
                        (long)span.StartTimeUnixNano, (long)Math.Max(span.EndTimeUnixNano, span.StartTimeUnixNano),
                        span.Status?.Code switch
                        {
                            ProtoStatus.Types.StatusCode.Ok => SpanStatus.Ok,
                            ProtoStatus.Types.StatusCode.Error => SpanStatus.Error,
                            _ => SpanStatus.Unset,
                        },
                        string.IsNullOrEmpty(span.Status?.Message) ? null : Limit(span.Status.Message),
                        Attributes(span.Attributes),
                        [.. span.Events.Select(e => new SpanEventRecord((long)e.TimeUnixNano, e.Name, Attributes(e.Attributes)))],
                        [.. span.Links.Select(l => new SpanLinkRecord(Id(l.TraceId, 16) ?? "", Id(l.SpanId, 8) ?? "", Attributes(l.Attributes)))],
                        source, scope));
                }
            }
        }
        store.AddSpans(spans);
        return new ExportResult(spans.Count, rejected, reason);
    }

    public ExportResult Export(ExportLogsServiceRequest request)
    {
        var records = new List<LogRecordEntry>();
        var rejected = 0;
        string? reason = null;
        foreach (var resourceLogs in request.ResourceLogs)
        {
            var source = Source(resourceLogs.Resource);
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                var category = string.IsNullOrEmpty(scopeLogs.Scope?.Name) ? null : scopeLogs.Scope.Name;
                foreach (var log in scopeLogs.LogRecords)
                {
                    var traceId = log.TraceId.IsEmpty ? null : Id(log.TraceId, 16);
                    var spanId = log.SpanId.IsEmpty ? null : Id(log.SpanId, 8);
                    if ((!log.TraceId.IsEmpty && traceId is null) || (!log.SpanId.IsEmpty && spanId is null))
                    {
                        rejected++;
                        reason ??= "A log record's trace_id must be 16 bytes and its span_id 8 bytes when set.";
                        continue;
                    }
                    var attributes = Attributes(log.Attributes);
                    var severity = (int)log.SeverityNumber;
                    var time = log.TimeUnixNano != 0 ? log.TimeUnixNano : log.ObservedTimeUnixNano;
                    var message = log.Body is null ? "" : Format(log.Body);
                    if (message.Length == 0)
                    {
                        message = attributes.FirstOrDefault(a => a.Key == "{OriginalFormat}")?.Value ?? "";
                    }
                    records.Add(new LogRecordEntry(0, (long)time, severity,
                        LevelName(severity, log.SeverityText), Limit(message), category,
                        string.IsNullOrEmpty(log.EventName) ? attributes.FirstOrDefault(a => a.Key == "event.name")?.Value : log.EventName,
                        traceId, spanId, attributes, source));
                }
            }
        }
        store.AddLogs(records);
        return new ExportResult(records.Count, rejected, reason);
    }

    public ExportResult Export(ExportMetricsServiceRequest request)
    {
        var accepted = 0;
        foreach (var resourceMetrics in request.ResourceMetrics)
        {
            var source = Source(resourceMetrics.Resource);
            foreach (var scopeMetrics in resourceMetrics.ScopeMetrics)
            {
                var scope = scopeMetrics.Scope?.Name ?? "";
                foreach (var metric in scopeMetrics.Metrics)
                {
                    accepted += AddMetric(source.ServiceName, scope, metric);
                }
            }
        }
        return new ExportResult(accepted, 0, null);
    }

    private int AddMetric(string service, string scope, ProtoMetrics.Metric metric)
    {
        MetricDescriptor Descriptor(MetricKind kind, ProtoMetrics.AggregationTemporality temporality, bool monotonic) =>
            new(service, scope, metric.Name, metric.Unit, metric.Description, kind, temporality switch
            {
                ProtoMetrics.AggregationTemporality.Delta => MetricTemporality.Delta,
                ProtoMetrics.AggregationTemporality.Cumulative => MetricTemporality.Cumulative,
                _ => MetricTemporality.Unspecified,
            }, monotonic);

        var count = 0;
        void Add<TPoint>(MetricDescriptor descriptor, RepeatedField<TPoint> points, Func<TPoint, RepeatedField<KeyValue>> attributes,
            Func<TPoint, MetricPoint> convert)
        {
            // One series per distinct attribute set; points of one request are usually one per series.
            foreach (var group in points.GroupBy(p => AttributeKey(attributes(p))))
            {
                var list = group.Select(convert).OrderBy(p => p.TimeUnixNano).ToList();
                store.AddMetricPoints(descriptor, Attributes(attributes(group.First())), list);
                count += list.Count;
            }
        }

        static MetricPoint Number(ProtoMetrics.NumberDataPoint p) => new((long)p.StartTimeUnixNano, (long)p.TimeUnixNano,
            p.ValueCase == ProtoMetrics.NumberDataPoint.ValueOneofCase.AsInt ? p.AsInt : p.AsDouble);

        switch (metric.DataCase)
        {
            case ProtoMetrics.Metric.DataOneofCase.Gauge:
                Add(Descriptor(MetricKind.Gauge, ProtoMetrics.AggregationTemporality.Unspecified, false),
                    metric.Gauge.DataPoints, p => p.Attributes, Number);
                break;
            case ProtoMetrics.Metric.DataOneofCase.Sum:
                Add(Descriptor(MetricKind.Sum, metric.Sum.AggregationTemporality, metric.Sum.IsMonotonic),
                    metric.Sum.DataPoints, p => p.Attributes, Number);
                break;
            case ProtoMetrics.Metric.DataOneofCase.Histogram:
                Add(Descriptor(MetricKind.Histogram, metric.Histogram.AggregationTemporality, true),
                    metric.Histogram.DataPoints, p => p.Attributes, p => new MetricPoint(
                        (long)p.StartTimeUnixNano, (long)p.TimeUnixNano, p.Count, p.HasSum ? p.Sum : null,
                        [.. p.BucketCounts], [.. p.ExplicitBounds], p.HasMin ? p.Min : null, p.HasMax ? p.Max : null));
                break;
            case ProtoMetrics.Metric.DataOneofCase.ExponentialHistogram:
                // REVIEW: kept as count and sum only; no ChatApp service exports exponential histograms.
                Add(Descriptor(MetricKind.ExponentialHistogram, metric.ExponentialHistogram.AggregationTemporality, true),
                    metric.ExponentialHistogram.DataPoints, p => p.Attributes, p => new MetricPoint(
                        (long)p.StartTimeUnixNano, (long)p.TimeUnixNano, p.Count, p.HasSum ? p.Sum : null,
                        Min: p.HasMin ? p.Min : null, Max: p.HasMax ? p.Max : null));
                break;
            case ProtoMetrics.Metric.DataOneofCase.Summary:
                Add(Descriptor(MetricKind.Summary, ProtoMetrics.AggregationTemporality.Cumulative, true),
                    metric.Summary.DataPoints, p => p.Attributes, p => new MetricPoint(
                        (long)p.StartTimeUnixNano, (long)p.TimeUnixNano, p.Count, p.Sum));
                break;
        }
        return count;
    }

    private TelemetrySource Source(ProtoResource? resource)
    {
        var attributes = resource is null ? [] : Attributes(resource.Attributes);
        var name = attributes.FirstOrDefault(a => a.Key == "service.name")?.Value;
        return new TelemetrySource(string.IsNullOrEmpty(name) ? UnknownService : name,
            attributes.FirstOrDefault(a => a.Key == "service.instance.id")?.Value, attributes);
    }

    private IReadOnlyList<TelemetryAttribute> Attributes(RepeatedField<KeyValue> attributes) =>
        attributes.Count == 0 ? [] : [.. attributes.Select(a => new TelemetryAttribute(a.Key, Limit(a.Value is null ? "" : Format(a.Value))))];

    private static string AttributeKey(RepeatedField<KeyValue> attributes) =>
        string.Join('\u001f', attributes.Select(a => a.Key + "=" + (a.Value is null ? "" : Format(a.Value))).Order(StringComparer.Ordinal));

    private string Limit(string value) =>
        value.Length <= store.Limits.MaxValueLength ? value : value[..store.Limits.MaxValueLength] + "…";

    /// <summary>An attribute value as text: strings as they are, numbers invariant, arrays and maps as JSON.</summary>
    public static string Format(AnyValue value) => value.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString("R", CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BytesValue => value.BytesValue.ToBase64(),
        AnyValue.ValueOneofCase.ArrayValue or AnyValue.ValueOneofCase.KvlistValue => JsonSerializer.Serialize(ToPlain(value)),
        _ => "",
    };

    private static object? ToPlain(AnyValue value) => value.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.DoubleValue => double.IsFinite(value.DoubleValue) ? value.DoubleValue : value.DoubleValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BytesValue => value.BytesValue.ToBase64(),
        AnyValue.ValueOneofCase.ArrayValue => value.ArrayValue.Values.Select(ToPlain).ToList(),
        AnyValue.ValueOneofCase.KvlistValue => value.KvlistValue.Values
            .GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value is null ? null : ToPlain(g.Last().Value)),
        _ => null,
    };

    /// <summary>Lower-case hex of an id of the expected length, or null when the length is wrong or every byte is zero.</summary>
    private static string? Id(ByteString id, int length)
    {
        if (id.Length != length)
        {
            return null;
        }
        var span = id.Span;
        return span.IndexOfAnyExcept((byte)0) < 0 ? null : Convert.ToHexStringLower(span);
    }

    /// <summary>The .NET level name for an OTLP severity number (1–4 Trace … 21–24 Critical).</summary>
    public static string LevelName(int severity, string? severityText) => severity switch
    {
        >= 1 and <= 4 => "Trace",
        >= 5 and <= 8 => "Debug",
        >= 9 and <= 12 => "Information",
        >= 13 and <= 16 => "Warning",
        >= 17 and <= 20 => "Error",
        >= 21 and <= 24 => "Critical",
        _ => string.IsNullOrEmpty(severityText) ? "Unspecified" : severityText,
    };
}
