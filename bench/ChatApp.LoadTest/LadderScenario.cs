using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using HdrHistogram;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

namespace ChatApp.LoadTest;

/// <summary>
/// N visitor conversations, each with one of M operators in it, exchanging messages both ways at a ladder of fixed
/// total arrival rates (open model: a send never waits for an earlier one), one rung after another on the same
/// connections. Every message carries its sender, a per-sender sequence number and its intended send time, so each
/// receiver can tell lost, duplicated and out-of-order deliveries and the end-to-end latency. Each rung also
/// measures the CPU time the API processes and PostgreSQL (and Redis) spent in its measured window, from /proc.
/// </summary>
public sealed class LadderScenario(Options options)
{
    private readonly string _runId = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
    private readonly List<Receiver> _receivers = [];
    private Conversation[] _conversations = [];
    private readonly List<HubConnection> _operatorHubs = [];
    private volatile Rung? _rung;

    private sealed record Conversation(int Index, Guid Id, HubConnection Visitor, HubConnection Operator);

    /// <summary>One connection's place in <see cref="Rung.Received"/>.</summary>
    private sealed record Receiver(int Index);

    /// <summary>What one connection received in a rung: per sender, the last sequence number; and every message id once.</summary>
    private sealed class Received
    {
        public readonly HashSet<long> Ids = [];
        public readonly Dictionary<string, long> LastSeq = [];
        public long Delivered, Duplicates, OutOfOrder;
    }

    /// <summary>The state of one rung of the ladder.</summary>
    private sealed class Rung(string prefix, int rate, int receivers, int conversations)
    {
        public string Prefix { get; } = prefix;
        public int Rate { get; } = rate;
        public readonly Received[] Received = [.. Enumerable.Range(0, receivers).Select(_ => new Received())];
        public readonly long[] VisitorSeq = new long[conversations], OperatorSeq = new long[conversations];
        public readonly LongHistogram Latency = new(TimeStamp.Minutes(5), 3);
        public readonly LongHistogram AckLatency = new(TimeStamp.Minutes(5), 3);
        public readonly ConcurrentDictionary<string, byte> Acked = new();
        public long Sent, SendErrors, InFlight, MeasureFrom = long.MaxValue, LastDelivery;
        public string? FirstError;
        public long Delivered() => Received.Sum(r => Interlocked.Read(ref r.Delivered));
    }

    public async Task<Dictionary<string, object>> RunAsync(IReadOnlyList<int> rates, bool climb)
    {
        await SetUpAsync();
        // Unmeasured: the first messages pay for JIT compilation, pools and caches on both sides.
        Console.WriteLine("Warming up: 500 messages/s for 5 s …");
        await RunRungAsync("w", 500, 0, 5);

        var rungs = new List<Dictionary<string, object>>();
        // The highest rate that held with every lower rate measured holding too, and the lowest that failed.
        var sustainable = 0;
        int? failed = null;
        var queue = new Queue<int>(rates);
        for (var k = 0; queue.TryDequeue(out var rate); k++)
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            var result = await RunRungAsync($"r{k}", rate, rate < 100 ? options.SettleSeconds : options.WarmupSeconds, options.DurationSeconds);
            rungs.Add(result);
            Console.WriteLine(Table([result], header: k == 0));
            if (failed is null || rate < failed)
            {
                if ((bool)result["sustained"]) sustainable = Math.Max(sustainable, rate);
                else failed = rate;
            }
            if (queue.Count > 0) continue;
            // Every listed rate is measured; past them the ladder climbs while every rung so far held, then halves the
            // gap between the last rung that held and the first that failed down to KneeStep, to place the knee.
            if (climb && failed is null && rate >= 1000 && rate + options.ClimbStep <= options.MaxRate)
            {
                queue.Enqueue(rate + options.ClimbStep);
            }
            else if (failed is { } above && sustainable >= 100 && options.KneeStep > 0 && above - sustainable > options.KneeStep)
            {
                queue.Enqueue(sustainable + Math.Max(1, (above - sustainable) / 2 / options.KneeStep) * options.KneeStep);
            }
        }
        foreach (var c in _conversations) await c.Visitor.DisposeAsync();
        foreach (var hub in _operatorHubs) await hub.DisposeAsync();

