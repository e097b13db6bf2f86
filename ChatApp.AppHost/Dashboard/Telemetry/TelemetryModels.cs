namespace ChatApp.AppHost.Dashboard.Telemetry;

/// <summary>An attribute as the dashboard shows it: its key and its value rendered as text.</summary>
public sealed record TelemetryAttribute(string Key, string Value);

/// <summary>Where telemetry came from: the OTLP resource (a service instance of the app model).</summary>
/// <param name="ServiceName">The <c>service.name</c> attribute: the AppHost sets it to the resource name.</param>
/// <param name="InstanceId">The <c>service.instance.id</c> attribute, when present.</param>
/// <param name="Attributes">Every resource attribute.</param>
public sealed record TelemetrySource(string ServiceName, string? InstanceId, IReadOnlyList<TelemetryAttribute> Attributes);

/// <summary>A span kind, named as OpenTelemetry names it.</summary>
public enum SpanKindName
{
    Unspecified,
    Internal,
    Server,
    Client,
    Producer,
    Consumer,
}

/// <summary>A span status code, named as OpenTelemetry names it.</summary>
public enum SpanStatus
{
    Unset,
    Ok,
    Error,
}

/// <summary>A time-stamped annotation on a span (an exception, for example).</summary>
public sealed record SpanEventRecord(long TimeUnixNano, string Name, IReadOnlyList<TelemetryAttribute> Attributes);

/// <summary>A link from a span to another span.</summary>
public sealed record SpanLinkRecord(string TraceId, string SpanId, IReadOnlyList<TelemetryAttribute> Attributes);

/// <summary>One received span. Ids are lower-case hex, as W3C trace context writes them.</summary>
public sealed record SpanRecord(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    SpanKindName Kind,
    long StartUnixNano,
    long EndUnixNano,
    SpanStatus Status,
    string? StatusMessage,
    IReadOnlyList<TelemetryAttribute> Attributes,
    IReadOnlyList<SpanEventRecord> Events,
    IReadOnlyList<SpanLinkRecord> Links,
    TelemetrySource Source,
    string Scope)
{
    /// <summary>Duration in milliseconds (never negative).</summary>
    public double DurationMs => Math.Max(0, EndUnixNano - StartUnixNano) / 1_000_000.0;

    /// <summary>The value of an attribute, or null.</summary>
    public string? Attribute(string key) => Attributes.FirstOrDefault(a => a.Key == key)?.Value;
}

/// <summary>One received log record.</summary>
/// <param name="Id">Increasing number of the record in the store.</param>
/// <param name="TimeUnixNano">When it was logged.</param>
/// <param name="SeverityNumber">OTLP severity number (1–24).</param>
/// <param name="Level">The .NET level name for it.</param>
/// <param name="Message">The formatted message (the body).</param>
/// <param name="Category">The logger's category (the OTLP scope name).</param>
/// <param name="EventName">The event name, when set.</param>
/// <param name="TraceId">Trace it was logged in, if any.</param>
/// <param name="SpanId">Span it was logged in, if any.</param>
/// <param name="Attributes">Its attributes.</param>
/// <param name="Source">The service that sent it.</param>
public sealed record LogRecordEntry(
    long Id,
    long TimeUnixNano,
    int SeverityNumber,
    string Level,
    string Message,
    string? Category,
    string? EventName,
    string? TraceId,
    string? SpanId,
    IReadOnlyList<TelemetryAttribute> Attributes,
    TelemetrySource Source);

/// <summary>Kind of a metric instrument's data, as OTLP carries it.</summary>
public enum MetricKind
{
    Gauge,
    Sum,
    Histogram,
    ExponentialHistogram,
    Summary,
}

/// <summary>How the points of a series relate to time (OTLP aggregation temporality).</summary>
public enum MetricTemporality
{
    Unspecified,
    Delta,
    Cumulative,
}

/// <summary>One metric data point: a number, or a histogram's count, sum and buckets.</summary>
/// <param name="StartUnixNano">Start of the interval a cumulative or delta point covers.</param>
/// <param name="TimeUnixNano">When the point was recorded (end of its interval).</param>
/// <param name="Value">The number (gauge, sum), or the count of a histogram or summary.</param>
/// <param name="Sum">Sum of the recorded values (histograms and summaries).</param>
/// <param name="BucketCounts">Counts per bucket of an explicit-bounds histogram; one more than <c>Bounds</c>.</param>
/// <param name="Bounds">Upper bounds of the buckets.</param>
/// <param name="Min">Smallest recorded value, when reported.</param>
/// <param name="Max">Largest recorded value, when reported.</param>
public sealed record MetricPoint(
    long StartUnixNano,
    long TimeUnixNano,
    double Value,
    double? Sum = null,
    IReadOnlyList<ulong>? BucketCounts = null,
    IReadOnlyList<double>? Bounds = null,
    double? Min = null,
    double? Max = null);

/// <summary>Identity and shape of an instrument within a resource.</summary>
public sealed record MetricDescriptor(
    string ServiceName,
    string Scope,
    string Name,
    string Unit,
    string Description,
    MetricKind Kind,
    MetricTemporality Temporality,
    bool IsMonotonic);
