using ChatApp.Api.Auth;
using ChatApp.Api.Services;
using Microsoft.Extensions.Options;

namespace ChatApp.Tests.Unit;

public class LoginThrottleTests
{
    private static LoginThrottle Throttle(int perAddress = 100, int burst = 3) => new(Options.Create(new RateLimitOptions
    {
        LoginFailuresPerAccountAndIpPer15Minutes = perAddress,
        LoginFailuresPerAccountBurst = burst,
        LoginAccountSlowdownSeconds = 10,
    }), TimeProvider.System);

    [Fact]
    public void FailuresFromManyAddresses_SlowTheAccount_ButNotItsKnownAddress()
    {
        using var throttle = Throttle();
        throttle.Succeeded("a@x", "known");
        for (var i = 0; i < 3; i++)
        {
            throttle.EnsureMayTry("a@x", $"attacker{i}");
            throttle.Failed("a@x", $"attacker{i}");
        }
        var refused = Assert.Throws<ChatException>(() => throttle.EnsureMayTry("a@x", "attacker9"));
        Assert.InRange(refused.RetryAfter!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        throttle.EnsureMayTry("a@x", "known");
        throttle.EnsureMayTry("b@x", "attacker9");
    }

    [Fact]
    public void FailuresFromOneAddress_StopThatAddressOnly()
    {
        using var throttle = Throttle(perAddress: 2, burst: 100);
        throttle.Failed("a@x", "attacker");
        throttle.Failed("a@x", "attacker");
        Assert.Equal(ChatError.TooManyRequests, Assert.Throws<ChatException>(() => throttle.EnsureMayTry("a@x", "attacker")).Error);
        throttle.EnsureMayTry("a@x", "owner");
    }
}
