using ChatApp.Api.Settings;
using Microsoft.Extensions.DependencyInjection;

namespace ChatApp.Tests.Infrastructure;

/// <summary>
/// Whether operators count as online in a test API: tests about other things run as if an operator were online
/// (<see cref="Forced"/> = true, the default after each reset), so a visitor may start a chat without an e-mail;
/// availability tests set it to null and connect real operators, which the API's own
/// <see cref="IOperatorAvailability"/> then sees.
/// </summary>
public sealed class OperatorAvailabilitySwitch
{
    public bool? Forced { get; set; } = true;
}

/// <summary>Wraps the API's own <see cref="IOperatorAvailability"/>, whatever it is, behind the switch.</summary>
public sealed class TestOperatorAvailability(OperatorAvailabilitySwitch @switch, IOperatorAvailability real) : IOperatorAvailability
{
    public ValueTask<bool> IsAnyOperatorOnlineAsync(CancellationToken ct = default) =>
        @switch.Forced is { } forced ? ValueTask.FromResult(forced) : real.IsAnyOperatorOnlineAsync(ct);

    /// <summary>Replaces the API's registration with the wrapped one (same implementation, created per scope).</summary>
    public static void Install(IServiceCollection services)
    {
        var real = services.Last(d => d.ServiceType == typeof(IOperatorAvailability));
        services.Remove(real);
        services.AddSingleton<OperatorAvailabilitySwitch>();
        services.AddScoped<IOperatorAvailability>(sp => new TestOperatorAvailability(
            sp.GetRequiredService<OperatorAvailabilitySwitch>(),
            real.ImplementationInstance as IOperatorAvailability
                ?? real.ImplementationFactory?.Invoke(sp) as IOperatorAvailability
                ?? (IOperatorAvailability)ActivatorUtilities.CreateInstance(sp, real.ImplementationType!)));
    }
}
