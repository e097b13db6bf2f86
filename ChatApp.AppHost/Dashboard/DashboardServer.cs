using System.Net;
using System.Text.Json.Serialization;
using ChatApp.AppHost.Dashboard.Otlp;
using ChatApp.AppHost.Dashboard.Telemetry;
using ChatApp.AppHost.Dashboard.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChatApp.AppHost.Dashboard;

/// <summary>
/// The AppHost's dashboard: one Kestrel server with three listeners — the web UI (token login, pages, JSON API), the
/// OTLP/HTTP receiver and the OTLP/gRPC receiver — sharing one bounded <see cref="TelemetryStore"/>. Each listener
/// serves only its own part: OTLP is not accepted on the UI's port, and pages are not served on the OTLP ports.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DashboardAuth _auth;

    private DashboardServer(WebApplication app, DashboardAuth auth, TelemetryStore store)
    {
        _app = app;
        _auth = auth;
        Store = store;
    }

    /// <summary>The telemetry received so far.</summary>
    public TelemetryStore Store { get; }

    /// <summary>Address of the web UI.</summary>
    public Uri DashboardUri { get; private set; } = null!;

    /// <summary>Address the services export OTLP/HTTP to (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> with <c>http/protobuf</c>).</summary>
    public Uri OtlpHttpUri { get; private set; } = null!;

    /// <summary>Address of the OTLP/gRPC receiver, when enabled.</summary>
    public Uri? OtlpGrpcUri { get; private set; }

    /// <summary>The token of the login link.</summary>
    public string BrowserToken => _auth.Token;

    /// <summary>The link a person opens: it logs in and sets the cookie.</summary>
    public Uri LoginUri => new(DashboardUri, "/login?t=" + Uri.EscapeDataString(BrowserToken));

    /// <summary>Starts the dashboard and its receivers; returns once they listen.</summary>
    /// <param name="options">Addresses, token, API key and caps.</param>
    /// <param name="resources">The engine's resources; null shows no resources (the receiver alone, in tests).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<DashboardServer> StartAsync(DashboardOptions options, IDashboardResourceSource? resources,
        CancellationToken cancellationToken = default)
    {
        var store = new TelemetryStore(options.Telemetry);
        var converter = new OtlpConverter(store);
        var auth = new DashboardAuth(string.IsNullOrEmpty(options.BrowserToken) ? DashboardAuth.NewToken() : options.BrowserToken);

        // An empty builder: the AppHost's own configuration (ASPNETCORE_URLS, appsettings) must not leak into it,
        // and Kestrel's request logs stay off the AppHost console.
        var listeners = new Dictionary<ListenerRole, ListenOptions>();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(DashboardServer).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            Listen(kestrel, options.Url, ListenerRole.Dashboard, HttpProtocols.Http1AndHttp2, listeners);
            Listen(kestrel, options.OtlpHttpUrl, ListenerRole.OtlpHttp, HttpProtocols.Http1AndHttp2, listeners);
            if (!string.IsNullOrWhiteSpace(options.OtlpGrpcUrl))
            {
                // gRPC without TLS needs HTTP/2 with prior knowledge.
                Listen(kestrel, options.OtlpGrpcUrl, ListenerRole.OtlpGrpc, HttpProtocols.Http2, listeners);
            }
        });
        // The AppHost owns Ctrl+C and SIGTERM (it stops the resources in order); the dashboard must not take them.
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.Services.AddRouting();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddSingleton(converter);
        builder.Services.AddSingleton(options);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, options.MaxOtlpRequestBytes);
            grpc.EnableDetailedErrors = false;
        });

        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            // Kestrel writes a dynamic port back into the listen options when it binds, before any connection arrives.
            var localPort = context.Connection.LocalPort;
            var role = listeners.FirstOrDefault(l => l.Value.IPEndPoint?.Port == localPort).Key;
            var path = context.Request.Path;
            var isOtlpHttp = path.StartsWithSegments("/v1");
            var isOtlpGrpc = path.Value?.StartsWith("/opentelemetry.proto.collector.", StringComparison.Ordinal) == true;
            var allowed = role switch
            {
                ListenerRole.OtlpHttp => isOtlpHttp,
                ListenerRole.OtlpGrpc => isOtlpGrpc,
                _ => !isOtlpHttp && !isOtlpGrpc,
            };
            if (!allowed)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            if (role == ListenerRole.OtlpHttp && !HttpMethods.IsPost(context.Request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                context.Response.Headers.Allow = "POST";
                return;
            }
            if (role == ListenerRole.Dashboard)
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'";
                await auth.InvokeAsync(context, next);
                return;
            }
            await next(context);
        });

        auth.MapLogin(app);
        app.MapDashboardPages();
        app.MapDashboardApi(store, resources, string.IsNullOrEmpty(options.OtlpApiKey) ? [] : [options.OtlpApiKey]);
        app.MapOtlpHttp(converter, options);
        app.MapGrpcService<OtlpGrpcTraceService>();
        app.MapGrpcService<OtlpGrpcLogsService>();
        app.MapGrpcService<OtlpGrpcMetricsService>();

        await app.StartAsync(cancellationToken);

        var server = new DashboardServer(app, auth, store);
        server.DashboardUri = BoundUri(options.Url, listeners[ListenerRole.Dashboard]);
        server.OtlpHttpUri = BoundUri(options.OtlpHttpUrl, listeners[ListenerRole.OtlpHttp]);
        server.OtlpGrpcUri = listeners.TryGetValue(ListenerRole.OtlpGrpc, out var grpc) ? BoundUri(options.OtlpGrpcUrl!, grpc) : null;
        return server;
    }

    /// <summary>Stops the listeners.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(timeout.Token);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }

    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private enum ListenerRole
    {
        Dashboard,
        OtlpHttp,
        OtlpGrpc,
    }

    private static void Listen(KestrelServerOptions kestrel, string url, ListenerRole role, HttpProtocols protocols,
        Dictionary<ListenerRole, ListenOptions> listeners)
    {
        var uri = new Uri(url);
        if (uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new InvalidOperationException($"The dashboard listens on http only; '{url}' is not an http:// address.");
        }
        void Configure(ListenOptions listen)
        {
            listen.Protocols = protocols;
            listeners[role] = listen;
        }
        if (uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) && uri.Port != 0)
        {
            kestrel.ListenLocalhost(uri.Port, Configure);
        }
        else if (uri.Host is "*" or "+" or "0.0.0.0")
        {
            kestrel.ListenAnyIP(uri.Port, Configure);
        }
        else
        {
            // localhost with port 0 (a free port, in tests) binds IPv4 loopback only: one address, one port.
            var address = uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : IPAddress.Parse(uri.Host.Trim('[', ']'));
            kestrel.Listen(address, uri.Port, Configure);
        }
    }

    /// <summary>The configured address with the port Kestrel bound (Kestrel writes a dynamic port back into the listen options).</summary>
    private static Uri BoundUri(string configured, ListenOptions listen)
    {
        var uri = new Uri(configured);
        if (uri.Port != 0)
        {
            return new Uri($"http://{uri.Authority}");
        }
        var host = uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1" : uri.Host;
        return new Uri($"http://{host}:{listen.IPEndPoint!.Port}");
    }
}
