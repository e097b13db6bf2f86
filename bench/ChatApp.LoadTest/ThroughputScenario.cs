using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using HdrHistogram;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

namespace ChatApp.LoadTest;

/// <summary>
/// N visitor conversations, each with one of M operators in it, exchanging messages both ways at a fixed total
/// arrival rate (open model: a send never waits for an earlier one). Every message carries its sender, a
/// per-sender sequence number and its intended send time, so each receiver can tell lost, duplicated and
/// out-of-order deliveries and the end-to-end latency.
/// </summary>
public sealed class ThroughputScenario(Options options)
{
    private readonly string _runId = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
    private readonly LongHistogram _latency = new(TimeStamp.Minutes(5), 3);
    private readonly LongHistogram _ackLatency = new(TimeStamp.Minutes(5), 3);
    private readonly ConcurrentDictionary<string, long> _acked = new();
    private readonly List<Receiver> _receivers = [];
    private long _sent, _sendErrors, _inFlight;
    private long _measureFromTimestamp = long.MaxValue;
    private long _lastDeliveryTimestamp;
    private string? _firstError;

    private sealed record Conversation(int Index, Guid Id, HubConnection Visitor, HubConnection Operator)
    {
        public long VisitorSeq;
        public long OperatorSeq;
    }

    /// <summary>What one connection received: per sender, the last sequence number; and every message id once.</summary>
    private sealed class Receiver(string name)
    {
        public string Name { get; } = name;
        public readonly HashSet<long> Ids = [];
        public readonly Dictionary<string, long> LastSeq = [];
        public long Delivered, Duplicates, OutOfOrder;
    }

