using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace ChatApp.Api.Hubs;

/// <summary>
/// Sends staff the inbox previews of new messages in batches: at most one <c>ConversationsUpdated</c> every
/// <see cref="ChatHubOptions.PreviewInterval"/>, with the latest summary of each conversation that changed. At thousands
/// of messages a second, one update per message per operator would cost more than the messages themselves; a person
/// reading an inbox cannot tell a fifth of a second. Nothing runs while nothing changes: a preview that arrives after a
/// quiet interval goes out at once, and no timer ticks on an idle server.
/// </summary>
public sealed class PreviewBroadcaster(
    IHubContext<ChatHub, IChatClient> hub, IOptions<ChatHubOptions> options, TimeProvider time, ILogger<PreviewBroadcaster> logger)
    : BackgroundService
{
    private readonly Lock _lock = new();
    private Dictionary<Guid, Services.ConversationSummaryDto> _pending = [];
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Enqueue(Services.ConversationSummaryDto summary)
    {
        bool first;
        lock (_lock)
        {
            first = _pending.Count == 0;
            _pending[summary.Id] = summary;
        }
        if (first)
        {
            _signal.Writer.TryWrite(true);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.PreviewInterval;
        var lastFlush = long.MinValue;
        try
        {
            while (await _signal.Reader.WaitToReadAsync(stoppingToken))
            {
                _signal.Reader.TryRead(out _);
                if (lastFlush != long.MinValue && interval - time.GetElapsedTime(lastFlush) is { Ticks: > 0 } wait)
                {
                    await Task.Delay(wait, time, stoppingToken);
                }
                lastFlush = time.GetTimestamp();
                await FlushAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await FlushAsync();
    }

    private async Task FlushAsync()
    {
        Dictionary<Guid, Services.ConversationSummaryDto> batch;
        lock (_lock)
        {
            if (_pending.Count == 0) return;
            batch = _pending;
            _pending = new Dictionary<Guid, Services.ConversationSummaryDto>(batch.Count);
        }
        try
        {
            // An array, not a collection expression: SignalR serializes an argument by its runtime type, and MessagePack
            // has no formatter for the compiler's read-only list type; a connection it cannot write to is closed.
            await hub.Clients.Group(ChatGroups.Operators).ConversationsUpdated(batch.Values.ToArray());
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Sending {Count} conversation previews failed", batch.Count);
        }
    }
}
