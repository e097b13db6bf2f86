using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace ChatApp.Api.Hubs;

/// <summary>
/// Sends staff the inbox previews of new messages in batches: every <see cref="ChatHubOptions.PreviewInterval"/>,
/// one <c>ConversationsUpdated</c> with the latest summary of each conversation that changed. At thousands of
/// messages a second, one update per message per operator would cost more than the messages themselves; a person
/// reading an inbox cannot tell a fifth of a second.
/// </summary>
public sealed class PreviewBroadcaster(
    IHubContext<ChatHub, IChatClient> hub, IOptions<ChatHubOptions> options, ILogger<PreviewBroadcaster> logger) : BackgroundService
{
    private readonly Lock _lock = new();
    private Dictionary<Guid, Services.ConversationSummaryDto> _pending = [];

    public void Enqueue(Services.ConversationSummaryDto summary)
    {
        lock (_lock)
        {
            _pending[summary.Id] = summary;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PreviewInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
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
            await hub.Clients.Group(ChatGroups.Operators).ConversationsUpdated([.. batch.Values]);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Sending {Count} conversation previews failed", batch.Count);
        }
    }
}
