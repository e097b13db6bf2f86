using System.Globalization;

namespace ChatApp.LoadTest;

/// <summary>Command-line options: <c>--name value</c> pairs.</summary>
public sealed record Options
{
    public string Mode { get; init; } = "throughput";
    public Uri Url { get; init; } = new("http://127.0.0.1:5080");
    public string AdminEmail { get; init; } = "admin@chatapp.local";
    public string AdminPassword { get; init; } = "";
    public string? ConnectionString { get; init; }
    public int Conversations { get; init; } = 1000;
    public int Operators { get; init; } = 10;
    public int Rate { get; init; } = 5000;
    public int DurationSeconds { get; init; } = 60;
    public int WarmupSeconds { get; init; } = 5;
    public int Connections { get; init; } = 10_000;
    public int SourceAddresses { get; init; } = 0;
    public int? ApiPid { get; init; }
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
            Url = new Uri(Get("url") ?? "http://127.0.0.1:5080"),
            AdminEmail = Get("admin-email") ?? "admin@chatapp.local",
            AdminPassword = Get("admin-password") ?? Environment.GetEnvironmentVariable("BENCH_ADMIN_PASSWORD") ?? "",
            ConnectionString = Get("connection-string") ?? Environment.GetEnvironmentVariable("BENCH_CONNECTION_STRING"),
            Conversations = Int("conversations", 1000),
            Operators = Int("operators", 10),
            Rate = Int("rate", 5000),
            DurationSeconds = Int("duration", 60),
            WarmupSeconds = Int("warmup", 5),
            Connections = Int("connections", 10_000),
            SourceAddresses = Int("source-addresses", 0),
            ApiPid = Get("api-pid") is { } pid ? int.Parse(pid, CultureInfo.InvariantCulture) : null,
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
