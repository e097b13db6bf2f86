using ChatApp.AppHost.Dashboard.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ChatApp.AppHost.Dashboard.Web;

/// <summary>The JSON the dashboard's pages poll (under <c>/api</c>, behind the login cookie).</summary>
internal static class DashboardApi
{
    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder routes, TelemetryStore store,
        IDashboardResourceSource? resources, IReadOnlyCollection<string> extraSecrets)
    {
        var api = routes.MapGroup("/api");

        api.MapGet("/summary", () => new SummaryDto(store.Version, store.GetServiceNames(),
            resources?.GetResources().Select(r => r.Name).ToArray() ?? [],
            store.SpanCount, store.LogCount, store.MetricPointCount, store.DroppedSpans, store.DroppedLogs, store.DroppedMetricPoints));

        // ---- resources ----
        api.MapGet("/resources", () =>
        {
            if (resources is null)
            {
                return [];
            }
            var secrets = resources.SecretValues.Concat(extraSecrets).ToArray();
            return resources.GetResources().Select(r => new ResourceDto(r.Name, r.Kind, r.State, r.Health,
                r.StartedAt?.ToUnixTimeMilliseconds(), r.StoppedAt?.ToUnixTimeMilliseconds(), r.ExitCode, r.ProcessId, r.Reason,
                r.Endpoints, [.. SecretMasker.MaskEnvironment(r.Environment, secrets).Select(kv => new NameValueDto(kv.Key, kv.Value))])).ToArray();
        });
        api.MapPost("/resources/{name}/{action}", async Task<Results<NoContent, NotFound<ErrorDto>, BadRequest<ErrorDto>, Conflict<ErrorDto>>> (
            string name, string action, CancellationToken cancellationToken) =>
        {
            if (!Enum.TryParse<ResourceAction>(action, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(action, out _))
            {
                return TypedResults.BadRequest(new ErrorDto("The action must be start, stop or restart."));
            }
            if (resources is null || !resources.GetResources().Any(r => r.Name == name))
            {
                return TypedResults.NotFound(new ErrorDto($"There is no resource named '{name}'."));
            }
            try
            {
                // Returns once the engine stopped it (or launched it); the page follows the state as it changes.
                await resources.ExecuteAsync(name, parsed, cancellationToken);
                return TypedResults.NoContent();
            }
            catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException)
            {
                return TypedResults.Conflict(new ErrorDto(e.Message));
            }
        });
        api.MapGet("/console/{name}", Results<Ok<ConsoleDto>, NotFound<ErrorDto>> (string name, long? after) =>
        {
            if (resources is null || !resources.GetResources().Any(r => r.Name == name))
            {
                return TypedResults.NotFound(new ErrorDto($"There is no resource named '{name}'."));
            }
            var lines = resources.GetConsoleLines(name, after ?? 0);
            return TypedResults.Ok(new ConsoleDto(name,
                [.. lines.Select(l => new ConsoleLineDto(l.Sequence, l.Timestamp.ToUnixTimeMilliseconds(), l.Text, l.IsError))]));
        });

        // ---- structured logs ----
        api.MapGet("/logs", (string? service, string? level, string? text, string? traceId, long? after, int? limit) =>
            store.GetLogs(new LogQuery(Blank(service), MinSeverity(level), Blank(text), Blank(traceId), after ?? 0, limit ?? 500))
                .Select(l => new LogDto(l.Id, l.TimeUnixNano / 1e6, l.Source.ServiceName, l.Level, l.SeverityNumber, l.Message, l.Category,
                    l.EventName, l.TraceId, l.SpanId, Attrs(l.Attributes)))
                .ToArray());

        // ---- traces ----
        api.MapGet("/traces", (string? service, string? text, bool? errors, double? minDurationMs, int? limit) =>
            store.GetTraces(new TraceQuery(Blank(service), Blank(text), errors ?? false, minDurationMs, limit ?? 200)).Select(TraceDto.From).ToArray());
        api.MapGet("/traces/{traceId}", Results<Ok<TraceDetailDto>, NotFound<ErrorDto>> (string traceId) =>
        {
            var trace = store.GetTrace(traceId);
            if (trace is null)
            {
                return TypedResults.NotFound(new ErrorDto($"No trace {traceId} is stored (it may have been dropped to stay under the cap)."));
            }
            var start = trace.Summary.StartUnixNano;
            var spans = trace.Spans.Select(w => new SpanDto(
                w.Span.SpanId, w.Span.ParentSpanId, w.Span.Name, w.Span.Kind.ToString(), w.Span.Source.ServiceName, w.Span.Scope,
                w.Span.StartUnixNano / 1e6, (w.Span.StartUnixNano - start) / 1e6, w.Span.DurationMs, w.Span.Status.ToString(),
                w.Span.StatusMessage, w.Depth, Attrs(w.Span.Attributes),
                [.. w.Span.Events.Select(e => new SpanEventDto(e.Name, (e.TimeUnixNano - start) / 1e6, Attrs(e.Attributes)))],
                [.. w.Span.Links.Select(l => new SpanLinkDto(l.TraceId, l.SpanId, Attrs(l.Attributes)))],
                Attrs(w.Span.Source.Attributes))).ToArray();
            var logCount = store.GetLogs(new LogQuery(TraceId: trace.Summary.TraceId, Limit: 5000)).Count;
            return TypedResults.Ok(new TraceDetailDto(TraceDto.From(trace.Summary), spans, logCount));
        });

        // ---- metrics ----
        api.MapGet("/metrics/instruments", (string? service) =>
            store.GetInstruments(Blank(service)).Select(i => new InstrumentDto(i.Descriptor.ServiceName, i.Descriptor.Scope, i.Descriptor.Name,
                i.Descriptor.Unit, i.Descriptor.Description, i.Descriptor.Kind.ToString(), i.Descriptor.IsMonotonic, i.SeriesCount, i.PointCount)).ToArray());
        api.MapGet("/metrics/overview", (string? service, int? minutes) =>
            MetricCharts.Overview(store, Blank(service) ?? "api", Window(minutes)));
        api.MapGet("/metrics/chart", (string service, string name, int? minutes) =>
            MetricCharts.ForInstrument(store, service, name, Window(minutes)));

        return routes;
    }

    private static TimeSpan Window(int? minutes) => TimeSpan.FromMinutes(Math.Clamp(minutes ?? 5, 1, 60));

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static NameValueDto[] Attrs(IReadOnlyList<TelemetryAttribute> attributes) => [.. attributes.Select(a => new NameValueDto(a.Key, a.Value))];

    /// <summary>The lowest OTLP severity number of a level name (Trace 1, Debug 5, Information 9, Warning 13, Error 17, Critical 21).</summary>
    public static int MinSeverity(string? level) => level?.Trim().ToLowerInvariant() switch
    {
        "trace" => 1,
        "debug" => 5,
        "information" or "info" => 9,
        "warning" or "warn" => 13,
        "error" => 17,
        "critical" or "fatal" => 21,
        _ => 0,
    };
}

