namespace ChatApp.AppHost.Dashboard.Telemetry;

/// <summary>A chart: one value per time step (null where nothing was reported).</summary>
/// <param name="Title">Heading of the chart.</param>
/// <param name="Unit">Unit of the values.</param>
/// <param name="Lines">The lines, each with one value per step.</param>
/// <param name="StartUnixMs">Start of the first step.</param>
/// <param name="StepSeconds">Width of a step.</param>
public sealed record MetricChart(string Title, string Unit, double StartUnixMs, double StepSeconds, IReadOnlyList<ChartLine> Lines);

/// <summary>One line of a chart.</summary>
public sealed record ChartLine(string Label, IReadOnlyList<double?> Values);

/// <summary>
/// Turns stored series into charts over a time window cut into steps: rates for counters and histogram counts
/// (per second, summed over every attribute set), percentiles and the mean for histograms, current values for gauges
/// and up-down counters. Cumulative and delta series are both handled; a cumulative series that restarts (its start
/// time changes or its value drops) counts from zero again.
/// </summary>
public static class MetricMath
{
    /// <summary>Per-second rate of a counter or of a histogram's count, summed over the series.</summary>
    public static double?[] Rate(IReadOnlyList<MetricSeriesSnapshot> series, long fromUnixNano, double stepSeconds, int steps)
    {
        var totals = new double?[steps];
        foreach (var s in series)
        {
            foreach (var (time, delta) in Deltas(s, p => p.Value))
            {
                var index = Index(time, fromUnixNano, stepSeconds, steps);
                if (index >= 0)
                {
                    totals[index] = (totals[index] ?? 0) + delta;
                }
            }
        }
        return FillZeros(totals, series, fromUnixNano, stepSeconds).Select(v => v / stepSeconds).ToArray();
    }

    /// <summary>Sum over the series of each one's latest value in a step, carried forward (gauges, up-down counters).</summary>
    public static double?[] Current(IReadOnlyList<MetricSeriesSnapshot> series, long fromUnixNano, double stepSeconds, int steps)
    {
        var totals = new double?[steps];
        foreach (var s in series)
        {
            var values = new double?[steps];
            double? carried = null;
            foreach (var point in s.Points)
            {
                var index = Index(point.TimeUnixNano, fromUnixNano, stepSeconds, steps);
                if (index < 0)
                {
                    if (point.TimeUnixNano < fromUnixNano)
                    {
                        carried = point.Value;
                    }
                    continue;
                }
                values[index] = point.Value;
            }
            // Carry a value forward until the series' last point: a series that stopped reporting leaves a gap.
            var last = s.Points.Count == 0 ? 0 : s.Points[^1].TimeUnixNano;
            var lastIndex = last >= fromUnixNano + (long)(steps * stepSeconds * 1e9) ? steps - 1
                : Index(last, fromUnixNano, stepSeconds, steps);
            for (var i = 0; i < steps; i++)
            {
                if (values[i] is null && carried is not null && i <= lastIndex)
                {
                    values[i] = carried;
                }
                carried = values[i] ?? carried;
                if (values[i] is { } v)
                {
                    totals[i] = (totals[i] ?? 0) + v;
                }
            }
        }
        return totals;
    }

    /// <summary>A histogram's percentile (0–100) per step from the bucket counts recorded in that step, across series.</summary>
    public static double?[] Percentile(IReadOnlyList<MetricSeriesSnapshot> series, double percentile, long fromUnixNano, double stepSeconds, int steps)
    {
        var merged = MergedBuckets(series, fromUnixNano, stepSeconds, steps);
        return [.. merged.Select(b => b is null ? (double?)null : FromBuckets(b.Value.Bounds, b.Value.Counts, percentile))];
    }

    /// <summary>A histogram's mean value per step (sum of values / count, over the values recorded in that step).</summary>
    public static double?[] Mean(IReadOnlyList<MetricSeriesSnapshot> series, long fromUnixNano, double stepSeconds, int steps)
    {
        var sums = new double[steps];
        var counts = new double[steps];
        foreach (var s in series)
        {
            foreach (var (time, delta) in Deltas(s, p => p.Sum ?? 0))
            {
                var index = Index(time, fromUnixNano, stepSeconds, steps);
                if (index >= 0)
                {
                    sums[index] += delta;
                }
            }
            foreach (var (time, delta) in Deltas(s, p => p.Value))
            {
                var index = Index(time, fromUnixNano, stepSeconds, steps);
                if (index >= 0)
                {
                    counts[index] += delta;
                }
            }
        }
        return [.. Enumerable.Range(0, steps).Select(i => counts[i] > 0 ? sums[i] / counts[i] : (double?)null)];
    }

