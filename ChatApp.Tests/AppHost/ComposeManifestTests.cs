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
/// The publish step (run as a developer runs it) writes compose and stack files that would pass an ops review, checked on
/// what the real parsers (docker-compose config, docker stack config) read from them: secrets as files, the API behind the
/// edge, images by version, limits, log rotation, health checks, no fixed network.
/// </summary>
public sealed class ComposeManifestTests(PublishedCompose published) : IClassFixture<PublishedCompose>
{
    private string OutputPath => published.Output;
    private YamlMappingNode Root => published.Root;
    private string Compose => published.Compose;
    private string Env => published.Env;

    private YamlMappingNode Services => (YamlMappingNode)Root["services"];

    [Fact]
    public void Services_AreTheAppModelPlusBackupsAndTheDashboard_AndWaitForEachOther()
    {
        Assert.Equal([AppResources.Postgres, "backup", "backup-before-migrations", AppResources.Redis, AppResources.Migrations, AppResources.Api, AppResources.Frontend, "dashboard"],
            Services.Children.Keys.Select(k => k.ToString()));
        Assert.Equal("service_healthy", Condition(AppResources.Api, AppResources.Redis));
        Assert.Equal("service_healthy", Condition(AppResources.Migrations, AppResources.Postgres));
        Assert.Equal("service_completed_successfully", Condition(AppResources.Migrations, "backup-before-migrations"));
        Assert.Equal("service_completed_successfully", Condition(AppResources.Api, AppResources.Migrations));
        Assert.Equal("service_healthy", Condition(AppResources.Frontend, AppResources.Api));
        Assert.Contains("pg_isready", Test(AppResources.Postgres));
        Assert.Contains("GET /health", Test(AppResources.Api));
    }

