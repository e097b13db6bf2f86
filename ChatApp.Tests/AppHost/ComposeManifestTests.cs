using System.Diagnostics;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using ChatApp.Tests.Infrastructure;
using Npgsql;
using YamlDotNet.RepresentationModel;
using AppResources = ChatApp.AppHost.Resources;

namespace ChatApp.Tests.AppHost;

/// <summary>
/// The publish step (run as a developer runs it) writes a compose file that would pass an ops review: no secret, the
/// API behind nginx, the app's own database role, the dashboard on loopback with sign-in, pinned images.
/// </summary>
public sealed class ComposeManifestTests(PublishedCompose published) : IClassFixture<PublishedCompose>
{
    private string OutputPath => published.Output;
    private YamlMappingNode Root => published.Root;
    private string Compose => published.Compose;
    private string Env => published.Env;

    private YamlMappingNode Services => (YamlMappingNode)Root["services"];

    [Fact]
    public void Services_AreTheAppModelPlusTheDashboard_AndWaitForEachOther()
    {
        Assert.Equal([AppResources.Postgres, AppResources.Redis, AppResources.Migrations, AppResources.Api, AppResources.Frontend, "dashboard"],
            Services.Children.Keys.Select(k => k.ToString()));
        Assert.Equal("service_healthy", Condition(AppResources.Api, AppResources.Redis));
        Assert.Equal("service_healthy", Condition(AppResources.Migrations, AppResources.Postgres));
        Assert.Equal("service_completed_successfully", Condition(AppResources.Api, AppResources.Migrations));
        Assert.Equal("service_healthy", Condition(AppResources.Frontend, AppResources.Api));
        Assert.Contains("pg_isready", Test(AppResources.Postgres));
        Assert.Contains("GET /health", Test(AppResources.Api));
    }