    /// <summary>The value at <paramref name="percentile"/> of an explicit-bounds histogram, interpolated within its bucket.</summary>
    public static double? FromBuckets(IReadOnlyList<double> bounds, IReadOnlyList<double> counts, double percentile)
    {
        var total = counts.Sum();
        if (total <= 0 || bounds.Count == 0)
        {
            return null;
        }
        var rank = percentile / 100.0 * total;
        double seen = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            if (counts[i] <= 0)
            {
                continue;
            }
            if (seen + counts[i] >= rank)
            {
                var lower = i == 0 ? 0 : bounds[i - 1];
                if (i >= bounds.Count)
                {
                    return bounds[^1]; // The overflow bucket has no upper bound: report its lower one.
                }
                var upper = bounds[i];
                var within = (rank - seen) / counts[i];
                return lower + (upper - lower) * Math.Clamp(within, 0, 1);
            }
            seen += counts[i];
        }
        return bounds[^1];
    }

    private static (IReadOnlyList<double> Bounds, double[] Counts)?[] MergedBuckets(
        IReadOnlyList<MetricSeriesSnapshot> series, long fromUnixNano, double stepSeconds, int steps)
    {
        var merged = new (IReadOnlyList<double> Bounds, double[] Counts)?[steps];
        foreach (var s in series)
        {
            MetricPoint? previous = null;
            foreach (var point in s.Points)
            {
                if (point.BucketCounts is not { Count: > 0 } counts || point.Bounds is not { } bounds || counts.Count != bounds.Count + 1)
                {
                    previous = null;
                    continue;
                }
                double[] delta;
                if (s.Descriptor.Temporality == MetricTemporality.Delta)
                {
                    delta = [.. counts.Select(c => (double)c)];
                }
                else if (previous is { BucketCounts: { } before } && before.Count == counts.Count && previous.StartUnixNano == point.StartUnixNano
                         && point.Value >= previous.Value)
                {
                    delta = [.. counts.Select((c, i) => (double)c - before[i])];
                }
                else if (previous is null && !CountsFromScratch(s, point))
                {
                    previous = point; // Counts from long before: only the change from here on counts.
                    continue;
                }
                else
                {
                    delta = [.. counts.Select(c => (double)c)];
                }
                previous = point;
                var index = Index(point.TimeUnixNano, fromUnixNano, stepSeconds, steps);
                if (index < 0)
                {
                    continue;
                }
                if (merged[index] is { } existing && existing.Bounds.SequenceEqual(bounds))
                {
                    for (var i = 0; i < delta.Length; i++)
                    {
                        existing.Counts[i] += delta[i];
                    }
                }
                else if (merged[index] is null)
                {
                    merged[index] = (bounds, delta);
                }
            }
        }
        return merged;
    }

    /// <summary>The increase a point adds over the previous one of its series (the value itself for delta series).</summary>
    private static IEnumerable<(long Time, double Delta)> Deltas(MetricSeriesSnapshot series, Func<MetricPoint, double> value)
    {
        if (series.Descriptor.Temporality == MetricTemporality.Delta)
        {
            foreach (var point in series.Points)
            {
                yield return (point.TimeUnixNano, value(point));
            }
            yield break;
        }
        MetricPoint? previous = null;
        foreach (var point in series.Points)
        {
            if (previous is null)
            {
                if (CountsFromScratch(series, point))
                {
                    yield return (point.TimeUnixNano, value(point));
                }
            }
            else if (point.StartUnixNano != previous.StartUnixNano || value(point) < value(previous))
            {
                yield return (point.TimeUnixNano, value(point)); // Restarted.
            }
            else
            {
                yield return (point.TimeUnixNano, value(point) - value(previous));
            }
            previous = point;
        }
    }

    /// <summary>Steps during which a series reported but did not change show 0, not a gap.</summary>
    private static double?[] FillZeros(double?[] totals, IReadOnlyList<MetricSeriesSnapshot> series, long fromUnixNano, double stepSeconds)
    {
        foreach (var s in series)
        {
            foreach (var point in s.Points)
            {
                var index = Index(point.TimeUnixNano, fromUnixNano, stepSeconds, totals.Length);
                if (index >= 0)
                {
                    totals[index] ??= 0;
                }
            }
        }
        return totals;
    }

    /// <summary>
    /// Whether the first point held of a cumulative series is all new. A series is exported from its first measurement
    /// on, so its first point counts what happened since the previous export — unless older points were dropped to stay
    /// under the cap, or the series began long before (its start time is old): then it is only a baseline.
    /// </summary>
    private static bool CountsFromScratch(MetricSeriesSnapshot series, MetricPoint point) =>
        !series.Trimmed || (point.StartUnixNano > 0 && point.TimeUnixNano - point.StartUnixNano < 30_000_000_000L);

    private static int Index(long timeUnixNano, long fromUnixNano, double stepSeconds, int steps)
    {
        if (timeUnixNano < fromUnixNano)
        {
            return -1;
        }
        var index = (int)((timeUnixNano - fromUnixNano) / (stepSeconds * 1e9));
        return index < steps ? index : -1;
    }
}
