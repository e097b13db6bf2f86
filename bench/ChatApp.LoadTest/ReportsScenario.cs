using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Npgsql;

namespace ChatApp.LoadTest;

/// <summary>
/// Report query times at scale: seeds --messages messages (10 per conversation, over the last --days days, 20 operators,
/// closed, rated and offline conversations in realistic shares) straight into PostgreSQL, then times each report
/// endpoint over HTTP: one warm-up call, then --runs timed calls (median, min, max).
/// </summary>
public sealed class ReportsScenario(Options options)
{
    private const int MessagesPerConversation = 10;
    private const int OperatorCount = 20;

    public async Task<Dictionary<string, object>> RunAsync()
    {
        var connectionString = options.ConnectionString ?? throw new ArgumentException("--connection-string is required for --mode reports.");
        var conversations = Math.Max(1, options.Messages / MessagesPerConversation);
        var seeding = Stopwatch.StartNew();
        await using (var dataSource = NpgsqlDataSource.Create(connectionString + ";Command Timeout=0"))
        {
            await SeedAsync(dataSource, conversations);
        }
        seeding.Stop();
        Console.WriteLine($"   seeded {conversations:N0} conversations and {conversations * MessagesPerConversation:N0} messages in {seeding.Elapsed.TotalSeconds:F1} s");

        using var client = new ChatApiClient(options.Url);
        var token = (await client.LoginAsync(options.AdminEmail, options.AdminPassword)).AccessToken;
        using var http = new HttpClient { BaseAddress = options.Url, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var operatorId = await FirstOperatorAsync(connectionString);

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        string Period(int days) => $"from={today.AddDays(-(days - 1)):yyyy-MM-dd}&to={today:yyyy-MM-dd}&tz=Europe/Paris";
        var all = Math.Min(366, options.Days + 1);
        var cases = new (string Name, string Path)[]
        {
            ("summary, last 30 days", $"/api/reports/summary?{Period(30)}"),
            ($"summary, all {all} days", $"/api/reports/summary?{Period(all)}"),
            ("summary, one operator, 30 days", $"/api/reports/summary?{Period(30)}&operatorId={operatorId}"),
            ("operators, last 30 days", $"/api/reports/operators?{Period(30)}"),
            ($"operators, all {all} days", $"/api/reports/operators?{Period(all)}"),
            ("conversations.csv, last 30 days", $"/api/reports/conversations.csv?{Period(30)}"),
            ($"conversations.csv, all {all} days", $"/api/reports/conversations.csv?{Period(all)}"),
        };
        var timings = new Dictionary<string, object>();
        foreach (var (name, path) in cases)
        {
            var bytes = await GetAsync(http, path);
            var times = new List<double>();
            for (var i = 0; i < options.Runs; i++)
            {
                var watch = Stopwatch.StartNew();
                await GetAsync(http, path);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            var line = $"median {times[times.Count / 2]:F0} ms, min {times[0]:F0} ms, max {times[^1]:F0} ms ({bytes:N0} bytes)";
            Console.WriteLine($"   {name,-36} {line}");
            timings[name] = line;
        }
        return new Dictionary<string, object>
        {
            ["scenario"] = "reports",
            ["messages"] = conversations * MessagesPerConversation,
            ["conversations"] = conversations,
            ["days"] = options.Days,
            ["seed_seconds"] = Math.Round(seeding.Elapsed.TotalSeconds, 1),
            ["runs_per_report"] = options.Runs,
            ["report_times"] = timings,
        };
    }

    private static async Task<long> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
        }
        return body.LongLength;
    }

    private static async Task<Guid> FirstOperatorAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM users WHERE email LIKE 'bench-op-%' ORDER BY email LIMIT 1", connection);
        return (Guid)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Set-based inserts: operators, one visitor per conversation, conversations spread evenly over the period (90 %
    /// closed after 5 minutes to 2 days, 40 % rated, 10 % offline, 95 % assigned), and ten messages each alternating
    /// visitor and operator, the first reply 10 s to 30 min after the start.
    /// </summary>
    private async Task SeedAsync(NpgsqlDataSource dataSource, int conversations)
    {
        var seconds = options.Days * 86_400;
        var sql = $"""
            INSERT INTO users (id, email, display_name, password_hash, role, is_active, created_at, updated_at)
            SELECT gen_random_uuid(), 'bench-op-' || lpad(g::text, 2, '0') || '@bench.local', 'Operator ' || g, 'x', 'Operator', true, now(), now()
            FROM generate_series(1, {OperatorCount}) g;

            CREATE TEMP TABLE bench_ops AS SELECT id, row_number() OVER (ORDER BY email) - 1 AS n FROM users WHERE email LIKE 'bench-op-%';

            CREATE TEMP TABLE bench_conv AS
            SELECT gen_random_uuid() AS id, gen_random_uuid() AS visitor_id, g,
                   now() - make_interval(secs => {seconds} * (g::float8 / {conversations})) AS created_at,
                   random() < 0.9 AS closed, random() < 0.4 AS rated, random() < 0.1 AS offline, random() < 0.95 AS assigned,
                   10 + random() * 1790 AS first_reply, 300 + random() * 172500 AS resolution
            FROM generate_series(1, {conversations}) g;

            INSERT INTO visitors (id, name, created_at, last_seen_at)
            SELECT visitor_id, 'Visitor ' || g, created_at, created_at FROM bench_conv;

            INSERT INTO conversations (id, visitor_id, status, assigned_user_id, visitor_name, is_offline_message,
                rating_score, rated_at, created_at, updated_at, last_message_at, closed_at,
                visitor_last_read_message_id, operator_last_read_message_id, operator_unread_count)
            SELECT c.id, c.visitor_id,
                   CASE WHEN c.closed THEN 'Closed' WHEN c.assigned THEN 'Assigned' ELSE 'Open' END,
                   CASE WHEN c.assigned THEN o.id END, 'Visitor ' || c.g, c.offline,
                   CASE WHEN c.closed AND c.rated THEN 1 + (c.g % 5) END,
                   CASE WHEN c.closed AND c.rated THEN c.created_at + make_interval(secs => c.resolution + 60) END,
                   c.created_at, c.created_at, c.created_at + make_interval(secs => c.first_reply * 5),
                   CASE WHEN c.closed THEN c.created_at + make_interval(secs => c.resolution) END, 0, 0, 0
            FROM bench_conv c JOIN bench_ops o ON o.n = c.g % {OperatorCount};

            INSERT INTO messages (conversation_id, sender_kind, sender_user_id, body, client_message_id, created_at)
            SELECT c.id, CASE WHEN k % 2 = 0 THEN 'Visitor' ELSE 'Operator' END,
                   CASE WHEN k % 2 = 1 THEN o.id END,
                   'Message ' || k || ' of conversation ' || c.g || ': a body of a usual length for a support chat.',
                   'bench-' || k, c.created_at + make_interval(secs => c.first_reply * k)
            FROM bench_conv c JOIN bench_ops o ON o.n = c.g % {OperatorCount}
            CROSS JOIN generate_series(0, {MessagesPerConversation - 1}) k
            ORDER BY c.created_at, k;

            """;
        await using (var command = dataSource.CreateCommand(sql))
        {
            await command.ExecuteNonQueryAsync();
        }
        foreach (var table in new[] { "users", "visitors", "conversations", "messages" })
        {
            await using var vacuum = dataSource.CreateCommand($"VACUUM ANALYZE {table}");
            await vacuum.ExecuteNonQueryAsync();
        }
    }
}
