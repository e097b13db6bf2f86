using System.Runtime.CompilerServices;
using ChatApp.AppHost.Hosting;

namespace ChatApp.AppHost.Dashboard;

/// <summary>Adds the dashboard to the app model, as Aspire's AppHost always has one.</summary>
public static class DashboardExtensions
{
    private static readonly ConditionalWeakTable<DistributedApplication, DashboardServer> Running = [];

    /// <summary>
    /// Serves the dashboard (<c>Dashboard:Url</c>, default <c>http://localhost:18888</c>) and receives the services'
    /// OTLP (<c>Dashboard:OtlpHttpUrl</c> / <c>Dashboard:OtlpGrpcUrl</c>); every service is pointed at the receiver
    /// through <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>. The login link is printed at start. <c>Dashboard:Enabled=false</c> turns it off.
    /// </summary>
    public static AppHostBuilder AddDashboard(this AppHostBuilder builder)
    {
        var options = DashboardOptions.FromConfiguration(builder.Configuration);
        if (options.Enabled)
        {
            builder.AddLifecycleHook(new DashboardLifecycleHook(options));
        }
        return builder;
    }

    /// <summary>The running dashboard of an app (tests open it with <see cref="DashboardServer.LoginUri"/>); null when off or not started.</summary>
    public static DashboardServer? GetDashboard(this DistributedApplication app) =>
        Running.TryGetValue(app, out var server) ? server : null;

    private sealed class DashboardLifecycleHook(DashboardOptions options) : IAppHostLifecycleHook
    {
        public async Task BeforeStartAsync(DistributedApplication app, CancellationToken cancellationToken)
        {
            options.OtlpApiKey = app.Options.OtlpApiKey;
            if (app.Options.RandomizePorts)
            {
                // Tests: free ports everywhere, like the resources.
                options.Url = options.OtlpHttpUrl = "http://127.0.0.1:0";
                options.OtlpGrpcUrl = string.IsNullOrEmpty(options.OtlpGrpcUrl) ? null : "http://127.0.0.1:0";
            }
            else if (app.Options.OtlpEndpoint is { Length: > 0 } configured)
            {
                // Otlp:Endpoint names where the services send: the receiver listens there.
                if (app.Options.OtlpProtocol == "grpc")
                {
                    options.OtlpGrpcUrl = configured;
                }
                else
                {
                    options.OtlpHttpUrl = configured;
                }
            }

            DashboardServer server;
            try
            {
                server = await DashboardServer.StartAsync(options, new AppHostResourceSource(app), cancellationToken);
            }
            catch (IOException e)
            {
                // REVIEW: the app still runs without its dashboard (the services then export nothing), rather than not at all.
                app.Options.OtlpEndpoint = null;
                Console.Error.WriteLine($"The dashboard did not start: {e.Message} (set Dashboard:Url, Dashboard:OtlpHttpUrl or Dashboard:OtlpGrpcUrl, or Dashboard:Enabled=false).");
                return;
            }
            Running.AddOrUpdate(app, server);
            app.Options.OtlpEndpoint = (app.Options.OtlpProtocol == "grpc" && server.OtlpGrpcUri is { } grpc ? grpc : server.OtlpHttpUri)
                .ToString().TrimEnd('/');
            if (app.Options.ConsoleOutput)
            {
                Console.WriteLine($"Dashboard: {server.DashboardUri} · login: {server.LoginUri}");
                app.Options.ReadyLines.Add($"Dashboard (logs, traces, metrics): {server.LoginUri}");
            }
        }

        public async Task AfterStopAsync(DistributedApplication app, CancellationToken cancellationToken)
        {
            if (Running.TryGetValue(app, out var server))
            {
                Running.Remove(app);
                await server.DisposeAsync();
            }
        }
    }
}
