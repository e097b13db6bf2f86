using ChatApp.AppHost.Dashboard.Web;
using ChatApp.AppHost.Dashboard.Telemetry;

namespace ChatApp.Tests.Dashboard;

public class TelemetryStoreTests
{
    private static readonly TelemetrySource Api = new("api", "i-1", [new("service.name", "api")]);
    private static readonly TelemetrySource Web = new("frontend", "i-2", [new("service.name", "frontend")]);

    private static SpanRecord Span(string traceId, string spanId, string? parent, string name, long start, long end,
        TelemetrySource? source = null, SpanStatus status = SpanStatus.Unset) =>
        new(traceId, spanId, parent, name, SpanKindName.Internal, start, end, status, null, [], [], [], source ?? Api, "test");

    private static LogRecordEntry Log(string message, int severity = 9, string? traceId = null, TelemetrySource? source = null) =>
        new(0, 1, severity, "x", message, "cat", null, traceId, null, [], source ?? Api);

    [Fact]
    public void Spans_OverTheCap_DropTheOldestFirst()
    {
        var store = new TelemetryStore(new TelemetryLimits { MaxSpans = 3 });
        store.AddSpans([Span("t1", "a", null, "first", 1, 2), Span("t1", "b", "a", "second", 2, 3)]);
        store.AddSpans([Span("t2", "c", null, "third", 3, 4), Span("t3", "d", null, "fourth", 4, 5)]);

        Assert.Equal(3, store.SpanCount);
        Assert.Equal(1, store.DroppedSpans);
        var t1 = store.GetTrace("t1")!;
        Assert.Equal("b", Assert.Single(t1.Spans).Span.SpanId); // Its parent was dropped: it becomes a root.
        Assert.Equal(3, store.GetTraces(new TraceQuery()).Count);

        store.AddSpans([Span("t4", "e", null, "fifth", 5, 6)]);
        Assert.Null(store.GetTrace("t1"));
    }

    [Fact]
    public void Logs_OverTheCap_DropTheOldestFirst_AndKeepIncreasingIds()
    {
        var store = new TelemetryStore(new TelemetryLimits { MaxLogs = 2 });
        store.AddLogs([Log("one"), Log("two"), Log("three")]);
        var logs = store.GetLogs(new LogQuery());
        Assert.Equal(["three", "two"], logs.Select(l => l.Message));
        Assert.Equal([3L, 2L], logs.Select(l => l.Id));
        Assert.Equal(1, store.DroppedLogs);
        Assert.Equal(["three"], store.GetLogs(new LogQuery(AfterId: 2)).Select(l => l.Message));
    }

    [Fact]
    public void MetricPoints_OverTheCap_DropTheOldestFirst_AcrossSeries()
    {
        var store = new TelemetryStore(new TelemetryLimits { MaxMetricPoints = 3 });
        var counter = new MetricDescriptor("api", "m", "requests", "", "", MetricKind.Sum, MetricTemporality.Cumulative, true);
        store.AddMetricPoints(counter, [new("route", "/a")], [new(0, 1, 1), new(0, 2, 2)]);
        store.AddMetricPoints(counter, [new("route", "/b")], [new(0, 3, 5), new(0, 4, 6)]);

        Assert.Equal(3, store.MetricPointCount);
        Assert.Equal(1, store.DroppedMetricPoints);
        var series = store.GetSeries("api", "requests");
        Assert.Equal([2.0], series.Single(s => s.Attributes[0].Value == "/a").Points.Select(p => p.Value));

        store.AddMetricPoints(counter, [new("route", "/b")], [new(0, 5, 7)]);
        Assert.Single(store.GetSeries("api", "requests")); // The /a series lost its last point and went away.
    }