        var table = Table(rungs, header: true);
        return new Dictionary<string, object>
        {
            ["scenario"] = "ladder",
            ["label"] = options.Label,
            ["instances"] = options.Urls.Count,
            ["protocol"] = options.Protocol,
            ["conversations"] = options.Conversations,
            ["operators"] = options.Operators,
            ["rung_duration_s"] = options.DurationSeconds,
            ["rung_warmup_s"] = options.WarmupSeconds,
            ["idle_rung_settle_s"] = options.SettleSeconds,
            ["sustainable_rate_per_s"] = sustainable,
            ["rungs"] = rungs,
            ["table"] = table,
        };
    }

    private async Task SetUpAsync()
    {
        using var api = new ChatApiClient(options.Url);
        var n = options.Urls.Count;
        Console.WriteLine($"Setting up {options.Operators} operators and {options.Conversations} conversations on " +
            $"{string.Join(", ", options.Urls)} ({options.Protocol}) …");
        var admin = await api.LoginAsync(options.AdminEmail, options.AdminPassword);

        var operators = new List<(UserDto User, HubConnection Hub)>();
        for (var i = 0; i < options.Operators; i++)
        {
            var email = $"bench-op-{_runId}-{i}@bench.local";
            var password = "bench-password-" + i;
            var user = await api.CreateOperatorAsync(admin.AccessToken, email, password);
            var login = await api.LoginAsync(email, password);
            var hub = ChatApiClient.CreateHubConnection(options.Urls[i % n], login.AccessToken, null, options.Protocol);
            Subscribe(hub, NewReceiver());
            await hub.StartAsync();
            operators.Add((user, hub));
            _operatorHubs.Add(hub);
        }

        _conversations = new Conversation[options.Conversations];
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Conversations), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, _) =>
            {
                var session = await api.StartConversationAsync($"bench visitor {i}");
                // With several instances, a conversation's visitor and its operator are on different ones.
                var o = i % operators.Count;
                if (n > 1 && o % n == i % n) o = (o + 1) % operators.Count;
                var op = operators[o];
                await api.AssignAsync(admin.AccessToken, session.Conversation.Id, op.User.Id);
                var hub = ChatApiClient.CreateHubConnection(options.Urls[i % n], session.VisitorToken, null, options.Protocol);
                Subscribe(hub, NewReceiver());
                await hub.StartAsync();
                await op.Hub.InvokeAsync<object>("JoinConversation", session.Conversation.Id);
                _conversations[i] = new Conversation(i, session.Conversation.Id, hub, op.Hub);
            });
    }

    private Receiver NewReceiver()
    {
        lock (_receivers)
        {
            var receiver = new Receiver(_receivers.Count);
            _receivers.Add(receiver);
            return receiver;
        }
    }

    private async Task<Dictionary<string, object>> RunRungAsync(string name, int rate, int warmup, int duration)
    {
        var rung = new Rung($"{_runId}{name}", rate, _receivers.Count, _conversations.Length);
        _rung = rung;
        Console.WriteLine($"Rung {name}: {rate} messages/s for {warmup} s warm-up + {duration} s …");

        var (start, end) = await SendAsync(rung, warmup, duration);
        // Every send is answered (acknowledged or failed) before the rung is judged; deliveries get 15 s more.
        var drainStarted = Stopwatch.GetTimestamp();
        while (Interlocked.Read(ref rung.InFlight) > 0 && Stopwatch.GetElapsedTime(drainStarted) < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(50);
        }
        drainStarted = Stopwatch.GetTimestamp();
        var expected = 2 * rung.Acked.Count;
        while (rung.Delivered() < expected && Stopwatch.GetElapsedTime(drainStarted) < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(50);
        }
        var window = (end.At - start.At).TotalSeconds;
        var measured = (long)rate * duration;
        var deliveryWindow = Stopwatch.GetElapsedTime(rung.MeasureFrom, Math.Max(rung.LastDelivery, rung.MeasureFrom + 1));
        var lost = Math.Max(0, expected - rung.Delivered());
        var duplicated = rung.Received.Sum(r => r.Duplicates);
        var outOfOrder = rung.Received.Sum(r => r.OutOfOrder);
        var database = await VerifyDatabaseAsync(rung);
        var statements = await TopStatementsAsync(measured);

        double Core(double seconds) => Math.Round(100 * seconds / window, 1);
        var api = end.Api.Zip(start.Api, (a, b) => a - b).ToArray();
        var postgres = end.Postgres - start.Postgres;
        var redis = end.Redis - start.Redis;
        var servers = api.Sum() + postgres + redis;
        var p99 = rung.Latency.GetValueAtPercentile(99) / 1000.0;
        var sustained = lost == 0 && duplicated == 0 && outOfOrder == 0 && rung.SendErrors == 0 && rung.InFlight == 0
            && (long)database["acknowledged_missing"] == 0 && p99 <= options.SustainedP99Ms;
        return new Dictionary<string, object>
        {
            ["offered_per_s"] = rate,
            ["measured_window_s"] = Math.Round(window, 2),
            ["messages_sent"] = Interlocked.Read(ref rung.Sent),
            ["messages_acknowledged"] = rung.Acked.Count,
            ["send_errors"] = Interlocked.Read(ref rung.SendErrors),
            ["first_send_error"] = rung.FirstError ?? "",
            ["deliveries_expected"] = expected,
            ["deliveries_lost"] = lost,
            ["deliveries_duplicated"] = duplicated,
            ["deliveries_out_of_order"] = outOfOrder,
            ["delivered_messages_per_s"] = Math.Round(rung.Latency.TotalCount / 2.0 / deliveryWindow.TotalSeconds, 1),
            ["latency_ms"] = Percentiles(rung.Latency),
            ["ack_latency_ms"] = Percentiles(rung.AckLatency),
            ["api_cpu_percent_of_core"] = api.Select(Core).ToArray(),
            ["postgres_cpu_percent_of_core"] = Core(postgres),
            ["redis_cpu_percent_of_core"] = Core(redis),
            ["load_generator_cpu_percent_of_core"] = Core(end.LoadGenerator - start.LoadGenerator),
            ["machine_busy_percent"] = Math.Round(100 * (end.MachineBusy - start.MachineBusy) / (end.MachineTotal - start.MachineTotal), 1),
            ["load_average_1m"] = ProcessCpu.LoadAverage(),
            ["api_core_ms_per_message"] = Math.Round(1000 * api.Sum() / measured, 3),
            ["postgres_core_ms_per_message"] = Math.Round(1000 * postgres / measured, 3),
            ["servers_core_ms_per_message"] = Math.Round(1000 * servers / measured, 3),
            ["sustained"] = sustained,
            ["database"] = database,
            ["top_statements"] = statements,
        };
    }

    private void Subscribe(HubConnection hub, Receiver receiver)
    {
        // SignalR calls one connection's handlers one at a time, so a receiver's state needs no lock.
        hub.On<MessageDto>("MessageReceived", message =>
        {
            var now = Stopwatch.GetTimestamp();
            var rung = _rung;
            if (rung is null || !message.ClientMessageId.StartsWith(rung.Prefix + "-", StringComparison.Ordinal)) return;
            var received = rung.Received[receiver.Index];
            if (!received.Ids.Add(message.Id))
            {
                received.Duplicates++;
                return;
            }
            Interlocked.Increment(ref received.Delivered);
            // clientMessageId = rung-sender-seq; body = intended send timestamp, then filler.
            var parts = message.ClientMessageId.Split('-');
            var sender = parts[1];
            var seq = long.Parse(parts[2], CultureInfo.InvariantCulture);
            if (received.LastSeq.TryGetValue(sender, out var last) && seq < last) received.OutOfOrder++;
            else received.LastSeq[sender] = seq;
            var intended = long.Parse(message.Body.AsSpan(0, message.Body.IndexOf(' ')), CultureInfo.InvariantCulture);
            if (intended >= Interlocked.Read(ref rung.MeasureFrom))
            {
                InterlockedMax(ref rung.LastDelivery, now);
                var micros = (long)Stopwatch.GetElapsedTime(intended, now).TotalMicroseconds;
                lock (rung.Latency) rung.Latency.RecordValue(Math.Max(0, micros));
            }
        });
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while ((current = Interlocked.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }

    /// <summary>Sends the rung's messages on schedule; returns the CPU snapshots at the start and the end of the measured part.</summary>
    private async Task<(CpuSnapshot Start, CpuSnapshot End)> SendAsync(Rung rung, int warmupSeconds, int durationSeconds)
    {
        var filler = new string('x', Math.Max(0, options.BodyLength - 22));
        var interval = Stopwatch.Frequency / (double)rung.Rate;
        var warmupMessages = (long)rung.Rate * warmupSeconds;
        var total = warmupMessages + (long)rung.Rate * durationSeconds;
        var begin = Stopwatch.GetTimestamp();
        Task<CpuSnapshot>? startSnapshot = null;
        if (warmupMessages == 0)
        {
            Interlocked.Exchange(ref rung.MeasureFrom, begin);
            startSnapshot = Task.FromResult(Snapshot());
        }
        for (long k = 0; k < total; k++)
        {
            var intended = begin + (long)(k * interval);
            var wait = intended - Stopwatch.GetTimestamp();
            if (wait > Stopwatch.Frequency / 1000)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency));
            }
            if (k == warmupMessages && startSnapshot is null)
            {
                Interlocked.Exchange(ref rung.MeasureFrom, intended);
                startSnapshot = Task.Run(Snapshot);
                await ResetStatementsAsync();
            }
            var c = _conversations[k % _conversations.Length];
            var fromVisitor = (k / _conversations.Length) % 2 == 0;
            var seq = fromVisitor ? ++rung.VisitorSeq[c.Index] : ++rung.OperatorSeq[c.Index];
            var clientId = $"{rung.Prefix}-{(fromVisitor ? "v" : "o")}{c.Index}-{seq}";
            _ = SendOneAsync(rung, fromVisitor ? c.Visitor : c.Operator, c.Id, clientId, $"{intended} {filler}", intended, k >= warmupMessages);
        }
        // The window ends when the last message is due: steady state, so what it cost is what the window's messages cost.
        var due = begin + (long)(total * interval) - Stopwatch.GetTimestamp();
        if (due > 0) await Task.Delay(TimeSpan.FromSeconds(due / (double)Stopwatch.Frequency));
        var end = Snapshot();
        return (await startSnapshot!, end);
    }

    private CpuSnapshot Snapshot() => CpuSnapshot.Take(options.ApiPids, options.PostgresPid, options.RedisPid);

    private static async Task SendOneAsync(Rung rung, HubConnection hub, Guid conversationId, string clientId, string body, long intended, bool measure)
    {
        Interlocked.Increment(ref rung.Sent);
        Interlocked.Increment(ref rung.InFlight);
        try
        {
            await hub.InvokeAsync<MessageDto>("SendMessage", conversationId, clientId, body, null);
            rung.Acked[clientId] = 0;
            if (measure)
            {
                var micros = (long)Stopwatch.GetElapsedTime(intended).TotalMicroseconds;
                lock (rung.AckLatency) rung.AckLatency.RecordValue(Math.Max(0, micros));
            }
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref rung.SendErrors);
            Interlocked.CompareExchange(ref rung.FirstError, ex.Message, null);
        }
        finally
        {
            Interlocked.Decrement(ref rung.InFlight);
        }
    }

    /// <summary>Every acknowledged message of the rung is in the database exactly once.</summary>
    private async Task<Dictionary<string, object>> VerifyDatabaseAsync(Rung rung)
    {
        if (options.ConnectionString is null)
        {
            return new() { ["checked"] = false, ["acknowledged_missing"] = 0L };
        }
        await using var connection = new NpgsqlConnection(options.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT client_message_id, count(*) FROM messages WHERE client_message_id LIKE @prefix GROUP BY client_message_id", connection);
        command.Parameters.AddWithValue("prefix", rung.Prefix + "-%");
        command.CommandTimeout = 300;
        var acked = rung.Acked.Keys.ToHashSet(); // before the query: whatever it acknowledges is committed
        var stored = new Dictionary<string, long>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) stored[reader.GetString(0)] = reader.GetInt64(1);
        }
        return new()
        {
            ["checked"] = true,
            ["rows"] = stored.Values.Sum(),
            ["acknowledged_missing"] = (long)acked.Count(id => !stored.ContainsKey(id)),
            ["duplicated"] = stored.Values.Count(n => n > 1),
            ["stored_but_not_acknowledged"] = stored.Keys.Count(id => !acked.Contains(id)),
        };
    }

    /// <summary>pg_stat_statements, when the server has it: cleared when a rung's measured part starts.</summary>
    private async Task ResetStatementsAsync()
    {
        if (options.ConnectionString is null) return;
        try
        {
            await using var connection = new NpgsqlConnection(options.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT pg_stat_statements_reset()", connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (PostgresException)
        {
        }
    }

    /// <summary>The statements that took the most server time in the rung, per message of the rung.</summary>
    private async Task<List<Dictionary<string, object>>> TopStatementsAsync(long messages)
    {
        var top = new List<Dictionary<string, object>>();
        if (options.ConnectionString is null) return top;
        try
        {
            await using var connection = new NpgsqlConnection(options.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                SELECT left(regexp_replace(query, '\s+', ' ', 'g'), 120), calls, rows, total_exec_time, shared_blks_hit + shared_blks_read, wal_records,
                       plans, total_plan_time
                FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT 6
                """, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var calls = reader.GetInt64(1);
                top.Add(new()
                {
                    ["query"] = reader.GetString(0),
                    ["calls"] = calls,
                    ["rows"] = reader.GetInt64(2),
                    ["mean_ms"] = Math.Round(reader.GetDouble(3) / Math.Max(1, calls), 3),
                    ["exec_ms_per_message"] = Math.Round(reader.GetDouble(3) / Math.Max(1, messages), 4),
                    ["blocks_per_message"] = Math.Round(reader.GetDecimal(4) / Math.Max(1, messages), 2),
                    ["wal_records_per_message"] = Math.Round(reader.GetInt64(5) / (double)Math.Max(1, messages), 2),
                    // Plans per call near 1 means a custom plan every time (pg_stat_statements.track_planning is on in bench/run.sh).
                    ["plans"] = reader.GetInt64(6),
                    ["plan_ms_per_message"] = Math.Round(reader.GetDouble(7) / Math.Max(1, messages), 4),
                });
            }
        }
        catch (PostgresException)
        {
        }
        return top;
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

    /// <summary>The ladder as one Markdown table.</summary>
    public static string Table(IEnumerable<Dictionary<string, object>> rungs, bool header)
    {
        var text = new StringBuilder();
        if (header)
        {
            text.AppendLine("| offered msg/s | delivered msg/s | API % of a core | PostgreSQL % | Redis % | API core-ms/msg | PostgreSQL core-ms/msg | servers core-ms/msg | p50 ms | p99 ms | lost / dup / out of order | load generator % | machine busy % | load avg |");
            text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|---:|---:|---:|");
        }
        foreach (var r in rungs)
        {
            var latency = (Dictionary<string, double>)r["latency_ms"];
            var api = (double[])r["api_cpu_percent_of_core"];
            var db = (Dictionary<string, object>)r["database"];
            string F(object v) => Convert.ToDouble(v, CultureInfo.InvariantCulture).ToString("#,0.###", CultureInfo.InvariantCulture);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {F(r["offered_per_s"])} | {F(r["delivered_messages_per_s"])} | {string.Join(" + ", api.Select(a => F(a)))} | {F(r["postgres_cpu_percent_of_core"])} | {F(r["redis_cpu_percent_of_core"])} " +
                $"| {F(r["api_core_ms_per_message"])} | {F(r["postgres_core_ms_per_message"])} | **{F(r["servers_core_ms_per_message"])}** | {F(latency["p50"])} | {F(latency["p99"])} " +
                $"| {r["deliveries_lost"]} / {r["deliveries_duplicated"]} / {r["deliveries_out_of_order"]}{((long)db["acknowledged_missing"] > 0 ? $" (db missing {db["acknowledged_missing"]})" : "")}{((long)r["send_errors"] > 0 ? $" ({r["send_errors"]} send errors)" : "")} " +
                $"| {F(r["load_generator_cpu_percent_of_core"])} | {F(r["machine_busy_percent"])} | {F(r["load_average_1m"])} |");
        }
        return text.ToString();
    }
}