    [Fact]
    public void DockerCompose_AcceptsTheFile_AndEveryServiceHasLimitsLogRotationAndAHealthCheckWhereItCanRunOne()
    {
        var config = published.ComposeConfig;
        foreach (var (name, node) in ((YamlMappingNode)config["services"]).Children)
        {
            var service = (YamlMappingNode)node;
            var limits = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)service["deploy"])["resources"])["limits"];
            Assert.Matches(@"^\d+(\.\d+)?$", limits["cpus"].ToString());
            Assert.Matches(@"^\d+[kmg]?$", limits["memory"].ToString());
            var logging = (YamlMappingNode)service["logging"];
            Assert.Equal("json-file", logging["driver"].ToString());
            Assert.Equal("10m", ((YamlMappingNode)logging["options"])["max-size"].ToString());
            var oneShot = name.ToString() is AppResources.Migrations or "backup-before-migrations";
            // The dashboard image has no shell, curl or wget; one-shot services have nothing to watch.
            Assert.Equal(!oneShot && name.ToString() != "dashboard", service.Children.ContainsKey(new YamlScalarNode("healthcheck")));
        }
        Assert.Equal("65536", ((YamlMappingNode)((YamlMappingNode)Service(AppResources.Api)["ulimits"])["nofile"])["soft"].ToString());
    }

    [Fact]
    public void Secrets_AreFiles_NoneInTheEnvironmentOrOnACommandLine()
    {
        var config = published.ComposeConfig;
        var secrets = ((YamlMappingNode)config["secrets"]).Children.Keys.Select(k => k.ToString()).ToList();
        Assert.Equal(["admin-password", "chatapp-db-password", "dashboard-otlp-api-key", "jwt-signing-key", "otel-exporter-otlp-headers",
            "postgres-password", "redis-password", "tls-certificate", "tls-certificate-key"], secrets);
        var values = Directory.GetFiles(Path.Combine(OutputPath, "secrets")).Select(File.ReadAllText).Select(v => v.Trim()).ToList();
        Assert.Equal(secrets.Count, values.Count);
        var rendered = published.ComposeConfigText;
        foreach (var value in values.SelectMany(v => v.Split('\n')).Select(l => l.Split(' ').Last()).Where(v => v.Length >= 32))
        {
            Assert.DoesNotContain(value, rendered);
        }
        Assert.DoesNotMatch(@"(?i)password=", rendered);
        // What each service reads, and under which setting's name.
        Assert.Equal(["Database__Password", "Redis__Password", "Jwt__SigningKeys", "OTEL_EXPORTER_OTLP_HEADERS"], SecretTargets(config, AppResources.Api));
        Assert.Equal(["Admin__Password", "Database__Password", "OTEL_EXPORTER_OTLP_HEADERS"], SecretTargets(config, AppResources.Migrations));
        Assert.Equal(["Dashboard__Otlp__PrimaryApiKey"], SecretTargets(config, "dashboard"));
        Assert.Equal("Host=postgres;Port=5432;Username=chatapp;Database=chatdb", Environment(AppResources.Api)["ConnectionStrings__chatdb"]);
        Assert.Equal("redis:6379", Environment(AppResources.Api)["ConnectionStrings__redis"]);
    }

    [Fact]
    public void OnlyTheEdgeIsPublished_TheDashboardOnLoopback_NoFixedNetworkOrProjectName()
    {
        Assert.False(Service(AppResources.Api).Children.ContainsKey(new YamlScalarNode("ports")), "the API must be reached through nginx only");
        Assert.False(Service(AppResources.Postgres).Children.ContainsKey(new YamlScalarNode("ports")));
        Assert.False(Service(AppResources.Redis).Children.ContainsKey(new YamlScalarNode("ports")));
        Assert.Equal(["${HTTP_PORT:-80}:80", "${HTTPS_PORT:-443}:443"], Sequence(Service(AppResources.Frontend), "ports"));
        Assert.All(Sequence(Service("dashboard"), "ports"), port => Assert.StartsWith("127.0.0.1:", port));
        Assert.Equal("BrowserToken", Environment("dashboard")["DASHBOARD__FRONTEND__AUTHMODE"]);
        Assert.False(Root.Children.ContainsKey(new YamlScalarNode("name")));
        Assert.DoesNotContain("ipv4_address", Compose);
        Assert.DoesNotContain("subnet", Compose);
        // The API trusts the networks of the stack (a parameter), not one address.
        Assert.Equal("${API_TRUSTED_NETWORKS:-10.0.0.0/8,172.16.0.0/12,192.168.0.0/16}", Environment(AppResources.Api)["ForwardedHeaders__KnownNetworks"]);
        Assert.DoesNotContain("ForwardedHeaders__KnownProxies__0", Environment(AppResources.Api).Keys);
    }

    [Fact]
    public async Task AppImages_ComeFromTheRegistryByVersion_TheVersionIsTheGitCommit()
    {
        foreach (var service in new[] { AppResources.Migrations, AppResources.Api, AppResources.Frontend })
        {
            Assert.Equal($"${{CHATAPP_REGISTRY:?set CHATAPP_REGISTRY in .env}}/chatapp-{service}:${{CHATAPP_VERSION:?set CHATAPP_VERSION in .env}}", Scalar(Service(service), "image"));
        }
        var version = Regex.Match(Env, "^CHATAPP_VERSION=(.*)$", RegexOptions.Multiline).Groups[1].Value;
        var head = await ProcessRunner.RunAsync("git", ["rev-parse", "--short=12", "HEAD"], RepoPaths.Root, TimeSpan.FromSeconds(30));
        Assert.Equal(head.Output.Trim(), version);
        var api = (YamlMappingNode)((YamlMappingNode)published.ComposeConfig["services"])[AppResources.Api];
        Assert.Equal($"localhost:5000/chatapp-api:{version}", api["image"].ToString());
    }

    [Fact]
    public void DockerStack_AcceptsTheStackFile_WithoutBuildsOrDependsOn_TheEdgeOnHostPorts()
    {
        var stack = published.StackConfig;
        var services = (YamlMappingNode)stack["services"];
        Assert.DoesNotContain("backup-before-migrations", services.Children.Keys.Select(k => k.ToString()));
        foreach (var (_, node) in services.Children)
        {
            var service = (YamlMappingNode)node;
            Assert.False(service.Children.ContainsKey(new YamlScalarNode("build")));
            Assert.False(service.Children.ContainsKey(new YamlScalarNode("depends_on")));
            Assert.True(((YamlMappingNode)service["deploy"]).Children.ContainsKey(new YamlScalarNode("restart_policy")));
        }
        var ports = ((YamlSequenceNode)((YamlMappingNode)services[AppResources.Frontend])["ports"]).Children.Cast<YamlMappingNode>().ToList();
        Assert.All(ports, p => Assert.Equal("host", p["mode"].ToString()));
        Assert.Equal("start-first", ((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)services[AppResources.Api])["deploy"])["update_config"])["order"].ToString());
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
    public void Images_ArePinnedToFullVersions_InTheComposeFileAndTheDockerfiles()
    {
        var images = Services.Children.Values.Cast<YamlMappingNode>()
            .Where(s => !s.Children.ContainsKey(new YamlScalarNode("build")))
            .Select(s => Scalar(s, "image")).ToList();
        var bases = Directory.EnumerateFiles(RepoPaths.Root, "Dockerfile", SearchOption.AllDirectories)
            .Where(f => !f.Contains("node_modules", StringComparison.Ordinal))
            .SelectMany(File.ReadLines)
            .Select(l => Regex.Match(l, @"^FROM\s+(\S+)")).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(6, bases.Count); // Three Dockerfiles, a build stage and a final one each.
        Assert.All(images.Concat(bases), image => Assert.Matches(@":\d+\.\d+\.\d+[\w.-]*$|:\d+\.\d+$", image));
        Assert.All(bases.Where(b => b.StartsWith("nginx", StringComparison.Ordinal) || b.StartsWith("node", StringComparison.Ordinal)),
            image => Assert.Matches(@":\d+\.\d+\.\d+", image));
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

    private static List<string> SecretTargets(YamlMappingNode config, string service) =>
        ((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)config["services"])[service])["secrets"]).Children
            .Select(s => s is YamlMappingNode m ? m["target"].ToString() : s.ToString()).ToList();

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

    /// <summary>The file as <c>docker-compose config</c> reads it (interpolated with .env, secrets resolved).</summary>
    public YamlMappingNode ComposeConfig { get; private set; } = null!;

    public string ComposeConfigText { get; private set; } = "";

    /// <summary>The stack file as <c>docker stack config</c> reads it.</summary>
    public YamlMappingNode StackConfig { get; private set; } = null!;

    private static YamlMappingNode LoadYaml(string text)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(text));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

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
        await ProductionTools.EnsureInstalledAsync();
        var secrets = await ProcessRunner.RunAsync(Path.Combine(Output, "secrets.sh"), [], Output, TimeSpan.FromMinutes(1));
        Assert.True(secrets.ExitCode == 0, secrets.Output);
        // The real parsers: Debian's docker-compose (v1) and the docker client's stack command, which need no engine.
        var compose = await ProcessRunner.RunAsync("bash", ["-c", "docker-compose config > compose.config.out"], Output, TimeSpan.FromMinutes(2));
        Assert.True(compose.ExitCode == 0, "docker-compose config refused the file:\n" + compose.Output);
        ComposeConfigText = await File.ReadAllTextAsync(Path.Combine(Output, "compose.config.out"));
        ComposeConfig = LoadYaml(ComposeConfigText);
        var stack = await ProcessRunner.RunAsync("bash", ["-c", "set -a; . ./.env; set +a; docker stack config -c docker-stack.yaml > stack.config.out"], Output, TimeSpan.FromMinutes(2));
        Assert.True(stack.ExitCode == 0, "docker stack config refused the file:\n" + stack.Output);
        StackConfig = LoadYaml(await File.ReadAllTextAsync(Path.Combine(Output, "stack.config.out")));
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