    [Fact]
    public void GetTrace_OrdersSpansAsATree_ParentsBeforeChildren_SiblingsByStart()
    {
        var store = new TelemetryStore();
        store.AddSpans(
        [
            Span("t", "c2", "root", "child late", 30, 40),
            Span("t", "g", "c1", "grandchild", 12, 15, Web),
            Span("t", "root", null, "root", 0, 100),
            Span("t", "c1", "root", "child early", 10, 20, status: SpanStatus.Error),
        ]);
        var trace = store.GetTrace("T")!;
        Assert.Equal(["root", "c1", "g", "c2"], trace.Spans.Select(s => s.Span.SpanId));
        Assert.Equal([0, 1, 2, 1], trace.Spans.Select(s => s.Depth));
        Assert.Equal("root", trace.Summary.RootName);
        Assert.Equal(["api", "frontend"], trace.Summary.Services);
        Assert.Equal(1, trace.Summary.ErrorCount);
        Assert.Equal(100 / 1e6, trace.Summary.DurationMs);
    }

    [Fact]
    public void GetTraces_FiltersByServiceTextErrorsAndDuration_NewestFirst()
    {
        var store = new TelemetryStore();
        store.AddSpans([Span("a", "1", null, "GET /api/conversations", 1_000, 2_000_000)]);
        store.AddSpans([Span("b", "2", null, "ChatHub/SendMessage", 5_000, 50_000_000, status: SpanStatus.Error)]);
        store.AddSpans([Span("c", "3", null, "vite", 9_000, 10_000, Web)]);

        Assert.Equal(["c", "b", "a"], store.GetTraces(new TraceQuery()).Select(t => t.TraceId));
        Assert.Equal(["b", "a"], store.GetTraces(new TraceQuery(Service: "api")).Select(t => t.TraceId));
        Assert.Equal(["b"], store.GetTraces(new TraceQuery(Text: "sendmessage")).Select(t => t.TraceId));
        Assert.Equal(["b"], store.GetTraces(new TraceQuery(ErrorsOnly: true)).Select(t => t.TraceId));
        Assert.Equal(["b"], store.GetTraces(new TraceQuery(MinDurationMs: 10)).Select(t => t.TraceId));
    }

    [Fact]
    public void GetLogs_FiltersByServiceLevelTextAndTrace()
    {
        var store = new TelemetryStore();
        store.AddLogs([Log("started", 9), Log("slow query", 13, "t1"), Log("boom", 17, "t1"), Log("vite ready", 9, source: Web)]);
        Assert.Equal(["slow query", "boom"], store.GetLogs(new LogQuery(MinSeverity: 13)).Select(l => l.Message).Reverse());
        Assert.Equal(["vite ready"], store.GetLogs(new LogQuery(Service: "frontend")).Select(l => l.Message));
        Assert.Equal(["boom"], store.GetLogs(new LogQuery(Text: "BOO")).Select(l => l.Message));
        Assert.Equal(2, store.GetLogs(new LogQuery(TraceId: "t1")).Count);
    }
}

public class MetricMathTests
{
    private static readonly long T0 = 1_700_000_000L * 1_000_000_000;

    private static MetricSeriesSnapshot Series(MetricKind kind, MetricTemporality temporality, params MetricPoint[] points) =>
        new(new MetricDescriptor("api", "m", "x", "s", "", kind, temporality, true), [], points, Trimmed: true);

    private static MetricSeriesSnapshot NewSeries(params MetricPoint[] points) =>
        new(new MetricDescriptor("api", "m", "x", "", "", MetricKind.Sum, MetricTemporality.Cumulative, true), [], points, Trimmed: false);

    private static long At(double seconds) => T0 + (long)(seconds * 1e9);

    [Fact]
    public void Rate_OfACumulativeCounter_IsTheIncreasePerSecond_AcrossSeries_AndSurvivesARestart()
    {
        var start = At(-100);
        var a = Series(MetricKind.Sum, MetricTemporality.Cumulative,
            new(start, At(0.5), 100), new(start, At(1.5), 110), new(start, At(2.5), 130),
            new(At(2.6), At(3.5), 4)); // Restarted: counts from zero again.
        var b = Series(MetricKind.Sum, MetricTemporality.Cumulative, new(start, At(0.5), 7), new(start, At(1.5), 8));

        var rate = MetricMath.Rate([a, b], T0, stepSeconds: 1, steps: 5);
        Assert.Equal(new double?[] { 0, 11, 20, 4, null }, rate);
    }

