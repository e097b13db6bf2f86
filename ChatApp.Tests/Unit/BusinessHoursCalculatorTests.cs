using ChatApp.Api.Data.Entities;
using ChatApp.Api.Settings;

namespace ChatApp.Tests.Unit;

public class BusinessHoursCalculatorTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    private static readonly List<BusinessHoursInterval> WeekdaysNineToFive = WidgetSettings.DefaultHours();

    [Theory]
    [InlineData("2026-11-25T08:30:00Z", true)]   // Wednesday 09:30 in Paris (UTC+1)
    [InlineData("2026-11-25T07:59:00Z", false)]  // 08:59 in Paris
    [InlineData("2026-11-25T16:00:00Z", false)]  // 17:00 in Paris: closed at the closing minute
    [InlineData("2026-11-28T10:00:00Z", false)]  // Saturday
    public void IsOpen_FollowsTheLocalWallClock(string instant, bool open) =>
        Assert.Equal(open, BusinessHoursCalculator.IsOpen(WeekdaysNineToFive, Paris, DateTimeOffset.Parse(instant)));

    [Fact]
    public void NextOpening_OnFridayEvening_IsMondayMorningLocalTime()
    {
        var friday = DateTimeOffset.Parse("2026-11-27T18:00:00Z"); // 19:00 in Paris
        var next = BusinessHoursCalculator.NextOpening(WeekdaysNineToFive, Paris, friday);
        Assert.Equal(DateTimeOffset.Parse("2026-11-30T08:00:00Z"), next);
    }

    [Fact]
    public void NextOpening_AcrossTheSpringDaylightSavingChange_UsesTheNewOffset()
    {
        // Paris moves to UTC+2 on Sunday 29 March 2026; Monday opens at 09:00 local = 07:00 UTC.
        var saturday = DateTimeOffset.Parse("2026-03-28T12:00:00Z");
        Assert.Equal(DateTimeOffset.Parse("2026-03-30T07:00:00Z"), BusinessHoursCalculator.NextOpening(WeekdaysNineToFive, Paris, saturday));
    }

    [Fact]
    public void IsOpen_WithAMidnightClose_IsOpenLateInTheEvening()
    {
        List<BusinessHoursInterval> hours = [new() { Day = DayOfWeek.Wednesday, Opens = new TimeOnly(18, 0), Closes = TimeOnly.MinValue }];
        Assert.True(BusinessHoursCalculator.IsOpen(hours, TimeZoneInfo.Utc, DateTimeOffset.Parse("2026-11-25T23:59:00Z")));
        Assert.False(BusinessHoursCalculator.IsOpen(hours, TimeZoneInfo.Utc, DateTimeOffset.Parse("2026-11-26T00:00:00Z")));
    }

    [Fact]
    public void NextOpening_WithALunchBreak_IsTheAfternoonOpening()
    {
        List<BusinessHoursInterval> hours =
        [
            new() { Day = DayOfWeek.Wednesday, Opens = new TimeOnly(9, 0), Closes = new TimeOnly(12, 0) },
            new() { Day = DayOfWeek.Wednesday, Opens = new TimeOnly(14, 0), Closes = new TimeOnly(18, 0) },
        ];
        var lunch = DateTimeOffset.Parse("2026-11-25T12:30:00Z");
        Assert.False(BusinessHoursCalculator.IsOpen(hours, TimeZoneInfo.Utc, lunch));
        Assert.Equal(DateTimeOffset.Parse("2026-11-25T14:00:00Z"), BusinessHoursCalculator.NextOpening(hours, TimeZoneInfo.Utc, lunch));
    }

    [Fact]
    public void NextOpening_WithNoHours_IsNull() =>
        Assert.Null(BusinessHoursCalculator.NextOpening([], TimeZoneInfo.Utc, DateTimeOffset.UtcNow));
}
