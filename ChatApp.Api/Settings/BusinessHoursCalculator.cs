using ChatApp.Api.Data.Entities;

namespace ChatApp.Api.Settings;

/// <summary>Whether weekly business hours in a time zone are open at an instant, and when they next open.</summary>
public static class BusinessHoursCalculator
{
    public static bool IsOpen(IReadOnlyCollection<BusinessHoursInterval> hours, TimeZoneInfo zone, DateTimeOffset now) =>
        Openings(hours, zone, now, fromDay: -1, toDay: 0).Any(o => o.Start <= now && now < o.End);

    /// <summary>The next opening after <paramref name="now"/> within a week, or null when there are no hours.</summary>
    public static DateTimeOffset? NextOpening(IReadOnlyCollection<BusinessHoursInterval> hours, TimeZoneInfo zone, DateTimeOffset now) =>
        Openings(hours, zone, now, fromDay: 0, toDay: 7)
            .Where(o => o.Start > now)
            .Select(o => (DateTimeOffset?)o.Start)
            .Min();

    private static IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> Openings(
        IReadOnlyCollection<BusinessHoursInterval> hours, TimeZoneInfo zone, DateTimeOffset now, int fromDay, int toDay)
    {
        var today = TimeZoneInfo.ConvertTime(now, zone).Date;
        for (var offset = fromDay; offset <= toDay; offset++)
        {
            var date = today.AddDays(offset);
            foreach (var interval in hours.Where(h => h.Day == date.DayOfWeek))
            {
                yield return (ToUtc(date + interval.Opens.ToTimeSpan(), zone),
                    ToUtc(date + WidgetSettingsRules.EndOf(interval), zone));
            }
        }
    }

    /// <summary>A local wall-clock time as an instant; a time skipped by a daylight-saving change moves forward past the gap.</summary>
    private static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }
}
