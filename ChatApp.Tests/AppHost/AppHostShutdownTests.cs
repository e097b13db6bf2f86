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
            // The app's processes are the new children of this process and their subtrees (other fixtures'
            // servers, also children of this process, may fork new backends meanwhile: those are not the app's).
            started = ProcessTree.Children(Environment.ProcessId)
                .Where(child => !before.Contains(child.Key))
                .SelectMany(child => ProcessTree.Descendants(child.Key).Append(child))
                .ToDictionary();
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

/// <summary>The actions a dashboard offers: stop, start and restart one resource while the rest keeps running.</summary>
[Collection(AppHostCollection.Name)]
public class ResourceCommandTests
{
    [Fact]
    public async Task RestartApi_ComesBackHealthyOnANewProcess_WhileTheOthersKeepRunning()
    {
        await using var app = await AppHostTesting.StartAsync(cancellationToken: new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
        var before = app.Notifications.Get(ChatApp.AppHost.Resources.Api);
        var postgres = app.Notifications.Get(ChatApp.AppHost.Resources.Postgres).ProcessId;

        await app.Commands.StopResourceAsync(ChatApp.AppHost.Resources.Api);
        var stopped = app.Notifications.Get(ChatApp.AppHost.Resources.Api);
        Assert.Equal(ChatApp.AppHost.Hosting.ResourceState.Exited, stopped.State);
        Assert.False(ProcessTree.IsAlive(before.ProcessId!.Value));

        await app.Commands.StartResourceAsync(ChatApp.AppHost.Resources.Api);
        var after = await app.WaitForResourceHealthyAsync(ChatApp.AppHost.Resources.Api, new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);
        Assert.NotEqual(before.ProcessId, after.ProcessId);
        using var http = new HttpClient();
        Assert.True((await http.GetAsync(new Uri(app.GetEndpoint(ChatApp.AppHost.Resources.Api), "/health"))).IsSuccessStatusCode);
        Assert.Equal(postgres, app.Notifications.Get(ChatApp.AppHost.Resources.Postgres).ProcessId);
        Assert.Null(app.FailureReason);
    }
}
