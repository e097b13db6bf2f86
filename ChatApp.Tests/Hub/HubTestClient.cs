using System.Collections.Concurrent;
using System.Threading.Channels;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ChatApp.Tests.Hub;

/// <summary>
/// A real SignalR client of <c>/hubs/chat</c> that records every callback it receives, so a test can wait for
/// the next one (with a timeout) or assert that none arrived.
/// </summary>
public sealed class HubTestClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private HubTestClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<MessageDto>("MessageReceived", Messages.Add);
        connection.On<TypingDto>("TypingChanged", Typing.Add);
        connection.On<MessagesReadDto>("MessagesRead", Reads.Add);
        connection.On<ConversationSummaryDto>("ConversationUpdated", Updates.Add);
        connection.On<ConversationSummaryDto[]>("ConversationsUpdated", summaries =>
        {
            foreach (var summary in summaries) Updates.Add(summary);
        });
        connection.On("Resync", () => Resyncs.Add("Resync"));
        connection.On<PresenceDto>("PresenceChanged", Presence.Add);
        connection.Reconnecting += ex => { Log("reconnecting", ex); States.Add("reconnecting"); return Task.CompletedTask; };
        connection.Reconnected += _ => { Log("reconnected", null); States.Add("reconnected"); return Task.CompletedTask; };
        connection.Closed += ex => { Log("closed", ex); States.Add("closed"); return Task.CompletedTask; };
    }

    public HubConnection Connection { get; }
    public EventStream<MessageDto> Messages { get; } = new("MessageReceived");
    public EventStream<TypingDto> Typing { get; } = new("TypingChanged");
    public EventStream<MessagesReadDto> Reads { get; } = new("MessagesRead");
    public EventStream<ConversationSummaryDto> Updates { get; } = new("ConversationUpdated");
    public EventStream<string> Resyncs { get; } = new("Resync");
    public EventStream<PresenceDto> Presence { get; } = new("PresenceChanged");

    /// <summary>Connection life: "reconnecting", "reconnected", "closed".</summary>
    public EventStream<string> States { get; } = new("connection state");

    /// <summary>The same state changes with their time and cause, for diagnosing a failed test.</summary>
    public ConcurrentQueue<string> Timeline { get; } = new();

    private void Log(string state, Exception? cause) =>
        Timeline.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {state}{(cause is null ? "" : $" ({cause.GetType().Name}: {cause.Message})")}");

    /// <summary>A client over a connection that is not started yet.</summary>
    public static HubTestClient Wrap(HubConnection connection) => new(connection);

    /// <summary>Connects the way the fixture does (WebSockets, no negotiation) and waits until the server has joined it.</summary>
    public static async Task<HubTestClient> ConnectAsync(ApiFixture api, string token, ChatApiFactory? factory = null, bool messagePack = false)
    {
        var client = new HubTestClient(api.CreateHubConnection(token, factory, messagePack));
        await client.StartAsync();
        return client;
    }

    /// <summary>
    /// Starts the connection and returns once the server has joined it to its groups. <c>StartAsync</c> alone
    /// returns after the handshake, but the server runs <c>OnConnectedAsync</c> (which joins the groups) after
    /// the handshake; it dispatches the connection's invocations only after that, so one round trip is enough.
    /// </summary>
    public async Task StartAsync()
    {
        await Connection.StartAsync().WaitAsync(Timeout);
        await WhenJoinedAsync();
    }

    /// <summary>One harmless round trip (see <see cref="StartAsync"/>); also after an automatic reconnect.</summary>
    public async Task WhenJoinedAsync()
    {
        try
        {
            // Staff leave a group nobody is in; visitors are refused. Either way the answer comes after OnConnectedAsync.
            await LeaveAsync(Guid.Empty);
        }
        catch (Microsoft.AspNetCore.SignalR.HubException)
        {
        }
    }

    /// <summary>
    /// A client that negotiates (needed for stateful reconnect) or, behind a proxy that takes several API instances in
    /// turns, skips negotiation as the front end does; when asked, it reconnects automatically every 200 ms for 30 s,
    /// as the front end's connection helper does.
    /// </summary>
    public static HubTestClient Create(Uri baseAddress, string token, bool automaticReconnect, bool skipNegotiation = false)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, "/hubs/chat"), options =>
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = skipNegotiation;
            })
            .AddJsonProtocol(options => options.PayloadSerializerOptions = TestJson.Options);
        if (!skipNegotiation)
        {
            builder.WithStatefulReconnect();
        }
        if (automaticReconnect)
        {
            builder.WithAutomaticReconnect(new FastRetryPolicy());
        }
        return new HubTestClient(builder.Build());
    }

    /// <summary>
    /// Returns once a server answers on this connection again, after the server it was on has stopped: waits for
    /// the automatic reconnect, or starts the connection again when it has closed. Polling the state is fine here;
    /// the proof is the server's answer. (Right after a restart the client may first reconnect to the stopping
    /// instance, which still listens until it stops, and drop once more.)
    /// </summary>
    public async Task RecoverAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                switch (Connection.State)
                {
                    case HubConnectionState.Connected:
                        await WhenJoinedAsync();
                        return;
                    case HubConnectionState.Disconnected:
                        await StartAsync();
                        return;
                }
            }
            catch (Exception ex) when (ex is not Microsoft.AspNetCore.SignalR.HubException)
            {
                last = ex;
            }
            await Task.Delay(200);
        }
        Assert.Fail($"The connection did not recover within {timeout.TotalSeconds:0} s (state {Connection.State}). Last error: {last}\n{string.Join("\n", Timeline)}");
    }

    public Task<MessageDto> SendAsync(Guid conversationId, string body, string? clientMessageId = null, Guid? attachmentId = null) =>
        Connection.InvokeAsync<MessageDto>("SendMessage", conversationId, clientMessageId ?? Guid.NewGuid().ToString(), body, attachmentId)
            .WaitAsync(Timeout);

    public Task<MessageDto> SendNoteAsync(Guid conversationId, string body, string? clientMessageId = null) =>
        Connection.InvokeAsync<MessageDto>("SendNote", conversationId, clientMessageId ?? Guid.NewGuid().ToString(), body)
            .WaitAsync(Timeout);

    public Task<ConversationDto> JoinAsync(Guid conversationId) =>
        Connection.InvokeAsync<ConversationDto>("JoinConversation", conversationId).WaitAsync(Timeout);

    public Task LeaveAsync(Guid conversationId) =>
        Connection.InvokeAsync("LeaveConversation", conversationId).WaitAsync(Timeout);

    public Task<List<MessageDto>> GetMessagesAfterAsync(Guid conversationId, long afterMessageId) =>
        Connection.InvokeAsync<List<MessageDto>>("GetMessagesAfter", conversationId, afterMessageId).WaitAsync(Timeout);

    public Task SetTypingAsync(Guid conversationId, bool isTyping) =>
        Connection.InvokeAsync("SetTyping", conversationId, isTyping).WaitAsync(Timeout);

    public Task MarkReadAsync(Guid conversationId, long upToMessageId) =>
        Connection.InvokeAsync("MarkRead", conversationId, upToMessageId).WaitAsync(Timeout);

    /// <summary>
    /// Sends a message to a conversation this client is in and waits for its own echo. The server writes to a
    /// connection in order, so anything broadcast to this client before the fence has arrived once it returns:
    /// a deterministic way to assert that some event was <em>not</em> delivered.
    /// </summary>
    public async Task<MessageDto> FenceAsync(Guid ownConversationId)
    {
        var fence = await SendAsync(ownConversationId, "fence " + Guid.NewGuid());
        var next = await Messages.NextAsync();
        Assert.True(next.Id == fence.Id,
            $"Expected the fence message {fence.Id} but first got message {next.Id} of conversation {next.ConversationId}: \"{next.Body}\"");
        return fence;
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();

    private sealed class FastRetryPolicy : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
            retryContext.ElapsedTime < TimeSpan.FromSeconds(30) ? TimeSpan.FromMilliseconds(200) : null;
    }
}