    [Fact]
    public void Secrets_ArePlaceholdersInDotEnv_NeverValues()
    {
        var secrets = EnvEntries().Where(e => e.Secret).ToList();
        Assert.Equal(["ADMIN_PASSWORD", "CHATAPP_DB_PASSWORD", "DASHBOARD_OTLP_API_KEY", "JWT_SIGNING_KEY", "POSTGRES_PASSWORD", "REDIS_PASSWORD"],
            secrets.Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.All(secrets, s => Assert.Equal("", s.Value));
        Assert.All(secrets, s => Assert.Contains($"${{{s.Name}", Compose));
        // Every password in the file is an interpolation.
        Assert.DoesNotMatch(@"Password=(?!\$\{)", Compose);
    }

    [Fact]
    public void Services_ConnectAsTheirOwnRole_NotTheSuperuser()
    {
        foreach (var service in new[] { AppResources.Migrations, AppResources.Api })
        {
            var environment = Environment(service);
            Assert.Contains("Username=chatapp;", environment["ConnectionStrings__chatdb"]);
            Assert.DoesNotContain(environment, e => e.Value.Contains("POSTGRES_PASSWORD", StringComparison.Ordinal));
        }
        var init = File.ReadAllText(Path.Combine(OutputPath, "postgres-init", "10-app-role.sh"));
        Assert.Contains("CREATE ROLE chatapp LOGIN PASSWORD :'password'", init);
        Assert.Contains("ALTER DATABASE \"chatdb\" OWNER TO chatapp", init);
        Assert.Contains("./postgres-init:/docker-entrypoint-initdb.d:ro", Sequence(Service(AppResources.Postgres), "volumes"));
    }

    [Fact]
    public void Api_RunsTwoReplicas_OnTheRedisBackplane_WithDescriptorsForEveryConnection()
    {
        Assert.Equal("2", ((YamlMappingNode)Service(AppResources.Api)["deploy"])["replicas"].ToString());
        Assert.Equal("65536", ((YamlMappingNode)((YamlMappingNode)Service(AppResources.Api)["ulimits"])["nofile"])["soft"].ToString());
        Assert.Equal("redis:6379,password=${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}", Environment(AppResources.Api)["ConnectionStrings__redis"]);
        Assert.DoesNotContain(Environment(AppResources.Api).Keys, k => k.StartsWith("REDIS_", StringComparison.Ordinal));
        Assert.StartsWith("docker.io/library/redis:7.0.", Scalar(Service(AppResources.Redis), "image"));
        Assert.Contains("$$REDIS_PASSWORD", string.Join(" ", Sequence(Service(AppResources.Redis), "command")));
        Assert.False(Service(AppResources.Redis).Children.ContainsKey(new YamlScalarNode("ports")));
    }

    [Fact]
    public void OnlyTheFrontEndIsPublished_TheDashboardOnLoopbackWithSignIn()
    {
        Assert.False(Service(AppResources.Api).Children.ContainsKey(new YamlScalarNode("ports")), "the API must be reached through nginx only");
        Assert.False(Service(AppResources.Postgres).Children.ContainsKey(new YamlScalarNode("ports")));
        Assert.False(Service(AppResources.Redis).Children.ContainsKey(new YamlScalarNode("ports")));
        Assert.Equal(["${FRONTEND_PORT:-80}:80"], Sequence(Service(AppResources.Frontend), "ports"));
        Assert.All(Sequence(Service("dashboard"), "ports"), port => Assert.StartsWith("127.0.0.1:", port));
        var dashboard = Environment("dashboard");
        Assert.Equal("BrowserToken", dashboard["DASHBOARD__FRONTEND__AUTHMODE"]);
        Assert.Equal("ApiKey", dashboard["DASHBOARD__OTLP__AUTHMODE"]);
        Assert.Equal("x-otlp-api-key=${DASHBOARD_OTLP_API_KEY}", Environment(AppResources.Api)["OTEL_EXPORTER_OTLP_HEADERS"]);
    }

    [Fact]
    public void ForwardedHeaders_AreTrustedFromTheFrontEndsNginxOnly()
    {
        var api = Environment(AppResources.Api);
        var nginx = ((YamlMappingNode)((YamlMappingNode)Service(AppResources.Frontend)["networks"])["default"])["ipv4_address"].ToString();
        Assert.Equal(nginx, api["ForwardedHeaders__KnownProxies__0"]);
        Assert.DoesNotContain("ASPNETCORE_FORWARDEDHEADERS_ENABLED", api.Keys);
        var nginxConf = File.ReadAllText(Path.Combine(RepoPaths.Root, "frontend", "nginx.conf"));
        Assert.Contains("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;", nginxConf);
    }

    [Fact]
    public async Task Postgres_IsTheSameMajorVersionInDevelopmentTestsAndProduction()
    {
        var tag = Regex.Match(Scalar(Service(AppResources.Postgres), "image"), @":(\d+)\.\d+$");
        Assert.True(tag.Success, Scalar(Service(AppResources.Postgres), "image"));
        Assert.Equal(LocalPostgresExtensions.MajorVersion, int.Parse(tag.Groups[1].Value));
        Assert.Equal(LocalPostgresExtensions.MajorVersion, TestPostgres.MajorVersion);

        var postgres = await TestPostgres.GetAsync();
        await using var connection = new NpgsqlConnection(postgres.ConnectionString());
        await connection.OpenAsync();
        Assert.Equal(LocalPostgresExtensions.MajorVersion, connection.PostgreSqlVersion.Major);
    }

    [Fact]
    public void Images_ArePinned_InTheComposeFileAndTheDockerfiles()
    {
        var images = Services.Children.Values.Cast<YamlMappingNode>()
            .Where(s => !s.Children.ContainsKey(new YamlScalarNode("build")))
            .Select(s => Scalar(s, "image")).ToList();
        var bases = Directory.EnumerateFiles(RepoPaths.Root, "Dockerfile", SearchOption.AllDirectories)
            .Where(f => !f.Contains("node_modules", StringComparison.Ordinal))
            .SelectMany(File.ReadLines)
            .Select(l => Regex.Match(l, @"^FROM\s+(\S+)")).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(6, bases.Count); // Three Dockerfiles, a build stage and a final one each.
        Assert.All(images.Concat(bases), image => Assert.Matches(@":\d+\.\d+[\w.-]*$", image));
    }

    [Fact]
    public void Builds_UseTheRepositoryRoot_WhoseDockerignoreKeepsSecretsAndBuildOutputOut()
    {
        var builds = Services.Children.Values.Cast<YamlMappingNode>()
            .Where(s => s.Children.ContainsKey(new YamlScalarNode("build"))).Select(s => (YamlMappingNode)s["build"]).ToList();
        Assert.Equal(3, builds.Count);
        foreach (var build in builds)
        {
            Assert.Equal(RepoPaths.Root, Path.GetFullPath(Path.Combine(OutputPath, Scalar(build, "context"))).TrimEnd('/'));
            var dockerfile = Path.Combine(RepoPaths.Root, Scalar(build, "dockerfile"));
            Assert.True(File.Exists(dockerfile), dockerfile);
            Assert.False(File.Exists(dockerfile + ".dockerignore"), $"{dockerfile}.dockerignore would replace the root .dockerignore");
        }
        var ignored = File.ReadAllLines(Path.Combine(RepoPaths.Root, ".dockerignore"));
        Assert.All([".data/", "**/bin/", "**/obj/", "**/node_modules/", "**/.local/", ".git/"], entry => Assert.Contains(entry, ignored));
    }

    private YamlMappingNode Service(string name) => (YamlMappingNode)Services[name];

    private Dictionary<string, string> Environment(string service) =>
        ((YamlMappingNode)Service(service)["environment"]).Children.ToDictionary(e => e.Key.ToString(), e => e.Value.ToString());

    private string Condition(string service, string dependency) =>
        ((YamlMappingNode)((YamlMappingNode)Service(service)["depends_on"])[dependency])["condition"].ToString();

    private string Test(string service) =>
        string.Join(" ", ((YamlSequenceNode)((YamlMappingNode)Service(service)["healthcheck"])["test"]).Children.Select(c => c.ToString()));

    private List<(string Name, string Value, bool Secret)> EnvEntries()
    {
        var entries = new List<(string, string, bool)>();
        string? comment = null;
        foreach (var line in Env.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.StartsWith('#'))
            {
                comment = line;
            }
            else if (line.Split('=', 2) is [var name, var value])
            {
                entries.Add((name, value, comment?.Contains("(secret", StringComparison.Ordinal) == true));
            }
        }
        return entries;
    }

