using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using ChatApp.Api.Hubs;
using Microsoft.Extensions.Options;

namespace ChatApp.Api.Services;

public enum ChatAction
{
    Send,
    Typing,
    Read,
}

/// <summary>
/// The chat's limits per sender (a visitor or a staff user), whatever connection or API they come through: messages,
/// typing updates and read receipts a second, and live hub connections per visitor token. Every refusal says how long
/// to wait. The state sits behind this interface so that several API instances can later share it (Redis).
/// </summary>
public interface IChatLimits
{
    /// <summary>Counts one <paramref name="action"/> of the caller, or throws a <see cref="ChatException"/> (429) saying when to retry.</summary>
    void Enforce(ChatAction action, Caller caller);

    /// <summary>Counts a new live connection of a visitor; dispose the result when it closes. Throws when the visitor has too many.</summary>
    IDisposable OpenConnection(Guid visitorId);
}

/// <summary><see cref="IChatLimits"/> in this process's memory: right for one API instance.</summary>
public sealed class InMemoryChatLimits : IChatLimits, IDisposable
{
    private readonly ChatHubOptions _options;
    private readonly PartitionedRateLimiter<(ChatAction Action, Guid Sender)> _limiter;
    private readonly ConcurrentDictionary<Guid, int> _connections = new();

    public InMemoryChatLimits(IOptions<ChatHubOptions> options)
    {
        _options = options.Value;
        _limiter = PartitionedRateLimiter.Create<(ChatAction Action, Guid Sender), (ChatAction, Guid)>(key =>
            RateLimitPartition.GetTokenBucketLimiter(key, k => PerSecond(PerSecondLimit(k.Item1))));
    }

    public void Enforce(ChatAction action, Caller caller)
    {
        using var lease = _limiter.AttemptAcquire((action, caller.Id));
        if (lease.IsAcquired)
        {
            return;
        }
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        var limit = PerSecondLimit(action);
        throw ChatException.TooManyRequests(action switch
        {
            ChatAction.Send => $"You are sending too fast (more than {limit} messages a second).",
            ChatAction.Typing => $"Too many typing updates (more than {limit} a second).",
            _ => $"Too many read receipts (more than {limit} a second).",
        }, wait);
    }

    public IDisposable OpenConnection(Guid visitorId)
    {
        var max = _options.MaxConnectionsPerVisitor;
        var count = _connections.AddOrUpdate(visitorId, 1, (_, n) => n + 1);
        if (count > max)
        {
            Close(visitorId);
            throw ChatException.TooManyRequests(
                $"This visitor already has {max} chat windows open; close one first.", TimeSpan.FromSeconds(10));
        }
        return new Opened(this, visitorId);
    }

    private void Close(Guid visitorId)
    {
        // Remove the entry at zero, so the table holds only visitors with live connections.
        while (_connections.TryGetValue(visitorId, out var n))
        {
            if (n <= 1 ? _connections.TryRemove(KeyValuePair.Create(visitorId, n)) : _connections.TryUpdate(visitorId, n - 1, n))
            {
                return;
            }
        }
    }

    private int PerSecondLimit(ChatAction action) => action switch
    {
        ChatAction.Send => _options.MaxMessagesPerSecond,
        ChatAction.Typing => _options.MaxTypingPerSecond,
        _ => _options.MaxReadsPerSecond,
    };

    private static TokenBucketRateLimiterOptions PerSecond(int limit) => new()
    {
        TokenLimit = limit,
        TokensPerPeriod = limit,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    public void Dispose() => _limiter.Dispose();

    private sealed class Opened(InMemoryChatLimits limits, Guid visitorId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                limits.Close(visitorId);
            }
        }
    }
}