internal sealed record ErrorDto(string Error);

internal sealed record NameValueDto(string Name, string Value);

internal sealed record SummaryDto(long Version, IReadOnlyList<string> Services, IReadOnlyList<string> Resources,
    int Spans, int Logs, int MetricPoints, long DroppedSpans, long DroppedLogs, long DroppedMetricPoints);

internal sealed record ResourceDto(string Name, string Kind, string State, string? Health, long? StartedAt, long? StoppedAt,
    int? ExitCode, int? ProcessId, string? Reason, IReadOnlyList<string> Endpoints, IReadOnlyList<NameValueDto> Environment);

internal sealed record ConsoleDto(string Resource, IReadOnlyList<ConsoleLineDto> Lines);

internal sealed record ConsoleLineDto(long Seq, long Time, string Text, bool IsError);

internal sealed record LogDto(long Id, double Time, string Service, string Level, int Severity, string Message, string? Category,
    string? EventName, string? TraceId, string? SpanId, IReadOnlyList<NameValueDto> Attributes);

internal sealed record TraceDto(string TraceId, string RootName, string RootService, IReadOnlyList<string> Services, double Start,
    double DurationMs, int SpanCount, int ErrorCount)
{
    public static TraceDto From(TraceSummary t) =>
        new(t.TraceId, t.RootName, t.RootService, t.Services, t.StartUnixNano / 1e6, t.DurationMs, t.SpanCount, t.ErrorCount);
}

internal sealed record SpanDto(string SpanId, string? ParentSpanId, string Name, string Kind, string Service, string Scope, double Start,
    double OffsetMs, double DurationMs, string Status, string? StatusMessage, int Depth, IReadOnlyList<NameValueDto> Attributes,
    IReadOnlyList<SpanEventDto> Events, IReadOnlyList<SpanLinkDto> Links, IReadOnlyList<NameValueDto> Resource);

internal sealed record SpanEventDto(string Name, double OffsetMs, IReadOnlyList<NameValueDto> Attributes);

internal sealed record SpanLinkDto(string TraceId, string SpanId, IReadOnlyList<NameValueDto> Attributes);

internal sealed record TraceDetailDto(TraceDto Trace, IReadOnlyList<SpanDto> Spans, int LogCount);

internal sealed record InstrumentDto(string Service, string Scope, string Name, string Unit, string Description, string Kind,
    bool IsMonotonic, int Series, int Points);
