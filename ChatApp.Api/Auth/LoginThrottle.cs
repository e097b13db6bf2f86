using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using ChatApp.Api.Services;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatApp.Api.Auth;

public class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Login attempts per client IP per minute, whatever the account.</summary>
    public int LoginPerIpPerMinute { get; set; } = 20;

    /// <summary>Wrong passwords for one account from one IP per 15 minutes; then that IP waits for the window to end.</summary>
    public int LoginFailuresPerAccountAndIpPer15Minutes { get; set; } = 5;

    /// <summary>
    /// Wrong passwords for one account from anywhere (addresses it has not signed in from) per window of this many
    /// times <see cref="LoginAccountSlowdownSeconds"/>: beyond them, sign-in to it from a new address waits for the window.
    /// </summary>
    public int LoginFailuresPerAccountBurst { get; set; } = 10;

    /// <summary>So a guesser with many addresses averages one try every this many seconds.</summary>
    public int LoginAccountSlowdownSeconds { get; set; } = 10;

    /// <summary>Widget conversations started per client IP per minute.</summary>
    public int WidgetStartsPerIpPerMinute { get; set; } = 10;

    /// <summary>Uploads per client (IP) per minute.</summary>
    public int UploadsPerIpPerMinute { get; set; } = 30;
}

/// <summary>
/// Slows password guessing without locking the account's owner out. Only wrong passwords count. From one address an
/// account gets a few wrong passwords per 15 minutes (a guesser on one machine stops there). From everywhere together
/// it gets a few per short window (one every few seconds on average): a guesser with many addresses is slowed to a
/// crawl, and the owner signing in from a new place waits for the window's end at worst, never a lockout. An address
/// the account signed in from successfully before skips that account-wide slowdown, so a distributed attack cannot
/// keep the owner out from their usual place. The per-IP endpoint policy still caps attempts across accounts. The
/// counts are shared by every API instance (<see cref="RateLimitWindows"/>), and so are the known addresses when the
/// API scales out on Redis.
/// </summary>
public sealed class LoginThrottle : IDisposable
{
    private static readonly TimeSpan KnownFor = TimeSpan.FromDays(30);

    private readonly RateLimitOptions _options;
    private readonly TimeProvider _time;
    private readonly IConnectionMultiplexer? _redis;
    private readonly RateLimitWindows.WindowLimiter _perAddress;
    private readonly RateLimitWindows.WindowLimiter _perAccount;
    private readonly ConcurrentDictionary<(string Email, string Ip), DateTimeOffset> _knownAddresses = new();

    public LoginThrottle(IOptions<RateLimitOptions> options, TimeProvider time, RateLimitWindows windows, IConnectionMultiplexer? redis = null)
    {
        _options = options.Value;
        _time = time;
        _redis = redis;
        _perAddress = windows.Create(_ => (_options.LoginFailuresPerAccountAndIpPer15Minutes, TimeSpan.FromMinutes(15)));
        _perAccount = windows.Create(_ => (_options.LoginFailuresPerAccountBurst,
            TimeSpan.FromSeconds(_options.LoginAccountSlowdownSeconds * _options.LoginFailuresPerAccountBurst)));
    }

    /// <summary>Throws a 429 <see cref="ChatException"/> (with the wait) when this attempt may not be checked now.</summary>
    public async Task EnsureMayTryAsync(string email, string ip)
    {
        // Zero permits: is any left? Only wrong passwords take one.
        using (var lease = await _perAddress.AcquireAsync(AddressKey(email, ip), 0))
        {
            if (!lease.IsAcquired)
            {
                throw ChatException.TooManyRequests("Too many wrong passwords for this account from your address.", RetryAfter(lease));
            }
        }
        if (await IsKnownAsync(email, ip))
        {
            return;
        }
        using (var lease = await _perAccount.AcquireAsync(AccountKey(email), 0))
        {
            if (!lease.IsAcquired)
            {
                throw ChatException.TooManyRequests(
                    "This account has had many wrong passwords lately, so signing in to it is slowed down.", RetryAfter(lease));
            }
        }
    }

    public async Task FailedAsync(string email, string ip)
    {
        (await _perAddress.AcquireAsync(AddressKey(email, ip))).Dispose();
        if (!await IsKnownAsync(email, ip))
        {
            (await _perAccount.AcquireAsync(AccountKey(email))).Dispose();
        }
    }

    public async Task SucceededAsync(string email, string ip)
    {
        var now = _time.GetUtcNow();
        _knownAddresses[(email, ip)] = now;
        if (_knownAddresses.Count > 100_000)
        {
            foreach (var (key, seen) in _knownAddresses)
            {
                if (now - seen > KnownFor) _knownAddresses.TryRemove(key, out _);
            }
        }
        if (_redis is { IsConnected: true })
        {
            try
            {
                await _redis.GetDatabase().StringSetAsync(KnownKey(email, ip), 1, KnownFor);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // This instance still knows it; the others will slow this address down like a new one.
            }
        }
    }

    private async Task<bool> IsKnownAsync(string email, string ip)
    {
        if (_knownAddresses.TryGetValue((email, ip), out var seen) && _time.GetUtcNow() - seen < KnownFor)
        {
            return true;
        }
        if (_redis is { IsConnected: true })
        {
            try
            {
                return await _redis.GetDatabase().KeyExistsAsync(KnownKey(email, ip));
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // Unknown then: the account-wide slowdown applies, as it would to a new address.
            }
        }
        return false;
    }

    private static string AddressKey(string email, string ip) => $"login-failures:{email}:{ip}";

    private static string AccountKey(string email) => $"login-account:{email}";

    /// <summary>Hashed, so Redis holds no e-mail addresses.</summary>
    private static RedisKey KnownKey(string email, string ip) =>
        "chatapp:login-known:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{email}\n{ip}")));

    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);

    public void Dispose()
    {
        _perAddress.Dispose();
        _perAccount.Dispose();
    }
}