    private static string Scalar(YamlMappingNode node, string key) => node[key].ToString();

    private static List<string> Sequence(YamlMappingNode node, string key) =>
        ((YamlSequenceNode)node[key]).Children.Select(c => c.ToString()).ToList();
}

/// <summary>The output of one publish: <c>dotnet ChatApp.AppHost.dll --operation publish --step publish --output-path …</c>.</summary>
public sealed class PublishedCompose : IAsyncLifetime
{
    public string Output { get; } = Directory.CreateTempSubdirectory("chatapp-publish-").FullName;

    public YamlMappingNode Root { get; private set; } = null!;

    public string Compose { get; private set; } = "";

    public string Env { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { RepoPaths.ProjectOutput("ChatApp.AppHost", "ChatApp.AppHost.dll"), "--operation", "publish", "--step", "publish", "--output-path", Output },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.Combine(RepoPaths.Root, "ChatApp.AppHost"),
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"publish exited with {process.ExitCode}:\n{await output}\n{await errors}");

        Compose = await File.ReadAllTextAsync(Path.Combine(Output, "docker-compose.yaml"));
        Env = await File.ReadAllTextAsync(Path.Combine(Output, ".env"));
        var yaml = new YamlStream();
        yaml.Load(new StringReader(Compose));
        Root = (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Output, recursive: true);
        return Task.CompletedTask;
    }
}