/// <summary>Events of one kind, in arrival order: every one ever received, and a queue of those not yet taken.</summary>
public sealed class EventStream<T>(string name)
{
    private readonly Channel<T> _pending = Channel.CreateUnbounded<T>();
    private readonly ConcurrentQueue<T> _all = new();

    public IReadOnlyList<T> All => [.. _all];

    public void Add(T item)
    {
        _all.Enqueue(item);
        _pending.Writer.TryWrite(item);
    }

    /// <summary>The next event not yet taken; fails the test when none arrives within the timeout.</summary>
    public async Task<T> NextAsync(TimeSpan? timeout = null)
    {
        var wait = timeout ?? HubTestClient.Timeout;
        using var cts = new CancellationTokenSource(wait);
        try
        {
            return await _pending.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"No {name} arrived within {wait.TotalSeconds:0.#} s.");
            throw;
        }
    }

    /// <summary>The next event that matches, dropping the others before it.</summary>
    public async Task<T> NextAsync(Func<T, bool> match, TimeSpan? timeout = null)
    {
        var wait = timeout ?? HubTestClient.Timeout;
        using var cts = new CancellationTokenSource(wait);
        try
        {
            while (true)
            {
                var item = await _pending.Reader.ReadAsync(cts.Token);
                if (match(item))
                {
                    return item;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"No matching {name} arrived within {wait.TotalSeconds:0.#} s.");
            throw;
        }
    }

    /// <summary>An event that matches, received before or after this call, in whatever order events of other kinds came.</summary>
    public async Task<T> AnyAsync(Func<T, bool> match, TimeSpan? timeout = null)
    {
        var wait = timeout ?? HubTestClient.Timeout;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            foreach (var item in _all)
            {
                if (match(item)) return item;
            }
            if (waited.Elapsed > wait)
            {
                Assert.Fail($"No matching {name} arrived within {wait.TotalSeconds:0.#} s.");
            }
            await Task.Delay(20);
        }
    }

    public async Task<List<T>> NextAsync(int count)
    {
        var items = new List<T>(count);
        for (var i = 0; i < count; i++)
        {
            items.Add(await NextAsync());
        }
        return items;
    }

    /// <summary>Asserts that nothing is waiting in the queue right now (use after a fence).</summary>
    public void AssertNonePending()
    {
        if (_pending.Reader.TryRead(out var item))
        {
            Assert.Fail($"Unexpected {name}: {item}");
        }
    }

    /// <summary>Asserts that nothing arrives for a short while (for what no fence can cover).</summary>
    public async Task AssertNoneWithinAsync(TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        try
        {
            var item = await _pending.Reader.ReadAsync(cts.Token);
            Assert.Fail($"Unexpected {name}: {item}");
        }
        catch (OperationCanceledException)
        {
        }
    }
}
