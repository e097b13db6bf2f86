using ChatApp.AppHost.Dashboard.Telemetry;
using Microsoft.Extensions.Configuration;

namespace ChatApp.AppHost.Dashboard;

/// <summary>Settings of the dashboard (configuration section <c>Dashboard</c>).</summary>
public sealed class DashboardOptions
{
    /// <summary>Turn the dashboard off (<c>Dashboard:Enabled</c>).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Address of the web UI (<c>Dashboard:Url</c>); port 0 picks a free port.</summary>
    public string Url { get; set; } = "http://localhost:18888";

    /// <summary>Address of the OTLP/HTTP receiver (<c>Dashboard:OtlpHttpUrl</c>); port 0 picks a free port.</summary>
    public string OtlpHttpUrl { get; set; } = "http://localhost:18890";

    /// <summary>Address of the OTLP/gRPC receiver (<c>Dashboard:OtlpGrpcUrl</c>); empty turns it off.</summary>
    public string? OtlpGrpcUrl { get; set; } = "http://localhost:18889";

    /// <summary>The key services must send in <c>x-otlp-api-key</c>; null or empty accepts any sender.</summary>
    public string? OtlpApiKey { get; set; }

    /// <summary>The token of the login link (<c>Dashboard:Token</c>); generated per run when not configured.</summary>
    public string? BrowserToken { get; set; }

    /// <summary>Largest OTLP request body accepted, after decompression (<c>Dashboard:MaxOtlpRequestBytes</c>); larger ones get 413.</summary>
    public long MaxOtlpRequestBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Caps of the in-memory telemetry (<c>Dashboard:Telemetry:MaxSpans</c>, <c>MaxLogs</c>, <c>MaxMetricPoints</c>).</summary>
    public TelemetryLimits Telemetry { get; set; } = new();

    /// <summary>Reads the <c>Dashboard</c> section over the defaults.</summary>
    public static DashboardOptions FromConfiguration(IConfiguration configuration)
    {
        var options = new DashboardOptions();
        var section = configuration.GetSection("Dashboard");
        options.Enabled = section.GetValue("Enabled", options.Enabled);
        options.Url = section["Url"] ?? options.Url;
        options.OtlpHttpUrl = section["OtlpHttpUrl"] ?? options.OtlpHttpUrl;
        options.OtlpGrpcUrl = section["OtlpGrpcUrl"] ?? options.OtlpGrpcUrl;
        options.BrowserToken = section["Token"] ?? options.BrowserToken;
        options.MaxOtlpRequestBytes = section.GetValue("MaxOtlpRequestBytes", options.MaxOtlpRequestBytes);
        var telemetry = section.GetSection("Telemetry");
        options.Telemetry.MaxSpans = telemetry.GetValue("MaxSpans", options.Telemetry.MaxSpans);
        options.Telemetry.MaxLogs = telemetry.GetValue("MaxLogs", options.Telemetry.MaxLogs);
        options.Telemetry.MaxMetricPoints = telemetry.GetValue("MaxMetricPoints", options.Telemetry.MaxMetricPoints);
        options.Telemetry.MaxValueLength = telemetry.GetValue("MaxValueLength", options.Telemetry.MaxValueLength);
        return options;
    }
}
