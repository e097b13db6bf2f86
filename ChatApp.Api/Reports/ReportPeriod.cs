using System.Globalization;
using ChatApp.Api.Services;

namespace ChatApp.Api.Reports;

/// <summary>
/// A report's period: whole local days <see cref="From"/> to <see cref="To"/> (both included) in <see cref="TimeZone"/>,
/// and the UTC instants they start and end at (daylight saving time included).
/// </summary>
public sealed record ReportPeriod(DateOnly From, DateOnly To, string TimeZone, TimeZoneInfo Zone, DateTimeOffset Start, DateTimeOffset End)
{
    public const int MaxDays = 366;
    public const int DefaultDays = 30;

    /// <summary>
    /// Reads <c>from</c>, <c>to</c> (<c>yyyy-MM-dd</c>) and <c>tz</c> (IANA, default UTC); without dates, the last
    /// <see cref="DefaultDays"/> days up to today in that time zone.
    /// </summary>
    public static ReportPeriod Parse(string? from, string? to, string? tz, DateTimeOffset now)
    {
        var timeZone = string.IsNullOrWhiteSpace(tz) ? "UTC" : tz.Trim();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone) || !zone.HasIanaId)
        {
            throw ChatException.Invalid("tz", $"Unknown time zone \"{timeZone}\"; use an IANA name such as Europe/Paris.");
        }
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var toDate = ParseDate(to, "to") ?? today;
        var fromDate = ParseDate(from, "from") ?? toDate.AddDays(-(DefaultDays - 1));
        if (fromDate > toDate)
        {
            throw ChatException.Invalid("from", "The period must start on or before the day it ends (from ≤ to).");
        }
        if (toDate.DayNumber - fromDate.DayNumber + 1 > MaxDays)
        {
            throw ChatException.Invalid("to", $"A report covers at most {MaxDays} days.");
        }
        return new ReportPeriod(fromDate, toDate, zone.Id, zone, StartOfDay(fromDate, zone), StartOfDay(toDate.AddDays(1), zone));
    }

    public int Days => To.DayNumber - From.DayNumber + 1;

    /// <summary>The first instant of a local day: midnight, or the first valid time after it where midnight is skipped.</summary>
    public static DateTimeOffset StartOfDay(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    private static DateOnly? ParseDate(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        return DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date
            : throw ChatException.Invalid(field, $"\"{value}\" is not a date; write it as yyyy-MM-dd, e.g. 2026-11-01.");
    }
}
