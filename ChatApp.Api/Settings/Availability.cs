using ChatApp.Api.Services;

namespace ChatApp.Api.Settings;

/// <summary>Whether any operator is online now.</summary>
public interface IOperatorAvailability
{
    ValueTask<bool> IsAnyOperatorOnlineAsync(CancellationToken ct = default);
}

/// <summary>
/// An operator is online when operator presence says so: an active operator or admin who chose "online" and has a live
/// hub connection to any API instance (<c>staff_connections</c>), the same people automatic assignment may choose.
/// </summary>
public sealed class PresenceOperatorAvailability(PresenceService presence) : IOperatorAvailability
{
    public async ValueTask<bool> IsAnyOperatorOnlineAsync(CancellationToken ct = default) =>
        await presence.IsAnyOperatorOnlineAsync(ct);
}

/// <summary>Online when an operator is online within business hours; otherwise away, with the next opening when hours say.</summary>
public class AvailabilityService(IOperatorAvailability operators, TimeProvider time)
{
    public async Task<AvailabilityDto> GetAsync(WidgetSettingsSnapshot settings, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        if (settings.BusinessHoursEnabled && settings.Zone is { } zone
            && !BusinessHoursCalculator.IsOpen(settings.BusinessHours, zone, now))
        {
            return new AvailabilityDto(AvailabilityStatus.Away, BusinessHoursCalculator.NextOpening(settings.BusinessHours, zone, now));
        }
        return await operators.IsAnyOperatorOnlineAsync(ct)
            ? new AvailabilityDto(AvailabilityStatus.Online, null)
            : new AvailabilityDto(AvailabilityStatus.Away, null);
    }
}
