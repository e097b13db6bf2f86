using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ChatApp.Tests.Infrastructure;

/// <summary>The real API on a real Kestrel loopback port, against the test PostgreSQL.</summary>
public sealed class ChatApiFactory : WebApplicationFactory<ChatApp.Api.Hubs.ChatHub>
{
    public const string SigningKey = "test-signing-key-that-is-long-enough-for-hs256-0123456789";

    private readonly string _connectionString;
    private readonly IReadOnlyDictionary<string, string?> _settings;

    public ChatApiFactory(string connectionString, int port = 0,
        IReadOnlyDictionary<string, string?>? settings = null, System.Net.IPAddress? address = null)
    {
        _connectionString = connectionString;
        _settings = settings ?? new Dictionary<string, string?>();
        UseKestrel(options => options.Listen(address ?? System.Net.IPAddress.Loopback, port));
    }

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Uri(address);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:chatdb", _connectionString);
        builder.UseSetting("Jwt:SigningKey", SigningKey);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Error");
        // Tests come from one IP: limits are high unless a test sets them.
        builder.UseSetting("RateLimits:LoginPerIpPerMinute", "10000");
        builder.UseSetting("RateLimits:LoginFailuresPerAccountAndIpPer15Minutes", "10000");
        builder.UseSetting("RateLimits:LoginFailuresPerAccountBurst", "10000");
        builder.UseSetting("RateLimits:WidgetStartsPerIpPerMinute", "10000");
        builder.UseSetting("RateLimits:UploadsPerIpPerMinute", "10000");
        // Webhook receivers in tests listen on loopback; only instances a test starts for it send deliveries, so each
        // test knows who delivers (WebhookTests).
        builder.UseSetting("Webhooks:AllowPrivateAddresses", "true");
        builder.UseSetting("Webhooks:DeliveryEnabled", "false");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureTestServices(TestOperatorAvailability.Install);
    }

    /// <summary>Whether operators count as online; see <see cref="OperatorAvailabilitySwitch"/>.</summary>
    public OperatorAvailabilitySwitch OperatorAvailability => Services.GetRequiredService<OperatorAvailabilitySwitch>();
}
