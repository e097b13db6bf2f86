using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.SignalR.Client;

namespace ChatApp.LoadTest;

/// <summary>
/// Holds C idle hub connections (nine visitors to one operator connection) and reports the API process's resident
/// memory before and after, per connection. Sockets are spread over several loopback source addresses when one
/// address would run out of ephemeral ports.
/// </summary>
public sealed class ConnectionsScenario(Options options)
{
    public async Task<Dictionary<string, object>> RunAsync()
    {
        if (options.ApiPid is not { } pid)
        {
            throw new ArgumentException("--api-pid is required: the memory measured is the API process's.");
        }
        using var api = new ChatApiClient(options.Url);
        var admin = await api.LoginAsync(options.AdminEmail, options.AdminPassword);
        var operatorConnections = Math.Max(1, options.Connections / 10);
        var visitorConnections = options.Connections - operatorConnections;
        var sources = options.SourceAddresses > 0 ? options.SourceAddresses : Math.Max(1, (int)Math.Ceiling(options.Connections / 20_000.0));

        // With nobody online the widget takes offline messages only (an e-mail and a first message): an operator
        // is online first, as in a staffed support team.
        await using var staffed = api.CreateHubConnection(admin.AccessToken, null);
        await staffed.StartAsync();

        Console.WriteLine($"Starting {visitorConnections} visitor conversations …");
        var visitorTokens = new string[visitorConnections];
        await Parallel.ForEachAsync(Enumerable.Range(0, visitorConnections), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, _) => visitorTokens[i] = (await api.StartConversationAsync($"idle visitor {i}")).VisitorToken);

        var before = ReadRss(pid);
        Console.WriteLine($"API resident memory before: {before / 1048576.0:0.0} MiB. Opening {options.Connections} connections …");
        var tokens = visitorTokens.Concat(Enumerable.Repeat(admin.AccessToken, operatorConnections)).ToArray();
        var connections = new HubConnection[tokens.Length];
        var started = Stopwatch.StartNew();
        var failures = 0;
        string? firstError = null;
        await Parallel.ForEachAsync(Enumerable.Range(0, tokens.Length), new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (i, ct) =>
            {
                var source = IPAddress.Parse($"127.0.0.{1 + i % sources}");
                var hub = api.CreateHubConnection(tokens[i], sources > 1 ? source : null);
                try
                {
                    await hub.StartAsync(ct);
                    connections[i] = hub;
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstError, ex.Message, null);
                    await hub.DisposeAsync();
                }
            });
        var connectSeconds = started.Elapsed.TotalSeconds;
        // Let the server settle (timers, buffers) before reading its memory.
        await Task.Delay(TimeSpan.FromSeconds(10));
        var open = connections.Count(c => c?.State == HubConnectionState.Connected);
        var after = ReadRss(pid);
        Console.WriteLine($"{open} connections open; API resident memory after: {after / 1048576.0:0.0} MiB");

        foreach (var hub in connections.Where(c => c is not null))
        {
            await hub.DisposeAsync();
        }
        return new Dictionary<string, object>
        {
            ["scenario"] = "connections",
            ["connections_requested"] = options.Connections,
            ["connections_open"] = open,
            ["connect_failures"] = failures,
            ["first_error"] = firstError ?? "",
            ["source_addresses"] = sources,
            ["connect_seconds"] = Math.Round(connectSeconds, 1),
            ["api_rss_before_mib"] = Math.Round(before / 1048576.0, 1),
            ["api_rss_after_mib"] = Math.Round(after / 1048576.0, 1),
            ["api_rss_per_connection_kib"] = open == 0 ? 0 : Math.Round((after - before) / 1024.0 / open, 1),
        };
    }

    /// <summary>Resident set size of a process, in bytes, from /proc.</summary>
    private static long ReadRss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
        throw new InvalidOperationException($"No VmRSS for process {pid}.");
    }
}
