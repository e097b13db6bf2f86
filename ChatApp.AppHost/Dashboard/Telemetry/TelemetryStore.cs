namespace ChatApp.AppHost.Dashboard.Telemetry;

/// <summary>How much telemetry the dashboard keeps in memory; the oldest is dropped first (<c>Dashboard:Telemetry:*</c>).</summary>
public sealed class TelemetryLimits
{
    /// <summary>Spans kept, across all traces.</summary>
    public int MaxSpans { get; set; } = 20_000;

    /// <summary>Structured log records kept.</summary>
    public int MaxLogs { get; set; } = 20_000;

    /// <summary>Metric data points kept, across all series.</summary>
    public int MaxMetricPoints { get; set; } = 100_000;

    /// <summary>Longest attribute value or log message kept, in characters; longer ones are cut with an ellipsis.</summary>
    public int MaxValueLength { get; set; } = 8_192;
}

/// <summary>A trace in the list: its root, the services it crosses, its timing and errors.</summary>
public sealed record TraceSummary(
    string TraceId,
    string RootName,
    string RootService,
    IReadOnlyList<string> Services,
    long StartUnixNano,
    double DurationMs,
    int SpanCount,
    int ErrorCount);

/// <summary>One span of a trace's waterfall, with its depth in the span tree.</summary>
public sealed record WaterfallSpan(SpanRecord Span, int Depth);

/// <summary>A whole trace: its summary and its spans in tree order (each parent before its children, siblings by start).</summary>
public sealed record TraceDetail(TraceSummary Summary, IReadOnlyList<WaterfallSpan> Spans);

/// <summary>Filters of the trace list.</summary>
public sealed record TraceQuery(string? Service = null, string? Text = null, bool ErrorsOnly = false, double? MinDurationMs = null, int Limit = 200);

/// <summary>Filters of the structured log list. <paramref name="AfterId"/> returns only newer records (live updates).</summary>
public sealed record LogQuery(string? Service = null, int MinSeverity = 0, string? Text = null, string? TraceId = null, long AfterId = 0, int Limit = 500);

/// <summary>One time series of an instrument: its attributes and its points, oldest first.</summary>
/// <param name="Descriptor">The instrument.</param>
/// <param name="Attributes">The attribute set that makes this series.</param>
/// <param name="Points">Its points, oldest first.</param>
/// <param name="Trimmed">Older points were dropped to stay under the cap: the first point held is not the series' first.</param>
public sealed record MetricSeriesSnapshot(MetricDescriptor Descriptor, IReadOnlyList<TelemetryAttribute> Attributes, IReadOnlyList<MetricPoint> Points,
    bool Trimmed = false);

/// <summary>An instrument of a resource, as the metrics page lists it.</summary>
public sealed record InstrumentSummary(MetricDescriptor Descriptor, int SeriesCount, int PointCount, long LastUnixNano);

/// <summary>
/// The dashboard's telemetry, in memory and bounded: spans, structured logs and metric points, each capped by
/// <see cref="TelemetryLimits"/>, the oldest dropped first. Thread-safe; the OTLP receiver writes, the pages read.
/// </summary>
public sealed class TelemetryStore(TelemetryLimits limits)
{
    private readonly Lock _spanGate = new(), _logGate = new(), _metricGate = new();

    private readonly Queue<SpanRecord> _spanOrder = new();
    private readonly Dictionary<string, List<SpanRecord>> _traces = new(StringComparer.Ordinal);

    private readonly Queue<LogRecordEntry> _logs = new();
    private long _lastLogId;

