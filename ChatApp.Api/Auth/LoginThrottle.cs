using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace ChatApp.Api.Auth;

public class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Login attempts per client IP per minute.</summary>
    public int LoginPerIpPerMinute { get; set; } = 20;

    /// <summary>Login attempts per account (e-mail) per 15 minutes, whoever makes them.</summary>
    public int LoginPerAccountPer15Minutes { get; set; } = 10;

    /// <summary>Widget conversations started per client IP per minute.</summary>
    public int WidgetStartsPerIpPerMinute { get; set; } = 10;

    /// <summary>Uploads per client (IP) per minute.</summary>
    public int UploadsPerIpPerMinute { get; set; } = 30;
}

/// <summary>
/// The per-account half of login rate limiting (the per-IP half is an endpoint policy): the e-mail is only
/// known once the body is read, so the login handler asks this limiter before checking the password.
/// </summary>
public sealed class LoginThrottle(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(email =>
        RateLimitPartition.GetFixedWindowLimiter(email, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.LoginPerAccountPer15Minutes,
            Window = TimeSpan.FromMinutes(15),
            QueueLimit = 0,
        }));

    public bool TryAcquire(string normalizedEmail)
    {
        using var lease = _limiter.AttemptAcquire(normalizedEmail);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
