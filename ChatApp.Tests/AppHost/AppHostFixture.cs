using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using System.Security.Cryptography;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using ChatApp.Tests.Infrastructure;
using AppResources = ChatApp.AppHost.Resources;

namespace ChatApp.Tests.AppHost;

[CollectionDefinition(Name)]
public class AppHostCollection : ICollectionFixture<AppHostFixture>
{
    public const string Name = "apphost";
}

/// <summary>The real app model (ChatApp.AppHost's Program.cs) through Aspire.Hosting.Testing, started once for the collection.</summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    public TestAppHost Host { get; private set; } = null!;

    public DistributedApplication App => Host.App;

    public async Task InitializeAsync() => Host = await TestAppHost.StartAsync(dashboard: true);

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// One run of the app graph on a throwaway PostgreSQL data folder, with known parameter values, random ports and,
/// when asked for, the Aspire Dashboard with its telemetry API.
/// </summary>
public sealed class TestAppHost : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    private TestAppHost(DistributedApplication app, string dataDirectory, IReadOnlyDictionary<string, string> settings, ConsoleCapture console)
    {
        App = app;
        DataDirectory = dataDirectory;
        Settings = settings;
        Console = console;
    }

    /// <summary>What the AppHost itself wrote for a terminal user (its summary of URLs, or of a failure).</summary>
    public ConsoleCapture Console { get; }

    public DistributedApplication App { get; }

    public string DataDirectory { get; }

    /// <summary>The settings the app was started with (parameters, dashboard URLs and keys).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    public string AdminEmail => "admin@chatapp.local";

    public string AdminPassword => Settings["Parameters:admin-password"];

    /// <summary>Builds and starts the app; with <paramref name="waitUntilUp"/>, returns once the front end and the API are healthy.</summary>
    public static async Task<TestAppHost> StartAsync(bool dashboard = false, bool waitUntilUp = true, params string[] extraArgs)
    {
        await FrontendProject.EnsureInstalledAsync();
        // Directly under /tmp: as root the server runs as `postgres`, which must reach the folder.
        var dataDirectory = Path.Combine(Path.GetTempPath(), "chatapp-apphost-test-" + Guid.NewGuid().ToString("N")[..12]);
        var settings = new Dictionary<string, string>
        {
            ["Postgres:DataDirectory"] = dataDirectory,
            ["Parameters:admin-password"] = Secret(),
            ["Parameters:jwt-signing-key"] = Secret() + Secret(),
            ["Parameters:postgres-password"] = Secret(),
        };
        if (dashboard)
        {
            settings["ASPNETCORE_URLS"] = $"http://localhost:{LoopbackPorts.PickFree()}";
            settings["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{LoopbackPorts.PickFree()}";
            settings["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{LoopbackPorts.PickFree()}";
            settings["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
            settings["AppHost:DashboardApiKey"] = Secret();
        }
        string[] args = [.. settings.Select(s => $"--{s.Key}={s.Value}"), .. extraArgs];

        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ChatApp_AppHost>(args,
            (options, _) => options.DisableDashboard = !dashboard, timeout.Token);
        var console = new ConsoleCapture();
        builder.Services.AddLogging(logging => logging.AddProvider(console));
        var app = await builder.BuildAsync(timeout.Token);
        var host = new TestAppHost(app, dataDirectory, settings, console);
        try
        {
            await app.StartAsync(timeout.Token);
            if (waitUntilUp)
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(AppResources.Api, timeout.Token);
                await app.ResourceNotifications.WaitForResourceHealthyAsync(AppResources.Frontend, timeout.Token);
            }
        }
        catch (Exception e)
        {
            var report = await host.ReportAsync();
            await host.DisposeAsync();
            throw new InvalidOperationException($"The app did not start: {e.Message}\n{report}", e);
        }
        return host;
    }

    /// <summary>The current state of a resource (of one of its replicas, when it has several).</summary>
    public async Task<CustomResourceSnapshot> StateAsync(string resourceName)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return (await App.ResourceNotifications.WaitForResourceAsync(resourceName, _ => true, timeout.Token)).Snapshot;
    }

    /// <summary>Everything a resource logged so far.</summary>
    public async Task<string> LogsAsync(string resourceName)
    {
        var logs = App.Services.GetRequiredService<ResourceLoggerService>();
        var resource = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resourceName);
        var lines = new List<string>();
        await foreach (var batch in logs.GetAllAsync(resource))
        {
            lines.AddRange(batch.Select(l => l.Content));
        }
        return string.Join('\n', lines);
    }

    /// <summary>States and last log lines of the resources, for failure messages.</summary>
    public async Task<string> ReportAsync()
    {
        var report = new List<string>();
        foreach (var name in new[] { AppResources.Postgres, AppResources.ChatDb, AppResources.Migrations, AppResources.Api, AppResources.Frontend })
        {
            try
            {
                var state = await StateAsync(name);
                var logs = (await LogsAsync(name)).Split('\n').TakeLast(15);
                report.Add($"{name}: {state.State?.Text} health={state.HealthStatus} exit={state.ExitCode}\n    {string.Join("\n    ", logs)}");
            }
            catch (Exception e)
            {
                report.Add($"{name}: ({e.Message})");
            }
        }
        return string.Join('\n', report);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await App.StopAsync();
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
            // Stopped already, or never started.
        }
        await App.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Secret() => RandomNumberGenerator.GetHexString(24, lowercase: true);
}

/// <summary>Captures the log lines of the AppHost's own category ("ChatApp.AppHost"), the ones its console shows.</summary>
public sealed class ConsoleCapture : ILoggerProvider
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Waits until a line contains <paramref name="text"/> and returns it.</summary>
    public async Task<string> WaitForAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"The AppHost never wrote \"{text}\". It wrote:\n{string.Join("\n", Lines)}");
    }

    public ILogger CreateLogger(string categoryName) => categoryName == "ChatApp.AppHost" ? new Logger(this) : NullLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class Logger(ConsoleCapture capture) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (capture._lines)
            {
                capture._lines.Add(formatter(state, exception));
            }
        }
    }
}