    [Fact]
    public void Rate_OfASeriesSeenFromItsFirstPoint_CountsThatPointInFull()
    {
        // A new attribute set (a route first called) appears long after the process started: its first value is new.
        var start = At(-600);
        var series = NewSeries(new(start, At(0.5), 3), new(start, At(1.5), 4));
        Assert.Equal(new double?[] { 3, 1 }, MetricMath.Rate([series], T0, stepSeconds: 1, steps: 2));
    }

    [Fact]
    public void Rate_OfADeltaCounter_IsEachValuePerStep()
    {
        var delta = Series(MetricKind.Sum, MetricTemporality.Delta, new(At(0), At(1), 6), new(At(1), At(2.5), 3));
        Assert.Equal(new double?[] { 3, 1.5, null }, MetricMath.Rate([delta], T0, stepSeconds: 2, steps: 3));
    }

    [Fact]
    public void Percentiles_OfACumulativeHistogram_ComeFromTheBucketsRecordedInEachStep()
    {
        double[] bounds = [0.01, 0.1, 1];
        var start = At(-100);
        var h = Series(MetricKind.Histogram, MetricTemporality.Cumulative,
            new(start, At(0.5), 10, 1, [10, 0, 0, 0], bounds),
            new(start, At(1.5), 20, 2, [10, 10, 0, 0], bounds)); // In step 1: ten values in (0.01, 0.1].

        var p50 = MetricMath.Percentile([h], 50, T0, 1, 2);
        Assert.Null(p50[0]); // Older points were dropped: the first one held only sets the baseline.
        Assert.Equal(0.055, p50[1]!.Value, 6);
        Assert.Equal(0.0955, MetricMath.Percentile([h], 95, T0, 1, 2)[1]!.Value, 6);
        Assert.Equal(0.1, MetricMath.Mean([h], T0, 1, 2)[1]!.Value, 6);
    }

    [Fact]
    public void Current_OfAnUpDownCounter_CarriesTheLastValueUntilTheSeriesStops()
    {
        var start = At(-100);
        var s = Series(MetricKind.Sum, MetricTemporality.Cumulative, new(start, At(-5), 2), new(start, At(1.2), 3), new(start, At(3.2), 1));
        Assert.Equal(new double?[] { 2, 3, 3, 1, null }, MetricMath.Current([s], T0, 1, 5));
    }

    [Fact]
    public void FromBuckets_InterpolatesWithinTheBucket_AndUsesTheLastBoundForOverflow()
    {
        Assert.Equal(5, MetricMath.FromBuckets([10, 20], [4, 0, 0], 50));
        Assert.Equal(20, MetricMath.FromBuckets([10, 20], [0, 0, 3], 99));
        Assert.Null(MetricMath.FromBuckets([10], [0, 0], 50));
    }
}

public class SecretMaskerTests
{
    [Theory]
    [InlineData("ConnectionStrings__chatdb", "Host=h;Port=1;Username=u;Password=p4ss;Database=d", "Host=h;Port=1;Username=u;Password=••••••••;Database=d")]
    [InlineData("OTEL_EXPORTER_OTLP_HEADERS", "x-otlp-api-key=abc,other=def", "x-otlp-api-key=••••••••,other=••••••••")]
    [InlineData("Jwt__SigningKey", "whatever", "••••••••")]
    [InlineData("Admin__Password", "whatever", "••••••••")]
    [InlineData("POSTGRES_PASSWORD", "whatever", "••••••••")]
    [InlineData("SOME_URL", "http://u:generated-secret@h", "http://u:••••••••@h")]
    [InlineData("ASPNETCORE_ENVIRONMENT", "Development", "Development")]
    [InlineData("OTEL_SERVICE_NAME", "api", "api")]
    public void MaskValue_HidesSecrets_AndKeepsTheRest(string name, string value, string expected) =>
        Assert.Equal(expected, SecretMasker.MaskValue(name, value, ["generated-secret"]));
}