    private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);
    private readonly Queue<Series> _pointOrder = new();

    private long _version, _droppedSpans, _droppedLogs, _droppedPoints;

    public TelemetryStore() : this(new TelemetryLimits())
    {
    }

    /// <summary>The caps in force.</summary>
    public TelemetryLimits Limits { get; } = limits;

    /// <summary>Changes with every write; a page polls it to know whether to fetch again.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Spans dropped so far to stay under the cap.</summary>
    public long DroppedSpans => Interlocked.Read(ref _droppedSpans);

    /// <summary>Log records dropped so far to stay under the cap.</summary>
    public long DroppedLogs => Interlocked.Read(ref _droppedLogs);

    /// <summary>Metric points dropped so far to stay under the cap.</summary>
    public long DroppedMetricPoints => Interlocked.Read(ref _droppedPoints);

    public int SpanCount
    {
        get { lock (_spanGate) { return _spanOrder.Count; } }
    }

    public int LogCount
    {
        get { lock (_logGate) { return _logs.Count; } }
    }

    public int MetricPointCount
    {
        get { lock (_metricGate) { return _pointOrder.Count; } }
    }

    // ---- writing ----

    public void AddSpans(IEnumerable<SpanRecord> spans)
    {
        lock (_spanGate)
        {
            foreach (var span in spans)
            {
                if (!_traces.TryGetValue(span.TraceId, out var trace))
                {
                    _traces[span.TraceId] = trace = [];
                }
                trace.Add(span);
                _spanOrder.Enqueue(span);
            }
            while (_spanOrder.Count > Math.Max(0, Limits.MaxSpans))
            {
                var oldest = _spanOrder.Dequeue();
                var trace = _traces[oldest.TraceId];
                trace.Remove(oldest);
                if (trace.Count == 0)
                {
                    _traces.Remove(oldest.TraceId);
                }
                _droppedSpans++;
            }
        }
        Interlocked.Increment(ref _version);
    }

    /// <summary>Adds log records; their <see cref="LogRecordEntry.Id"/> is assigned here.</summary>
    public void AddLogs(IEnumerable<LogRecordEntry> records)
    {
        lock (_logGate)
        {
            foreach (var record in records)
            {
                _logs.Enqueue(record with { Id = ++_lastLogId });
            }
            while (_logs.Count > Math.Max(0, Limits.MaxLogs))
            {
                _logs.Dequeue();
                _droppedLogs++;
            }
        }
        Interlocked.Increment(ref _version);
    }

    public void AddMetricPoints(MetricDescriptor descriptor, IReadOnlyList<TelemetryAttribute> attributes, IEnumerable<MetricPoint> points)
    {
        var key = SeriesKey(descriptor, attributes);
        lock (_metricGate)
        {
            if (!_series.TryGetValue(key, out var series))
            {
                _series[key] = series = new Series(key, descriptor, attributes);
            }
            // The latest descriptor wins (a restarted service may change a unit or a description).
            series.Descriptor = descriptor;
            foreach (var point in points)
            {
                series.Points.Enqueue(point);
                _pointOrder.Enqueue(series);
            }
            while (_pointOrder.Count > Math.Max(0, Limits.MaxMetricPoints))
            {
                // Points arrive in time order per series, so a series' first point is its oldest.
                var oldest = _pointOrder.Dequeue();
                oldest.Points.Dequeue();
                oldest.Trimmed = true;
                if (oldest.Points.Count == 0)
                {
                    _series.Remove(oldest.Key);
                }
                _droppedPoints++;
            }
        }
        Interlocked.Increment(ref _version);
    }

    /// <summary>Forgets everything (the pages' "clear" action).</summary>
    public void Clear()
    {
        lock (_spanGate)
        {
            _spanOrder.Clear();
            _traces.Clear();
        }
        lock (_logGate)
        {
            _logs.Clear();
        }
        lock (_metricGate)
        {
            _series.Clear();
            _pointOrder.Clear();
        }
        Interlocked.Increment(ref _version);
    }

    // ---- reading ----

    /// <summary>Names of the services that sent any telemetry, sorted.</summary>
    public IReadOnlyList<string> GetServiceNames()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        lock (_spanGate)
        {
            foreach (var span in _spanOrder)
            {
                names.Add(span.Source.ServiceName);
            }
        }
        lock (_logGate)
        {
            foreach (var log in _logs)
            {
                names.Add(log.Source.ServiceName);
            }
        }
        lock (_metricGate)
        {
            foreach (var series in _series.Values)
            {
                names.Add(series.Descriptor.ServiceName);
            }
        }
        return [.. names];
    }

    /// <summary>Traces matching the query, newest first.</summary>
    public IReadOnlyList<TraceSummary> GetTraces(TraceQuery query)
    {
        List<SpanRecord[]> traces;
        lock (_spanGate)
        {
            traces = [.. _traces.Values.Select(t => t.ToArray())];
        }
        var text = string.IsNullOrWhiteSpace(query.Text) ? null : query.Text.Trim();
        return [.. traces
            .Where(spans => query.Service is null || spans.Any(s => s.Source.ServiceName == query.Service))
            .Where(spans => text is null
                || spans[0].TraceId.StartsWith(text, StringComparison.OrdinalIgnoreCase)
                || spans.Any(s => s.Name.Contains(text, StringComparison.OrdinalIgnoreCase)))
            .Select(Summarize)
            .Where(t => !query.ErrorsOnly || t.ErrorCount > 0)
            .Where(t => query.MinDurationMs is not { } min || t.DurationMs >= min)
            .OrderByDescending(t => t.StartUnixNano)
            .Take(Math.Clamp(query.Limit, 1, 5000))];
    }

    /// <summary>A trace with its spans in waterfall order, or null when none of its spans is stored.</summary>
    public TraceDetail? GetTrace(string traceId)
    {
        SpanRecord[] spans;
        lock (_spanGate)
        {
            if (!_traces.TryGetValue(traceId.ToLowerInvariant(), out var trace))
            {
                return null;
            }
            spans = [.. trace];
        }

        var ids = spans.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
        var children = spans
            .Where(s => s.ParentSpanId is not null && ids.Contains(s.ParentSpanId))
            .GroupBy(s => s.ParentSpanId!)
            .ToDictionary(g => g.Key, g => g.OrderBy(s => s.StartUnixNano).ToList(), StringComparer.Ordinal);
        var ordered = new List<WaterfallSpan>(spans.Length);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        void Visit(SpanRecord span, int depth)
        {
            if (!visited.Add(span.SpanId))
            {
                return; // A repeated span id must not loop.
            }
            ordered.Add(new WaterfallSpan(span, depth));
            if (children.TryGetValue(span.SpanId, out var kids))
            {
                foreach (var kid in kids)
                {
                    Visit(kid, depth + 1);
                }
            }
        }
        // Roots: no parent, or a parent that is not (or no longer) stored.
        foreach (var root in spans.Where(s => s.ParentSpanId is null || !ids.Contains(s.ParentSpanId)).OrderBy(s => s.StartUnixNano))
        {
            Visit(root, 0);
        }
        foreach (var orphan in spans.Where(s => !visited.Contains(s.SpanId)).OrderBy(s => s.StartUnixNano))
        {
            Visit(orphan, 0); // Only reached by parent cycles in bad input.
        }
        return new TraceDetail(Summarize(spans), ordered);
    }

    /// <summary>Log records matching the query, newest first.</summary>
    public IReadOnlyList<LogRecordEntry> GetLogs(LogQuery query)
    {
        LogRecordEntry[] logs;
        lock (_logGate)
        {
            logs = [.. _logs];
        }
        var text = string.IsNullOrWhiteSpace(query.Text) ? null : query.Text.Trim();
        var result = new List<LogRecordEntry>();
        var limit = Math.Clamp(query.Limit, 1, 5000);
        for (var i = logs.Length - 1; i >= 0 && result.Count < limit; i--)
        {
            var log = logs[i];
            if (log.Id <= query.AfterId)
            {
                break;
            }
            if ((query.Service is null || log.Source.ServiceName == query.Service)
                && (query.MinSeverity <= 0 || log.SeverityNumber >= query.MinSeverity)
                && (query.TraceId is null || string.Equals(log.TraceId, query.TraceId, StringComparison.OrdinalIgnoreCase))
                && (text is null
                    || log.Message.Contains(text, StringComparison.OrdinalIgnoreCase)
                    || (log.Category?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false)
                    || log.Attributes.Any(a => a.Value.Contains(text, StringComparison.OrdinalIgnoreCase))))
            {
                result.Add(log);
            }
        }
        return result;
    }

    /// <summary>The instruments a service reported, sorted by scope and name.</summary>
    public IReadOnlyList<InstrumentSummary> GetInstruments(string? service)
    {
        lock (_metricGate)
        {
            return [.. _series.Values
                .Where(s => service is null || s.Descriptor.ServiceName == service)
                .GroupBy(s => (s.Descriptor.ServiceName, s.Descriptor.Scope, s.Descriptor.Name))
                .Select(g => new InstrumentSummary(g.Last().Descriptor, g.Count(), g.Sum(s => s.Points.Count),
                    g.Max(s => s.Points.Count == 0 ? 0 : s.Points.Last().TimeUnixNano)))
                .OrderBy(i => i.Descriptor.ServiceName).ThenBy(i => i.Descriptor.Scope).ThenBy(i => i.Descriptor.Name)];
        }
    }

    /// <summary>Every series of an instrument (by name, any scope) of a service, with copies of their points.</summary>
    public IReadOnlyList<MetricSeriesSnapshot> GetSeries(string service, string instrumentName)
    {
        lock (_metricGate)
        {
            return [.. _series.Values
                .Where(s => s.Descriptor.ServiceName == service && s.Descriptor.Name == instrumentName)
                .Select(s => new MetricSeriesSnapshot(s.Descriptor, s.Attributes, [.. s.Points], s.Trimmed))];
        }
    }

    private static TraceSummary Summarize(IReadOnlyList<SpanRecord> spans)
    {
        var ids = spans.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
        var root = spans.Where(s => s.ParentSpanId is null).MinBy(s => s.StartUnixNano)
                   ?? spans.Where(s => !ids.Contains(s.ParentSpanId!)).MinBy(s => s.StartUnixNano)
                   ?? spans.MinBy(s => s.StartUnixNano)!;
        var start = spans.Min(s => s.StartUnixNano);
        var end = spans.Max(s => s.EndUnixNano);
        var services = spans.OrderBy(s => s.StartUnixNano).Select(s => s.Source.ServiceName).Distinct().ToArray();
        return new TraceSummary(root.TraceId, root.Name, root.Source.ServiceName, services, start,
            Math.Max(0, end - start) / 1_000_000.0, spans.Count, spans.Count(s => s.Status == SpanStatus.Error));
    }

    private static string SeriesKey(MetricDescriptor d, IReadOnlyList<TelemetryAttribute> attributes) =>
        string.Join('\u001f', new[] { d.ServiceName, d.Scope, d.Name }
            .Concat(attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + "=" + a.Value)));

    private sealed class Series(string key, MetricDescriptor descriptor, IReadOnlyList<TelemetryAttribute> attributes)
    {
        public string Key { get; } = key;

        public MetricDescriptor Descriptor { get; set; } = descriptor;

        public IReadOnlyList<TelemetryAttribute> Attributes { get; } = attributes;

        public Queue<MetricPoint> Points { get; } = new();

        public bool Trimmed { get; set; }
    }
}
