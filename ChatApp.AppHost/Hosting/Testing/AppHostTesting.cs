namespace ChatApp.AppHost.Hosting.Testing;

/// <summary>
/// Runs the real app model (the AppHost's <c>Program.cs</c>) in-process for tests, the way Aspire.Hosting.Testing
/// does: <c>Program.cs</c> builds the model, and <see cref="DistributedApplication.Run"/> hands the app to the test instead of
/// running it. Test defaults: free ports everywhere, PostgreSQL in a temp folder, no console output, a failure does
/// not stop the app (the test decides).
/// </summary>
/// <example>
/// <code>
/// await using var app = await AppHostTesting.StartAsync();
/// var api = app.GetEndpoint(Resources.Api);
/// </code>
/// </example>
public static class AppHostTesting
{
    private static readonly AsyncLocal<TestingContext?> CurrentContext = new();

    internal static TestingContext? Current => CurrentContext.Value;

    /// <summary>Builds the app model from <c>Program.cs</c> without starting it.</summary>
    /// <param name="configuration">Configuration overrides, e.g. <c>["Postgres:BinDirectory"] = "/nowhere"</c>.</param>
    /// <param name="configure">Last changes to the options.</param>
    public static DistributedApplication Create(IDictionary<string, string?>? configuration = null, Action<AppHostOptions>? configure = null)
    {
        var entryPoint = typeof(AppHostTesting).Assembly.EntryPoint
                         ?? throw new InvalidOperationException("The AppHost assembly has no entry point.");
        var context = new TestingContext(configuration ?? new Dictionary<string, string?>(), configure);
        var previous = CurrentContext.Value;
        CurrentContext.Value = context;
        try
        {
            entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
        }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
        finally
        {
            CurrentContext.Value = previous;
        }
        return context.App ?? throw new InvalidOperationException("Program.cs did not call Build().Run().");
    }

    /// <summary>Builds and starts the app; returns once every resource is up (or throws, after stopping it, when one failed).</summary>
    public static async Task<DistributedApplication> StartAsync(IDictionary<string, string?>? configuration = null, Action<AppHostOptions>? configure = null,
        CancellationToken cancellationToken = default)
    {
        var app = Create(configuration, configure);
        try
        {
            await app.StartAsync(cancellationToken);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    internal sealed class TestingContext(IDictionary<string, string?> configuration, Action<AppHostOptions>? configure)
    {
        public IDictionary<string, string?> Configuration { get; } = configuration;

        public Action<AppHostOptions>? Configure { get; } = configure;

        public DistributedApplication? App { get; private set; }

        public void Capture(DistributedApplication app) => App = app;
    }
}
