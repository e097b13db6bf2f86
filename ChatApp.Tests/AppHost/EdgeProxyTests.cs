using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ChatApp.Api.Services;
using ChatApp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using ChatApp.Api.Data;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ChatApp.Tests.AppHost;

/// <summary>
/// The edge's configuration as the frontend image ships it (frontend/nginx, written by its 30-chatapp-proxy.sh), run by
/// Debian's nginx in front of two real API instances. What differs outside compose, and only that: the API's port
/// (the name stays <c>api</c>, answered by a dnsmasq the test runs instead of Docker's DNS, its address given in
/// RESOLVER), the listening ports, and the paths of the pages, the certificate files and nginx's main file (the
/// image's own nginx.conf, which includes conf.d, is not ours).
/// </summary>
public sealed class EdgeProxyTests(EdgeFixture edge) : IClassFixture<EdgeFixture>
{
    [Fact]
    public async Task NginxT_AcceptsThePublishedConfiguration_InBothModes()
    {
        foreach (var nginx in new[] { edge.Tls, edge.BehindProxy })
        {
            var test = await ProcessRunner.RunAsync("nginx", ["-t", "-c", nginx.MainFile], nginx.Directory, TimeSpan.FromMinutes(1));
            Assert.True(test.ExitCode == 0, test.Output);
            Assert.Contains("test is successful", test.Output);
        }
    }

    [Fact]
    public async Task Tls_RedirectsPlainHttp_AndSendsHsts_WithTheCertificateFiles()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) };
        using var plain = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{edge.Tls.HttpPort}/widget?lang=fr");
        plain.Headers.Host = EdgeFixture.ServerName;
        var redirect = await http.SendAsync(plain);
        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
        Assert.Equal($"https://{EdgeFixture.ServerName}/widget?lang=fr", redirect.Headers.Location!.ToString());
        Assert.False(redirect.Headers.Contains("Strict-Transport-Security"));

        using var https = edge.HttpsClient();
        var page = await https.GetAsync("/widget");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("max-age=63072000; includeSubDomains", page.Headers.GetValues("Strict-Transport-Security").Single());
        var api = await https.GetAsync("/api/widget/settings");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal("max-age=63072000; includeSubDomains", api.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Fact]
    public async Task SignalR_OverWebSockets_ThroughTheTlsEdge()
    {
        var session = await edge.StartWidgetAsync("198.51.100.10");
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(edge.HttpsBase, "/hubs/chat"), options =>
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(session.VisitorToken);
                options.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.WebSocketConfiguration = socket => socket.RemoteCertificateValidationCallback = edge.ValidateCertificate;
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions = TestJson.Options)
            .Build();
        await using (connection)
        {
            await connection.StartAsync();
            var message = await connection.InvokeAsync<MessageDto>("SendMessage", session.Conversation.Id, "edge-1", "Hello through nginx", null);
            Assert.Equal("Hello through nginx", message.Body);
            var history = await connection.InvokeAsync<IReadOnlyList<MessageDto>>("GetMessagesAfter", session.Conversation.Id, 0L);
            Assert.Contains(history, m => m.Id == message.Id);
        }
    }

    [Fact]
    public async Task ForwardedFor_FromTheTrustedOuterProxy_ReachesThePerIpLimits_AcrossBothReplicas()
    {
        // The visitor's address as the outer proxy (127.0.0.1, in TRUSTED_PROXIES) says it: its starts are counted
        // together, on whichever replica they land, and another visitor is not affected.
        for (var i = 0; i < EdgeFixture.StartsPerMinute; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await edge.StartWidgetResponseAsync("203.0.113.7")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await edge.StartWidgetResponseAsync("203.0.113.7")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await edge.StartWidgetResponseAsync("203.0.113.8")).StatusCode);
    }

    [Fact]
    public async Task ForwardedFor_SentByAVisitorToTheTlsEdge_IsIgnored()
    {
        // Each request claims another address; the edge replaces it with the TCP peer's, so the limit still bites.
        using var https = edge.HttpsClient();
        var refused = false;
        for (var i = 0; i <= EdgeFixture.StartsPerMinute && !refused; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/widget/conversations")
            {
                Content = JsonContent.Create(new StartConversationRequest("Spoofer", null, "https://shop.example/"), options: TestJson.Options),
            };
            request.Headers.Add("X-Forwarded-For", $"192.0.2.{i + 1}");
            refused = (await https.SendAsync(request)).StatusCode == HttpStatusCode.TooManyRequests;
        }
        Assert.True(refused, "a visitor picked the address the per-IP limit counts");
    }

    [Fact]
    public async Task Upload_OfTheMaximumSize_PassesTheEdge()
    {
        var session = await edge.StartWidgetAsync("198.51.100.20");
        using var https = edge.HttpsClient();
        https.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.VisitorToken);
        var file = new byte[10 * 1024 * 1024];
        Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==").CopyTo(file, 0);
        var content = new ByteArrayContent(file) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } };
        var response = await https.PostAsync("/api/uploads", new MultipartFormDataContent { { content, "file", "big.png" } });
        await response.EnsureSuccessWithProblemAsync();
        var attachment = await response.ReadAsync<AttachmentDto>();
        Assert.Equal(file.Length, attachment.Size);
        Assert.Equal(file, await https.GetByteArrayAsync(attachment.Url));
    }

    private static async Task<bool> DelayAsync()
    {
        await Task.Delay(200);
        return true;
    }

    [Fact]
    public async Task Replicas_RestartedOnNewAddresses_AreServed_WithoutRestartingNginx()
    {
        // Both replicas go away and one comes back on an address nginx has never seen; the name is re-resolved.
        await edge.MoveReplicasAsync([IPAddress.Parse("127.0.0.4")]);
        try
        {
            using var https = edge.HttpsClient();
            var clock = Stopwatch.StartNew();
            HttpStatusCode status;
            do
            {
                status = (await https.GetAsync("/api/widget/settings")).StatusCode;
            }
            while (status != HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromMinutes(1) && await DelayAsync());
            Assert.Equal(HttpStatusCode.OK, status);
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await https.GetAsync("/api/widget/settings")).StatusCode);
            }
        }
        finally
        {
            await edge.MoveReplicasAsync(EdgeFixture.ReplicaAddresses);
            await edge.WaitUntilServedAsync();
        }
    }
}

