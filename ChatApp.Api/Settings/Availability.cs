using ChatApp.Api.Hubs;

namespace ChatApp.Api.Settings;

/// <summary>Whether any operator is online now.</summary>
public interface IOperatorAvailability
{
    ValueTask<bool> IsAnyOperatorOnlineAsync(CancellationToken ct = default);
}

/// <summary>
/// An operator is online while it has a hub connection to this instance.
/// REVIEW: a stand-in until operator presence (online/away/offline, shared by every instance) exists; that service
/// implements <see cref="IOperatorAvailability"/> instead, and nothing else changes.
/// </summary>
public sealed class ConnectedOperatorAvailability(StaffConnections staff) : IOperatorAvailability
{
    public ValueTask<bool> IsAnyOperatorOnlineAsync(CancellationToken ct = default) => ValueTask.FromResult(staff.AnyConnected);
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
