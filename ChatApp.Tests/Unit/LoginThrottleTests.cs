using ChatApp.Api.Auth;
using ChatApp.Api.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatApp.Tests.Unit;

public class LoginThrottleTests
{
    private static LoginThrottle Throttle(int perAddress = 100, int burst = 3) => new(Options.Create(new RateLimitOptions
    {
        LoginFailuresPerAccountAndIpPer15Minutes = perAddress,
        LoginFailuresPerAccountBurst = burst,
        LoginAccountSlowdownSeconds = 10,
    }), TimeProvider.System, new RateLimitWindows(new ServiceCollection().BuildServiceProvider(), NullLogger<RateLimitWindows>.Instance));

    [Fact]
    public async Task FailuresFromManyAddresses_SlowTheAccount_ButNotItsKnownAddress()
    {
        using var throttle = Throttle();
        await throttle.SucceededAsync("a@x", "known");
        for (var i = 0; i < 3; i++)
        {
            await throttle.EnsureMayTryAsync("a@x", $"attacker{i}");
            await throttle.FailedAsync("a@x", $"attacker{i}");
        }
        var refused = await Assert.ThrowsAsync<ChatException>(() => throttle.EnsureMayTryAsync("a@x", "attacker9"));
        // Three wrong passwords per 3 × 10 seconds: the wait is what is left of that window.
        Assert.InRange(refused.RetryAfter!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        await throttle.EnsureMayTryAsync("a@x", "known");
        await throttle.EnsureMayTryAsync("b@x", "attacker9");
    }

    [Fact]
    public async Task FailuresFromOneAddress_StopThatAddressOnly()
    {
        using var throttle = Throttle(perAddress: 2, burst: 100);
        await throttle.FailedAsync("a@x", "attacker");
        await throttle.FailedAsync("a@x", "attacker");
        Assert.Equal(ChatError.TooManyRequests, (await Assert.ThrowsAsync<ChatException>(() => throttle.EnsureMayTryAsync("a@x", "attacker"))).Error);
        await throttle.EnsureMayTryAsync("a@x", "owner");
    }
}
