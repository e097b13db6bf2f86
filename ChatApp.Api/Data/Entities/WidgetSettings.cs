namespace ChatApp.Api.Data.Entities;

public enum PreChatField
{
    Off,
    Optional,
    Required
}

public enum WidgetPosition
{
    Right,
    Left
}

/// <summary>
/// How the visitor widget looks and behaves, managed by admins. One row (<see cref="SingletonId"/>); it is created
/// with its defaults, and a random identity secret, the first time anyone reads it.
/// </summary>
public class WidgetSettings
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    /// <summary>Header title; null shows the widget's own default in the visitor's language.</summary>
    public string? Title { get; set; }

    /// <summary>Header subtitle; null shows the widget's own default in the visitor's language.</summary>
    public string? Subtitle { get; set; }

    /// <summary>First words the visitor reads; null shows the widget's own default in the visitor's language.</summary>
    public string? Greeting { get; set; }

    public string Color { get; set; } = "#1f6feb";
    public WidgetPosition Position { get; set; } = WidgetPosition.Right;
    public PreChatField NameField { get; set; } = PreChatField.Optional;
    public PreChatField EmailField { get; set; } = PreChatField.Optional;

    /// <summary>A language code the widget speaks (<c>en</c>, <c>fr</c>), or <c>auto</c> for the visitor's browser language.</summary>
    public string DefaultLanguage { get; set; } = "auto";

    /// <summary>When off, the team is available whenever an operator is online.</summary>
    public bool BusinessHoursEnabled { get; set; }

    /// <summary>IANA time zone of <see cref="BusinessHours"/>, e.g. <c>Europe/Paris</c>.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Starts empty: EF Core adds the stored openings to it when it loads the row (new rows get <see cref="DefaultHours"/>).</summary>
    public List<BusinessHoursInterval> BusinessHours { get; set; } = [];

    /// <summary>
    /// HMAC-SHA256 key with which the site signs a signed-in customer's identifier (identity verification). Shown to
    /// admins only, never to the widget.
    /// </summary>
    public required string IdentitySecret { get; set; }

    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;

    public static List<BusinessHoursInterval> DefaultHours() =>
    [
        .. new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
            .Select(day => new BusinessHoursInterval { Day = day, Opens = new TimeOnly(9, 0), Closes = new TimeOnly(17, 0) }),
    ];
}

/// <summary>One opening on a weekday, in the settings' time zone; a day may have several (a lunch break).</summary>
public class BusinessHoursInterval
{
    public DayOfWeek Day { get; set; }
    public TimeOnly Opens { get; set; }

    /// <summary>After <see cref="Opens"/>; 00:00 means midnight at the end of the day.</summary>
    public TimeOnly Closes { get; set; }
}
