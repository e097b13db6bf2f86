using ChatApp.AppHost.Hosting;
using ChatApp.AppHost.Hosting.Testing;

namespace ChatApp.Tests.AppHost;

[CollectionDefinition(Name)]
public class AppHostCollection : ICollectionFixture<AppHostFixture>
{
    public const string Name = "apphost";
}

/// <summary>
/// The real app model (ChatApp.AppHost's Program.cs) started in-process once for the collection, as
/// Aspire.Hosting.Testing would: throwaway PostgreSQL, free ports, the built API and migration worker, the Vite server.
/// </summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    public DistributedApplication App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = AppHostTesting.Create();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await App.StartAsync(timeout.Token);
        }
        catch (Exception e)
        {
            var report = Report(App);
            await App.DisposeAsync();
            throw new InvalidOperationException($"The app did not start: {e.Message}\n{report}", e);
        }
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    /// <summary>States and the last log lines of every resource, for failure messages.</summary>
    public static string Report(DistributedApplication app) => string.Join("\n", app.Notifications.GetAll().Select(s =>
        $"{s.Name}: {s.State} {s.Health} {s.Reason}\n    " +
        string.Join("\n    ", app.Logs.Get(s.Name).TakeLast(15).Select(l => l.Text))));
}
