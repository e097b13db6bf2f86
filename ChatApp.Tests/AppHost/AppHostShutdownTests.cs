using ChatApp.AppHost.Hosting.Testing;

namespace ChatApp.Tests.AppHost;

/// <summary>A separate app instance, because this test stops it.</summary>
[Collection(AppHostCollection.Name)]
public class AppHostShutdownTests
{
    [Fact]
    public async Task Dispose_StopsEveryChildProcess_PostgresNodeAndDotnet()
    {
        var before = ProcessTree.Descendants(Environment.ProcessId).Keys.ToHashSet();
        var app = AppHostTesting.Create();
        Dictionary<int, string> started;
        try
        {
            await app.StartAsync(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
            started = ProcessTree.Descendants(Environment.ProcessId).Where(p => !before.Contains(p.Key)).ToDictionary();
        }
        finally
        {
            await app.DisposeAsync();
        }

        var commands = string.Join("\n", started.Values);
        Assert.Contains(started.Values, c => c.Contains("bin/postgres", StringComparison.Ordinal));
        Assert.Contains(started.Values, c => c.StartsWith("node", StringComparison.Ordinal) || c.Contains("/node ", StringComparison.Ordinal));
        Assert.Contains(started.Values, c => c.Contains("ChatApp.Api.dll", StringComparison.Ordinal));

        var deadline = DateTime.UtcNow.AddSeconds(5);
        List<string> left;
        do
        {
            left = started.Where(p => ProcessTree.IsAlive(p.Key)).Select(p => $"{p.Key} {p.Value}").ToList();
            if (left.Count == 0)
            {
                break;
            }
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);
        Assert.True(left.Count == 0, $"Still running after dispose:\n{string.Join("\n", left)}\n(started:\n{commands})");
        Assert.All(app.Notifications.GetAll(), s => Assert.True(s.IsTerminal || s.State == ChatApp.AppHost.Hosting.ResourceState.NotStarted, $"{s.Name} is {s.State}"));
    }
}
