using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using ChatApp.Api.Services;
using Microsoft.Extensions.Options;

namespace ChatApp.Api.Auth;

public class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Login attempts per client IP per minute, whatever the account.</summary>
    public int LoginPerIpPerMinute { get; set; } = 20;

    /// <summary>Wrong passwords for one account from one IP per 15 minutes; then that IP waits for the window to end.</summary>
    public int LoginFailuresPerAccountAndIpPer15Minutes { get; set; } = 5;

    /// <summary>Wrong passwords for one account from anywhere before sign-in to it is slowed down…</summary>
    public int LoginFailuresPerAccountBurst { get; set; } = 10;

    /// <summary>…to one attempt every this many seconds (for addresses the account has not signed in from before).</summary>
    public int LoginAccountSlowdownSeconds { get; set; } = 10;

    /// <summary>Widget conversations started per client IP per minute.</summary>
    public int WidgetStartsPerIpPerMinute { get; set; } = 10;

    /// <summary>Uploads per client (IP) per minute.</summary>
    public int UploadsPerIpPerMinute { get; set; } = 30;
}

/// <summary>
/// Slows password guessing without locking the account's owner out. Only wrong passwords count. From one address an
/// account gets a few wrong passwords per 15 minutes (a guesser on one machine stops there). From everywhere together
/// it gets a burst, then one try every few seconds: a guesser with many addresses is slowed to a crawl, and the owner
/// signing in from a new place waits seconds, never a lockout. An address the account signed in from successfully
/// before skips that account-wide slowdown, so a distributed attack cannot keep the owner out from their usual place.
/// The per-IP endpoint policy still caps attempts across accounts. In memory: right for one API instance.
/// </summary>
public sealed class LoginThrottle(IOptions<RateLimitOptions> options, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan KnownFor = TimeSpan.FromDays(30);

    private readonly PartitionedRateLimiter<(string Email, string Ip)> _perAddress =
        PartitionedRateLimiter.Create<(string Email, string Ip), (string, string)>(key =>
            RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = options.Value.LoginFailuresPerAccountAndIpPer15Minutes,
                Window = TimeSpan.FromMinutes(15),
                QueueLimit = 0,
            }));

    private readonly PartitionedRateLimiter<string> _perAccount = PartitionedRateLimiter.Create<string, string>(email =>
        RateLimitPartition.GetTokenBucketLimiter(email, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Value.LoginFailuresPerAccountBurst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(options.Value.LoginAccountSlowdownSeconds),
            QueueLimit = 0,
        }));

    private readonly ConcurrentDictionary<(string Email, string Ip), DateTimeOffset> _knownAddresses = new();

    /// <summary>Throws a 429 <see cref="ChatException"/> (with the wait) when this attempt may not be checked now.</summary>
    public void EnsureMayTry(string email, string ip)
    {
        using (var lease = _perAddress.AttemptAcquire((email, ip), 0))
        {
            if (!lease.IsAcquired)
            {
                throw ChatException.TooManyRequests("Too many wrong passwords for this account from your address.", RetryAfter(lease));
            }
        }
        if (IsKnown(email, ip))
        {
            return;
        }
        // Checked by its statistics: the bucket refills continuously, so a zero-permit lease succeeds on a fraction of a token.
        if ((_perAccount.GetStatistics(email)?.CurrentAvailablePermits ?? 1) < 1)
        {
            throw ChatException.TooManyRequests(
                "This account has had many wrong passwords lately, so signing in to it is slowed down.",
                TimeSpan.FromSeconds(options.Value.LoginAccountSlowdownSeconds));
        }
    }

    public void Failed(string email, string ip)
    {
        _perAddress.AttemptAcquire((email, ip)).Dispose();
        if (!IsKnown(email, ip))
        {
            _perAccount.AttemptAcquire(email).Dispose();
        }
    }

    public void Succeeded(string email, string ip)
    {
        var now = time.GetUtcNow();
        _knownAddresses[(email, ip)] = now;
        if (_knownAddresses.Count > 100_000)
        {
            foreach (var (key, seen) in _knownAddresses)
            {
                if (now - seen > KnownFor) _knownAddresses.TryRemove(key, out _);
            }
        }
    }

    private bool IsKnown(string email, string ip) =>
        _knownAddresses.TryGetValue((email, ip), out var seen) && time.GetUtcNow() - seen < KnownFor;

    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);

    public void Dispose()
    {
        _perAddress.Dispose();
        _perAccount.Dispose();
    }
}