/// <summary>Redis, two API replicas (127.0.0.2 and 127.0.0.3, one port), dnsmasq for the name <c>api</c>, and nginx in both modes.</summary>
public sealed class EdgeFixture : IAsyncLifetime
{
    public const string ServerName = "chat.example.test";
    public const int StartsPerMinute = 4;
    public static readonly IPAddress[] ReplicaAddresses = [IPAddress.Parse("127.0.0.2"), IPAddress.Parse("127.0.0.3")];

    private readonly string _work = Directory.CreateTempSubdirectory("chatapp-edge-").FullName;
    private readonly List<ChatApiFactory> _replicas = [];
    private readonly int _apiPort = LoopbackPorts.PickFree();
    private readonly int _dnsPort = LoopbackPorts.PickFree();
    private X509Certificate2 _authority = null!;
    private TestRedis _redis = null!;
    private string _connectionString = "";
    private Process _dns = null!;

    public NginxInstance Tls { get; private set; } = null!;
    public NginxInstance BehindProxy { get; private set; } = null!;
    public Uri HttpsBase => new($"https://127.0.0.1:{Tls.HttpsPort}");

    public async Task InitializeAsync()
    {
        await ProductionTools.EnsureInstalledAsync();
        await FrontendProject.EnsureBuiltAsync();
        var postgres = await TestPostgres.GetAsync();
        _connectionString = await postgres.EnsureDatabaseAsync("chatdb_edge_tests");
        await using (var db = new ChatApp.Api.Data.ChatDbContext(new Microsoft.EntityFrameworkCore.DbContextOptionsBuilder<ChatApp.Api.Data.ChatDbContext>()
            .UseNpgsql(_connectionString).UseChatConventions().Options))
        {
            await ChatApp.MigrationService.MigrationWorker.MigrateAsync(db, CancellationToken.None);
        }
        _redis = await TestRedis.StartAsync();
        await StartReplicasAsync(ReplicaAddresses);
        WriteHosts(ReplicaAddresses);
        _dns = ProcessRunner.Create("dnsmasq", ["--keep-in-foreground", "--no-resolv", "--no-hosts", $"--addn-hosts={Path.Combine(_work, "hosts")}",
            "--listen-address=127.0.0.1", "--bind-interfaces", $"--port={_dnsPort}", $"--pid-file={Path.Combine(_work, "dnsmasq.pid")}",
            "--user=root", "--local-ttl=0", "--log-facility=-"], _work);
        _dns.Start();
        _dns.BeginOutputReadLine();
        _dns.BeginErrorReadLine();

        var (certificate, key) = CreateCertificates();
        Tls = await NginxInstance.StartAsync(Path.Combine(_work, "tls"), new()
        {
            ["PROXY_MODE"] = "tls",
            ["TLS_CERTIFICATE"] = certificate,
            ["TLS_CERTIFICATE_KEY"] = key,
        }, this);
        BehindProxy = await NginxInstance.StartAsync(Path.Combine(_work, "behind-proxy"), new()
        {
            ["PROXY_MODE"] = "behind-proxy",
            ["TRUSTED_PROXIES"] = "127.0.0.1/32, 10.0.0.0/8",
        }, this);
        await WaitUntilServedAsync();
    }

