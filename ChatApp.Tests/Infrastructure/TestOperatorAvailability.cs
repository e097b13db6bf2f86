using ChatApp.Api.Hubs;
using ChatApp.Api.Settings;

namespace ChatApp.Tests.Infrastructure;

/// <summary>
/// The real <see cref="ConnectedOperatorAvailability"/> (staff hub connections), with a switch: tests about other
/// things run as if an operator were online (<see cref="Forced"/> = true, the default after each reset), so a visitor
/// may start a chat without an e-mail; availability tests set it to null and connect real operators.
/// </summary>
public sealed class TestOperatorAvailability(StaffConnections staff) : IOperatorAvailability
{
    private readonly ConnectedOperatorAvailability _real = new(staff);

    public bool? Forced { get; set; } = true;

    public ValueTask<bool> IsAnyOperatorOnlineAsync(CancellationToken ct = default) =>
        Forced is { } forced ? ValueTask.FromResult(forced) : _real.IsAnyOperatorOnlineAsync(ct);
}
