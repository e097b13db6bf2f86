using ChatApp.Api.Data.Entities;

namespace ChatApp.Api.Settings;

// The widget settings shapes of ChatApp.Api/PROTOCOL.md.

/// <summary>One opening: <c>opens</c> and <c>closes</c> as <c>HH:mm</c>, <c>closes</c> may be <c>24:00</c>.</summary>
public record BusinessHoursIntervalDto(DayOfWeek Day, string Opens, string Closes);

public record BusinessHoursDto(bool Enabled, string TimeZone, IReadOnlyList<BusinessHoursIntervalDto> Hours);

public record PreChatDto(PreChatField Name, PreChatField Email);

/// <summary>Everything admins manage, including the identity secret.</summary>
public record WidgetSettingsDto(
    string? Title,
    string? Subtitle,
    string? Greeting,
    string Color,
    WidgetPosition Position,
    PreChatDto PreChat,
    BusinessHoursDto BusinessHours,
    string DefaultLanguage,
    string IdentitySecret,
    DateTimeOffset UpdatedAt);

/// <summary>A whole new set of settings (PUT); the identity secret is not part of it.</summary>
public record UpdateWidgetSettingsRequest(
    string? Title,
    string? Subtitle,
    string? Greeting,
    string? Color,
    WidgetPosition? Position,
    PreChatDto? PreChat,
    BusinessHoursDto? BusinessHours,
    string? DefaultLanguage);

public enum AvailabilityStatus
{
    Online,
    Away
}

/// <summary>Online: an operator is online within business hours. Away: <c>nextOpeningAt</c> when business hours say so.</summary>
public record AvailabilityDto(AvailabilityStatus Status, DateTimeOffset? NextOpeningAt);

/// <summary>The upload rule the server enforces, so the widget refuses the same files at pick time with the same words.</summary>
public record UploadRulesDto(long MaxBytes, IReadOnlyList<string> ContentTypes, IReadOnlyList<string> Extensions,
    IReadOnlyList<string> TypeNames, string Rule);

/// <summary>What the public widget needs to render; never the identity secret.</summary>
public record PublicWidgetSettingsDto(
    string? Title,
    string? Subtitle,
    string? Greeting,
    string Color,
    WidgetPosition Position,
    PreChatDto PreChat,
    string DefaultLanguage,
    BusinessHoursDto BusinessHours,
    AvailabilityDto Availability,
    UploadRulesDto Uploads);
