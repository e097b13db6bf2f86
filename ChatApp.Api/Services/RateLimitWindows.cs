using System.Threading.RateLimiting;
using RedisRateLimiting;
using StackExchange.Redis;

namespace ChatApp.Api.Services;

/// <summary>
/// The fixed-window counters behind every limit (sign-in, widget starts, uploads, messages, typing, read receipts).
/// When the API scales out (an <see cref="IConnectionMultiplexer"/> is registered, see <see cref="Hubs.ScaleOut"/>)
/// they are counted in Redis with RedisRateLimiting, so a person gets the same allowance whichever instance they reach;
/// otherwise in this process. While Redis does not answer, each instance counts alone rather than failing requests.
/// A Redis window cannot answer <see cref="RateLimiter.AttemptAcquire"/>: the rate-limiting middleware then asks
/// <see cref="RateLimiter.AcquireAsync"/> by itself, and services use <see cref="WindowLimiter"/>.
/// </summary>
public sealed class RateLimitWindows(IServiceProvider services, ILogger<RateLimitWindows> logger)
{
    private readonly IConnectionMultiplexer? _redis = services.GetService<IConnectionMultiplexer>();
    private int _redisFailing;

    /// <summary>
    /// <paramref name="limit"/> permits per <paramref name="window"/> for <paramref name="key"/>. Keys are shared by
    /// every limit in Redis, so each starts with the name of its limit.
    /// </summary>
    public RateLimitPartition<string> Partition(string key, int limit, TimeSpan window)
    {
        var options = new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = window, QueueLimit = 0, AutoReplenishment = false };
        return _redis is null
            ? RateLimitPartition.GetFixedWindowLimiter(key, _ => options)
            : RateLimitPartition.Get(key, k => new SharedWindow(this, _redis, k, options));
    }

    /// <summary>A limiter over any number of keys, each with the limit and window <paramref name="rule"/> gives it.</summary>
    public WindowLimiter Create(Func<string, (int Limit, TimeSpan Window)> rule) =>
        new(PartitionedRateLimiter.Create<string, string>(key =>
        {
            var (limit, window) = rule(key);
            return Partition(key, limit, window);
        }));

    /// <summary>Windows by key that never make a caller wait for a permit: a refusal comes at once, saying how long to wait.</summary>
    public sealed class WindowLimiter(PartitionedRateLimiter<string> limiter) : IDisposable
    {
        /// <summary>Takes <paramref name="permits"/> from <paramref name="key"/>'s window; zero only asks whether one is left.</summary>
        public async ValueTask<RateLimitLease> AcquireAsync(string key, int permits = 1)
        {
            // A window in this process answers at once; only a Redis window needs the asynchronous call (which, for
            // a window in this process, would queue a zero-permit request until the window ends).
            var lease = limiter.AttemptAcquire(key, permits);
            return ReferenceEquals(lease, SharedWindow.AskAsynchronously) ? await limiter.AcquireAsync(key, permits) : lease;
        }

        public void Dispose() => limiter.Dispose();
    }

    private void RedisAnswered()
    {
        if (Interlocked.Exchange(ref _redisFailing, 0) == 1)
        {
            logger.LogInformation("Redis answers again: rate limits are shared by every API instance again");
        }
    }

    private void RedisFailed(Exception? error)
    {
        if (Interlocked.Exchange(ref _redisFailing, 1) == 0)
        {
            logger.LogWarning(error, "Redis does not answer: until it does, this API instance counts rate limits alone");
        }
    }

    /// <summary>A window counted in Redis, with a window of this process's own to fall back on.</summary>
    private sealed class SharedWindow : ReplenishingRateLimiter
    {
        public static readonly RateLimitLease AskAsynchronously = new WindowLease(false, null);

        private readonly RateLimitWindows _owner;
        private readonly IConnectionMultiplexer _redis;
        private readonly int _limit;
        private readonly RedisFixedWindowRateLimiter<string> _shared;
        private readonly FixedWindowRateLimiter _local;

        public SharedWindow(RateLimitWindows owner, IConnectionMultiplexer redis, string key, FixedWindowRateLimiterOptions options)
        {
            _owner = owner;
            _redis = redis;
            _limit = options.PermitLimit;
            _shared = new RedisFixedWindowRateLimiter<string>("chatapp:" + key, new RedisFixedWindowRateLimiterOptions
            {
                ConnectionMultiplexerFactory = () => redis,
                PermitLimit = options.PermitLimit,
                Window = options.Window,
            });
            _local = new FixedWindowRateLimiter(options);
            ReplenishmentPeriod = options.Window;
        }

        public override bool IsAutoReplenishing => false;

        public override TimeSpan ReplenishmentPeriod { get; }

        public override bool TryReplenish() => _local.TryReplenish();

        public override TimeSpan? IdleDuration =>
            _shared.IdleDuration is { } shared && _local.IdleDuration is { } local ? TimeSpan.FromTicks(Math.Min(shared.Ticks, local.Ticks)) : null;

        public override RateLimiterStatistics? GetStatistics() => _local.GetStatistics();

        protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
            _redis.IsConnected ? AskAsynchronously : _local.AttemptAcquire(permitCount);

        protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        {
            // Disconnected, StackExchange.Redis would hold the command until its timeout: count here at once instead.
            if (!_redis.IsConnected)
            {
                _owner.RedisFailed(null);
                return _local.AttemptAcquire(permitCount);
            }
            try
            {
                using var lease = await _shared.AcquireAsync(permitCount, cancellationToken);
                _owner.RedisAnswered();
                var acquired = lease.IsAcquired && (permitCount > 0 || Remaining(lease) > 0);
                return new WindowLease(acquired, acquired ? null : RetryAfter(lease));
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                _owner.RedisFailed(e);
                return _local.AttemptAcquire(permitCount);
            }
        }

        private long Remaining(RateLimitLease lease) =>
            lease.TryGetMetadata(RateLimitMetadataName.Remaining.Name, out var remaining) && remaining is long n ? n : _limit;

        private TimeSpan RetryAfter(RateLimitLease lease) =>
            lease.TryGetMetadata(RateLimitMetadataName.Reset.Name, out var reset) && reset is long endsAtMs
                ? TimeSpan.FromMilliseconds(Math.Max(0, endsAtMs - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()))
                : ReplenishmentPeriod;

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _shared.Dispose();
                _local.Dispose();
            }
            base.Dispose(disposing);
        }

        protected override async ValueTask DisposeAsyncCore()
        {
            await _shared.DisposeAsync();
            await _local.DisposeAsync();
        }
    }

    /// <summary>A lease that says, like the framework's own, how long to wait when refused.</summary>
    private sealed class WindowLease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}