    public async Task<Dictionary<string, object>> RunAsync()
    {
        using var api = new ChatApiClient(options.Url);
        Console.WriteLine($"Setting up {options.Operators} operators and {options.Conversations} conversations on {options.Url} …");
        var admin = await api.LoginAsync(options.AdminEmail, options.AdminPassword);

        var operators = new List<(UserDto User, HubConnection Hub, Receiver Receiver)>();
        for (var i = 0; i < options.Operators; i++)
        {
            var email = $"bench-op-{_runId}-{i}@bench.local";
            var password = "bench-password-" + i;
            var user = await api.CreateOperatorAsync(admin.AccessToken, email, password);
            var login = await api.LoginAsync(email, password);
            var receiver = new Receiver($"operator {i}");
            var hub = api.CreateHubConnection(login.AccessToken);
            Subscribe(hub, receiver);
            await hub.StartAsync();
            operators.Add((user, hub, receiver));
            _receivers.Add(receiver);
        }

        var conversations = new Conversation[options.Conversations];
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Conversations), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, _) =>
            {
                var session = await api.StartConversationAsync($"bench visitor {i}");
                var op = operators[i % operators.Count];
                await api.AssignAsync(admin.AccessToken, session.Conversation.Id, op.User.Id);
                var receiver = new Receiver($"visitor {i}");
                var hub = api.CreateHubConnection(session.VisitorToken);
                Subscribe(hub, receiver);
                await hub.StartAsync();
                await op.Hub.InvokeAsync<object>("JoinConversation", session.Conversation.Id);
                conversations[i] = new Conversation(i, session.Conversation.Id, hub, op.Hub);
                lock (_receivers) _receivers.Add(receiver);
            });

        Console.WriteLine($"Sending {options.Rate} messages/s for {options.WarmupSeconds} s warm-up + {options.DurationSeconds} s …");
        await SendAsync(conversations);
        var drainStarted = Stopwatch.GetTimestamp();
        var expectedDeliveries = 2 * _acked.Count;
        while (Interlocked.Read(ref _inFlight) > 0 || TotalDelivered() < expectedDeliveries)
        {
            if (Stopwatch.GetElapsedTime(drainStarted) > TimeSpan.FromSeconds(15)) break;
            await Task.Delay(100);
        }
        // The measured window: from the first measured intended send to the last measured delivery.
        var window = Stopwatch.GetElapsedTime(_measureFromTimestamp, Math.Max(_lastDeliveryTimestamp, _measureFromTimestamp + 1));
        var measuredAcks = _ackLatency.TotalCount;
        var measuredDeliveries = _latency.TotalCount;

        var lostDeliveries = Math.Max(0, expectedDeliveries - TotalDelivered());
        var database = await VerifyDatabaseAsync();
        foreach (var c in conversations) await c.Visitor.DisposeAsync();
        foreach (var o in operators) await o.Hub.DisposeAsync();

        var result = new Dictionary<string, object>
        {
            ["scenario"] = "throughput",
            ["conversations"] = options.Conversations,
            ["operators"] = options.Operators,
            ["target_rate_per_s"] = options.Rate,
            ["duration_s"] = options.DurationSeconds,
            ["messages_sent"] = Interlocked.Read(ref _sent),
            ["messages_acknowledged"] = _acked.Count,
            ["send_errors"] = Interlocked.Read(ref _sendErrors),
            ["first_send_error"] = _firstError ?? "",
            ["deliveries_expected"] = expectedDeliveries,
            ["deliveries"] = TotalDelivered(),
            ["deliveries_lost"] = lostDeliveries,
            ["deliveries_duplicated"] = _receivers.Sum(r => r.Duplicates),
            ["deliveries_out_of_order"] = _receivers.Sum(r => r.OutOfOrder),
            ["measured_window_s"] = Math.Round(window.TotalSeconds, 2),
            ["acknowledged_per_s"] = Math.Round(measuredAcks / window.TotalSeconds, 1),
            ["delivered_messages_per_s"] = Math.Round(measuredDeliveries / 2.0 / window.TotalSeconds, 1),
            ["latency_ms"] = Percentiles(_latency),
            ["ack_latency_ms"] = Percentiles(_ackLatency),
            ["database"] = database,
        };
        return result;
    }

    private long TotalDelivered()
    {
        lock (_receivers) return _receivers.Sum(r => Interlocked.Read(ref r.Delivered));
    }

    private void Subscribe(HubConnection hub, Receiver receiver)
    {
        // SignalR calls one connection's handlers one at a time, so the receiver needs no lock.
        hub.On<MessageDto>("MessageReceived", message =>
        {
            var now = Stopwatch.GetTimestamp();
            if (!message.ClientMessageId.StartsWith(_runId, StringComparison.Ordinal)) return;
            if (!receiver.Ids.Add(message.Id))
            {
                receiver.Duplicates++;
                return;
            }
            Interlocked.Increment(ref receiver.Delivered);
            // clientMessageId = run-sender-seq; body = intended send timestamp, then filler.
            var parts = message.ClientMessageId.Split('-');
            var sender = parts[1];
            var seq = long.Parse(parts[2], CultureInfo.InvariantCulture);
            if (receiver.LastSeq.TryGetValue(sender, out var last) && seq < last) receiver.OutOfOrder++;
            else receiver.LastSeq[sender] = seq;
            var intended = long.Parse(message.Body.AsSpan(0, message.Body.IndexOf(' ')), CultureInfo.InvariantCulture);
            if (intended >= Interlocked.Read(ref _measureFromTimestamp))
            {
                InterlockedMax(ref _lastDeliveryTimestamp, now);
                var micros = (long)Stopwatch.GetElapsedTime(intended, now).TotalMicroseconds;
                lock (_latency) _latency.RecordValue(Math.Max(0, micros));
            }
        });
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while ((current = Interlocked.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }

    private async Task<Stopwatch> SendAsync(Conversation[] conversations)
    {
        var filler = new string('x', Math.Max(0, options.BodyLength - 22));
        var interval = Stopwatch.Frequency / (double)options.Rate;
        var warmupMessages = (long)options.Rate * options.WarmupSeconds;
        var total = warmupMessages + (long)options.Rate * options.DurationSeconds;
        var start = Stopwatch.GetTimestamp();
        var measured = new Stopwatch();
        for (long k = 0; k < total; k++)
        {
            var intended = start + (long)(k * interval);
            if (k == warmupMessages)
            {
                Interlocked.Exchange(ref _measureFromTimestamp, intended);
                measured.Start();
            }
            var wait = intended - Stopwatch.GetTimestamp();
            if (wait > Stopwatch.Frequency / 1000)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency));
            }
            var c = conversations[k % conversations.Length];
            var fromVisitor = (k / conversations.Length) % 2 == 0;
            var seq = fromVisitor ? ++c.VisitorSeq : ++c.OperatorSeq;
            var clientId = $"{_runId}-{(fromVisitor ? "v" : "o")}{c.Index}-{seq}";
            _ = SendOneAsync(fromVisitor ? c.Visitor : c.Operator, c.Id, clientId, $"{intended} {filler}", intended, k >= warmupMessages);
        }
        while (Interlocked.Read(ref _inFlight) > 0 && measured.Elapsed < TimeSpan.FromSeconds(options.DurationSeconds + 30))
        {
            await Task.Delay(10);
        }
        measured.Stop();
        return measured;
    }

    private async Task SendOneAsync(HubConnection hub, Guid conversationId, string clientId, string body, long intended, bool measure)
    {
        Interlocked.Increment(ref _sent);
        Interlocked.Increment(ref _inFlight);
        try
        {
            await hub.InvokeAsync<MessageDto>("SendMessage", conversationId, clientId, body, null);
            _acked[clientId] = 0;
            if (measure)
            {
                var micros = (long)Stopwatch.GetElapsedTime(intended).TotalMicroseconds;
                lock (_ackLatency) _ackLatency.RecordValue(Math.Max(0, micros));
            }
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _sendErrors);
            Interlocked.CompareExchange(ref _firstError, ex.Message, null);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>Every acknowledged message is in the database exactly once.</summary>
    private async Task<Dictionary<string, object>> VerifyDatabaseAsync()
    {
        if (options.ConnectionString is null)
        {
            return new() { ["checked"] = false };
        }
        await using var connection = new NpgsqlConnection(options.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT client_message_id, count(*) FROM messages WHERE client_message_id LIKE @prefix GROUP BY client_message_id", connection);
        command.Parameters.AddWithValue("prefix", _runId + "-%");
        var stored = new Dictionary<string, long>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) stored[reader.GetString(0)] = reader.GetInt64(1);
        }
        var missing = _acked.Keys.Count(id => !stored.ContainsKey(id));
        var duplicated = stored.Values.Count(n => n > 1);
        return new()
        {
            ["checked"] = true,
            ["rows"] = stored.Values.Sum(),
            ["acknowledged_missing"] = missing,
            ["duplicated"] = duplicated,
            ["stored_but_not_acknowledged"] = stored.Keys.Count(id => !_acked.ContainsKey(id)),
        };
    }

    private static Dictionary<string, double> Percentiles(LongHistogram histogram)
    {
        double Ms(double percentile) => Math.Round(histogram.GetValueAtPercentile(percentile) / 1000.0, 2);
        return new()
        {
            ["p50"] = Ms(50),
            ["p95"] = Ms(95),
            ["p99"] = Ms(99),
            ["max"] = Math.Round(histogram.GetMaxValue() / 1000.0, 2),
            ["count"] = histogram.TotalCount,
        };
    }
}
