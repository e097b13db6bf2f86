using System.Globalization;
using System.Text.RegularExpressions;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Services;

namespace ChatApp.Api.Settings;

/// <summary>What valid widget settings are, shared by the API and the database schema.</summary>
public static partial class WidgetSettingsRules
{
    public const int MaxTitleLength = 60;
    public const int MaxSubtitleLength = 120;
    public const int MaxGreetingLength = 300;
    public const int MaxColorLength = 7;
    public const int MaxIntervals = 28;

    /// <summary>The languages the widget speaks; <c>auto</c> follows the visitor's browser.</summary>
    public static readonly IReadOnlyList<string> Languages = ["auto", "en", "fr"];

    [GeneratedRegex("^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")]
    private static partial Regex HexColor();

    /// <summary>Checks a whole request and applies it to <paramref name="settings"/>, or throws saying what is wrong (nothing applied).</summary>
    public static void Apply(UpdateWidgetSettingsRequest request, WidgetSettings settings)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) => errors[field] = [message];

        var title = Text(request.Title, "title", MaxTitleLength, Fail);
        var subtitle = Text(request.Subtitle, "subtitle", MaxSubtitleLength, Fail);
        var greeting = Text(request.Greeting, "greeting", MaxGreetingLength, Fail);

        var color = request.Color?.Trim();
        if (string.IsNullOrEmpty(color) || !HexColor().IsMatch(color))
        {
            Fail("color", "The colour must be a hex colour such as #1f6feb.");
        }
        if (request.Position is not { } position || !Enum.IsDefined(position))
        {
            Fail("position", "The position must be Right or Left.");
        }
        if (request.PreChat is not { } preChat || !Enum.IsDefined(preChat.Name) || !Enum.IsDefined(preChat.Email))
        {
            Fail("preChat", "Pre-chat fields need name and email, each Off, Optional or Required.");
        }
        var language = request.DefaultLanguage?.Trim().ToLowerInvariant();
        if (language is null || !Languages.Contains(language))
        {
            Fail("defaultLanguage", $"The default language must be one of {string.Join(", ", Languages)}.");
        }
        var hours = BusinessHours(request.BusinessHours, Fail);

        if (errors.Count > 0)
        {
            throw new ChatException(ChatError.Invalid, string.Join(" ", errors.Values.SelectMany(e => e)), errors);
        }
        settings.Title = title;
        settings.Subtitle = subtitle;
        settings.Greeting = greeting;
        settings.Color = color!.ToLowerInvariant();
        settings.Position = request.Position!.Value;
        settings.NameField = request.PreChat!.Name;
        settings.EmailField = request.PreChat.Email;
        settings.DefaultLanguage = language!;
        settings.BusinessHoursEnabled = request.BusinessHours!.Enabled;
        settings.TimeZone = request.BusinessHours.TimeZone.Trim();
        // Changed in place: EF Core tracks the loaded owned collection itself.
        settings.BusinessHours.Clear();
        settings.BusinessHours.AddRange(hours!);
    }

    public static BusinessHoursDto ToDto(WidgetSettings s) => new(s.BusinessHoursEnabled, s.TimeZone,
        [.. s.BusinessHours.OrderBy(h => (int)h.Day).ThenBy(h => h.Opens)
            .Select(h => new BusinessHoursIntervalDto(h.Day, h.Opens.ToString("HH:mm", CultureInfo.InvariantCulture), Closes(h.Closes)))]);

    private static string Closes(TimeOnly closes) =>
        closes == TimeOnly.MinValue ? "24:00" : closes.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static string? Text(string? value, string field, int maxLength, Action<string, string> fail)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }
        if (trimmed.Length > maxLength)
        {
            fail(field, $"The {field} may be at most {maxLength} characters.");
        }
        return trimmed;
    }

    private static List<BusinessHoursInterval>? BusinessHours(BusinessHoursDto? dto, Action<string, string> fail)
    {
        if (dto is null)
        {
            fail("businessHours", "Business hours are required: enabled, timeZone and hours.");
            return null;
        }
        if (string.IsNullOrWhiteSpace(dto.TimeZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(dto.TimeZone.Trim(), out _))
        {
            fail("businessHours.timeZone", $"\"{dto.TimeZone}\" is not a time zone; use an IANA name such as Europe/Paris.");
        }
        var items = dto.Hours ?? [];
        if (items.Count > MaxIntervals)
        {
            fail("businessHours.hours", $"At most {MaxIntervals} openings a week.");
            return null;
        }
        var result = new List<BusinessHoursInterval>();
        foreach (var item in items)
        {
            if (item is null || !Enum.IsDefined(item.Day)
                || !TryParseTime(item.Opens, allowEndOfDay: false, out var opens)
                || !TryParseTime(item.Closes, allowEndOfDay: true, out var closes))
            {
                fail("businessHours.hours", "Each opening needs a day and times as HH:mm (closing may be 24:00).");
                return null;
            }
            if (closes != TimeOnly.MinValue && closes <= opens)
            {
                fail("businessHours.hours", $"On {item.Day} the opening at {item.Opens} must close after it opens.");
                return null;
            }
            result.Add(new BusinessHoursInterval { Day = item.Day, Opens = opens, Closes = closes });
        }
        foreach (var day in result.GroupBy(h => h.Day))
        {
            var ordered = day.OrderBy(h => h.Opens).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                if (EndOf(ordered[i - 1]) > ordered[i].Opens.ToTimeSpan())
                {
                    fail("businessHours.hours", $"The openings on {day.Key} overlap.");
                    return null;
                }
            }
        }
        if (dto.Enabled && result.Count == 0)
        {
            fail("businessHours.hours", "With business hours on, give at least one opening.");
        }
        return result;
    }

    /// <summary>When an opening ends, as time since its day's midnight (24:00 for a midnight close).</summary>
    public static TimeSpan EndOf(BusinessHoursInterval interval) =>
        interval.Closes == TimeOnly.MinValue ? TimeSpan.FromDays(1) : interval.Closes.ToTimeSpan();

    private static bool TryParseTime(string? value, bool allowEndOfDay, out TimeOnly time)
    {
        time = default;
        if (value is null)
        {
            return false;
        }
        if (allowEndOfDay && value.Trim() == "24:00")
        {
            time = TimeOnly.MinValue;
            return true;
        }
        return TimeOnly.TryParseExact(value.Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }
}