    /// <summary>The variables the image's environment sets, pointed at this machine.</summary>
    internal Dictionary<string, string?> Environment(int httpPort, int httpsPort, string directory) => new()
    {
        ["API_UPSTREAM"] = $"api:{_apiPort}",
        ["RESOLVER"] = $"127.0.0.1:{_dnsPort}",
        ["SERVER_NAME"] = ServerName,
        ["HTML_ROOT"] = Path.Combine(FrontendProject.Root, "dist"),
        ["HTTP_PORT"] = httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["HTTPS_PORT"] = httpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["CHATAPP_NGINX_DIR"] = Path.Combine(directory, "chatapp"),
        ["CHATAPP_NGINX_OUTPUT"] = Path.Combine(directory, "conf.d", "default.conf"),
    };

    public HttpClient HttpsClient() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = ValidateCertificate },
    })
    { BaseAddress = HttpsBase, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>The edge's certificate must chain to the test's own authority.</summary>
    public bool ValidateCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        // The tests connect to 127.0.0.1, so the name is checked here: the certificate must be the site's.
        if (certificate is null || !new X509Certificate2(certificate).MatchesHostname(ServerName))
        {
            return false;
        }
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(_authority);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return custom.Build(new X509Certificate2(certificate));
    }

    public async Task<HttpResponseMessage> StartWidgetResponseAsync(string visitorAddress)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{BehindProxy.HttpPort}"), Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/widget/conversations")
        {
            Content = JsonContent.Create(new StartConversationRequest("Vera", null, "https://shop.example/"), options: TestJson.Options),
        };
        // What a load balancer in front sends: the chain, the visitor first.
        request.Headers.Add("X-Forwarded-For", $"{visitorAddress}, 10.1.2.3");
        request.Headers.Add("X-Forwarded-Proto", "https");
        return await client.SendAsync(request);
    }

    public async Task<WidgetSessionDto> StartWidgetAsync(string visitorAddress) =>
        await (await StartWidgetResponseAsync(visitorAddress)).ReadAsync<WidgetSessionDto>();

    /// <summary>Until the edge reaches the API: nginx keeps a resolved address for up to 5 s (valid=5s).</summary>
    public async Task WaitUntilServedAsync()
    {
        using var https = HttpsClient();
        var clock = Stopwatch.StartNew();
        while ((await https.GetAsync("/api/widget/settings")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), "nginx never reached the API");
            await Task.Delay(200);
        }
    }

    /// <summary>Stops every replica, starts them on <paramref name="addresses"/> and tells the DNS.</summary>
    public async Task MoveReplicasAsync(IPAddress[] addresses)
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }
        _replicas.Clear();
        await StartReplicasAsync(addresses);
        WriteHosts(addresses);
        _ = kill(_dns.Id, 1); // SIGHUP: dnsmasq reads the hosts file again.
    }

    private Task StartReplicasAsync(IPAddress[] addresses)
    {
        foreach (var address in addresses)
        {
            var replica = new ChatApiFactory(_connectionString, _apiPort, new Dictionary<string, string?>
            {
                ["ConnectionStrings:redis"] = _redis.ConnectionString,
                // nginx is the only client, from loopback: it is the trusted proxy, by network.
                ["ForwardedHeaders:KnownNetworks"] = "127.0.0.0/8",
                ["RateLimits:WidgetStartsPerIpPerMinute"] = StartsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }, address);
            replica.StartServer();
            _replicas.Add(replica);
        }
        return Task.CompletedTask;
    }

    private void WriteHosts(IEnumerable<IPAddress> addresses) =>
        File.WriteAllLines(Path.Combine(_work, "hosts"), addresses.Select(a => $"{a} api"));

    private (string Certificate, string Key) CreateCertificates()
    {
        using var authorityKey = RSA.Create(2048);
        var authorityRequest = new CertificateRequest("CN=ChatApp test authority", authorityKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        _authority = authorityRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={ServerName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(ServerName);
        request.CertificateExtensions.Add(names.Build());
        using var leaf = request.Create(_authority, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(8));
        var certificatePath = Path.Combine(_work, "tls-certificate");
        var keyPath = Path.Combine(_work, "tls-certificate-key");
        File.WriteAllText(certificatePath, leaf.ExportCertificatePem() + "\n" + _authority.ExportCertificatePem() + "\n");
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        return (certificatePath, keyPath);
    }

    public async Task DisposeAsync()
    {
        Tls?.Stop();
        BehindProxy?.Stop();
        if (_dns is { HasExited: false })
        {
            _dns.Kill();
        }
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
        Directory.Delete(_work, recursive: true);
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern int kill(int pid, int sig);
}

/// <summary>Debian's nginx on the edge's configuration, as the image would write it.</summary>
public sealed class NginxInstance
{
    public string Directory { get; private init; } = "";
    public string MainFile => Path.Combine(Directory, "nginx.conf");
    public int HttpPort { get; private init; }
    public int HttpsPort { get; private init; }

    internal static async Task<NginxInstance> StartAsync(string directory, Dictionary<string, string?> mode, EdgeFixture edge)
    {
        var nginx = new NginxInstance { Directory = directory, HttpPort = LoopbackPorts.PickFree(), HttpsPort = LoopbackPorts.PickFree() };
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "conf.d"));
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "chatapp"));
        foreach (var file in System.IO.Directory.GetFiles(Path.Combine(FrontendProject.Root, "nginx")))
        {
            File.Copy(file, Path.Combine(directory, "chatapp", Path.GetFileName(file)));
        }
        var environment = edge.Environment(nginx.HttpPort, nginx.HttpsPort, directory);
        foreach (var (key, value) in mode)
        {
            environment[key] = value;
        }
        var render = await ProcessRunner.RunAsync("sh", [Path.Combine(directory, "chatapp", "30-chatapp-proxy.sh")], directory, TimeSpan.FromMinutes(1), environment);
        Assert.True(render.ExitCode == 0, render.Output);
        var temp = Path.Combine(directory, "temp");
        System.IO.Directory.CreateDirectory(temp);
        // The image's /etc/nginx/nginx.conf, in short: what it sets around conf.d.
        File.WriteAllText(nginx.MainFile, $$"""
            {{(System.Environment.UserName == "root" ? "user root;" : "")}}
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 1024; }
            http {
                include /etc/nginx/mime.types;
                default_type application/octet-stream;
                access_log off;
                sendfile on;
                keepalive_timeout 65;
                client_body_temp_path {{temp}}/body;
                proxy_temp_path {{temp}}/proxy;
                fastcgi_temp_path {{temp}}/fastcgi;
                uwsgi_temp_path {{temp}}/uwsgi;
                scgi_temp_path {{temp}}/scgi;
                include conf.d/*.conf;
            }
            """);
        // As the image runs it, but as a daemon: the test stops it by its pid file (nginx -s stop).
        var start = await ProcessRunner.RunAsync("nginx", ["-c", nginx.MainFile], directory, TimeSpan.FromMinutes(1));
        Assert.True(start.ExitCode == 0, $"nginx did not start: {start.Output}");
        var clock = Stopwatch.StartNew();
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        while (true)
        {
            try
            {
                if ((await probe.GetAsync($"http://127.0.0.1:{nginx.HttpPort}/nginx-health")).IsSuccessStatusCode)
                {
                    return nginx;
                }
            }
            catch (HttpRequestException) when (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100);
            }
        }
    }

    public void Stop()
    {
        if (File.Exists(Path.Combine(Directory, "nginx.pid")))
        {
            ProcessRunner.RunAsync("nginx", ["-c", MainFile, "-s", "stop"], Directory, TimeSpan.FromMinutes(1)).GetAwaiter().GetResult();
        }
    }
}
