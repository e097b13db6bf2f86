using System.Globalization;

namespace ChatApp.LoadTest;

/// <summary>Command-line options: <c>--name value</c> pairs.</summary>
public sealed record Options
{
    public string Mode { get; init; } = "throughput";
    /// <summary>The API instances; clients are spread over them (a conversation's visitor and operator on different ones).</summary>
    public IReadOnlyList<Uri> Urls { get; init; } = [new("http://127.0.0.1:5080")];
    public Uri Url => Urls[0];
    public string AdminEmail { get; init; } = "admin@chatapp.local";
    public string AdminPassword { get; init; } = "";
    public string? ConnectionString { get; init; }
    public int Conversations { get; init; } = 1000;
    public int Operators { get; init; } = 10;
    public int Rate { get; init; } = 5000;
    /// <summary>The ladder's offered rates (msg/s); after the last, it climbs by <see cref="ClimbStep"/> until a rung fails.</summary>
    public IReadOnlyList<int> Rates { get; init; } = [1, 100, 500, 2000, 5000];
    public int ClimbStep { get; init; } = 2500;
    public int MaxRate { get; init; } = 30_000;
    /// <summary>After the first failing rung, rungs halve the gap to the last that held until it is at most this (0: no search).</summary>
    public int KneeStep { get; init; } = 500;
    /// <summary>A rung is sustained when p99 is at most this and nothing is lost (the knee is the first that is not).</summary>
    public double SustainedP99Ms { get; init; } = 100;
    public IReadOnlyList<int> ApiPids { get; init; } = [];
    public int? PostgresPid { get; init; }
    public int? RedisPid { get; init; }
    /// <summary>json (what browsers use) or messagepack.</summary>
    public string Protocol { get; init; } = "json";
    public string Label { get; init; } = "";
    public int DurationSeconds { get; init; } = 60;
    public int WarmupSeconds { get; init; } = 5;
    /// <summary>
    /// Unmeasured seconds at the idle rate (below 100 msg/s) before it is measured: right after the warm-up the runtime
    /// is still compiling at tier 1 what the warm-up ran, which would be counted as idle burn.
    /// </summary>
    public int SettleSeconds { get; init; } = 30;
    public int Connections { get; init; } = 10_000;
    public int SourceAddresses { get; init; } = 0;
    public int BodyLength { get; init; } = 80;
    public string Output { get; init; } = "bench/results/result.json";
    public int Messages { get; init; } = 1_000_000;
    public int Days { get; init; } = 180;
    public int Runs { get; init; } = 5;

    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected --name value pairs, got '{args[i]}'.");
            }
            values[args[i][2..]] = args[++i];
        }
        string? Get(string name) => values.Remove(name, out var v) ? v : null;
        int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

        var options = new Options
        {
            Mode = Get("mode") ?? "throughput",
            Urls = [.. (Get("url") ?? "http://127.0.0.1:5080").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(u => new Uri(u))],
            AdminEmail = Get("admin-email") ?? "admin@chatapp.local",
            AdminPassword = Get("admin-password") ?? Environment.GetEnvironmentVariable("BENCH_ADMIN_PASSWORD") ?? "",
            ConnectionString = Get("connection-string") ?? Environment.GetEnvironmentVariable("BENCH_CONNECTION_STRING"),
            Conversations = Int("conversations", 1000),
            Operators = Int("operators", 10),
            Rate = Int("rate", 5000),
            Rates = Get("rates") is { } rates ? [.. rates.Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture))] : [1, 100, 500, 2000, 5000],
            ClimbStep = Int("climb-step", 2500),
            MaxRate = Int("max-rate", 30_000),
            KneeStep = Int("knee-step", 500),
            SustainedP99Ms = Int("sustained-p99-ms", 100),
            ApiPids = Get("api-pids") is { } pids ? [.. pids.Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture))] : [],
            PostgresPid = Get("postgres-pid") is { } pg ? int.Parse(pg, CultureInfo.InvariantCulture) : null,
            RedisPid = Get("redis-pid") is { } redis ? int.Parse(redis, CultureInfo.InvariantCulture) : null,
            Protocol = Get("protocol") ?? "json",
            Label = Get("label") ?? "",
            DurationSeconds = Int("duration", 60),
            WarmupSeconds = Int("warmup", 5),
            SettleSeconds = Int("settle", 30),
            Connections = Int("connections", 10_000),
            SourceAddresses = Int("source-addresses", 0),
            BodyLength = Int("body-length", 80),
            Output = Get("output") ?? "bench/results/result.json",
            Messages = Int("messages", 1_000_000),
            Days = Int("days", 180),
            Runs = Int("runs", 5),
        };
        if (values.Count > 0)
        {
            throw new ArgumentException($"Unknown option(s): {string.Join(", ", values.Keys.Select(k => "--" + k))}");
        }
        return options;
    }
}
