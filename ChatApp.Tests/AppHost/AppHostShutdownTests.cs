namespace ChatApp.Tests.AppHost;

/// <summary>A stop leaves nothing behind: DCP, the dashboard, PostgreSQL, the services and Vite all end.</summary>
[Collection(AppHostCollection.Name)]
public class AppHostShutdownTests
{
    [Fact]
    public async Task Stop_EndsEveryProcessTheAppStarted_WithinTenSeconds()
    {
        var dcpBefore = ProcessTree.Matching(DcpMarker).Keys.ToHashSet();
        var host = await TestAppHost.StartAsync(dashboard: true);
        Dictionary<int, string> started;
        try
        {
            // DCP runs detached, watching this process; everything the app runs descends from this app's DCP.
            started = ProcessTree.Matching(DcpMarker).Where(p => !dcpBefore.Contains(p.Key))
                .SelectMany(p => ProcessTree.Descendants(p.Key).Append(p))
                .ToDictionary();
        }
        finally
        {
            await host.DisposeAsync();
        }

        var commands = string.Join("\n", started.Values);
        Assert.Contains(started.Values, c => c.Contains("bin/postgres", StringComparison.Ordinal));
        Assert.Contains(started.Values, c => c.Contains("vite.js", StringComparison.Ordinal));
        Assert.Contains(started.Values, c => c.Contains("ChatApp.Api", StringComparison.Ordinal));
        Assert.Contains(started.Values, c => c.Contains("Aspire.Dashboard", StringComparison.Ordinal));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<string> left;
        do
        {
            left = started.Where(p => ProcessTree.IsAlive(p.Key)).Select(p => $"{p.Key} {p.Value}").ToList();
            if (left.Count == 0)
            {
                return;
            }
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"Still running 10 s after the stop:\n{string.Join("\n", left)}\n(started:\n{commands})");
    }

    private static string DcpMarker => $"--monitor {Environment.ProcessId} ";
}
