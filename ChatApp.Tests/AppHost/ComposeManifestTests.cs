using ChatApp.AppHost.Hosting;
using ChatApp.AppHost.Hosting.Testing;
using YamlDotNet.RepresentationModel;
using AppResources = ChatApp.AppHost.Resources;

namespace ChatApp.Tests.AppHost;

/// <summary>`publish --output-path` writes a compose manifest that would run in production, with no secret in it.</summary>
public sealed class ComposeManifestTests : IAsyncLifetime
{
    private readonly string _output = Directory.CreateTempSubdirectory("chatapp-publish-").FullName;
    private DistributedApplication _app = null!;
    private YamlMappingNode _services = null!;
    private YamlMappingNode _root = null!;
    private string _compose = "";
    private string _env = "";

    public async Task InitializeAsync()
    {
        _app = AppHostTesting.Create(configure: options => options.PublishOutputPath = _output);
        Assert.Equal(0, await _app.RunAsync());
        _compose = await File.ReadAllTextAsync(Path.Combine(_output, "docker-compose.yaml"));
        _env = await File.ReadAllTextAsync(Path.Combine(_output, ".env"));
        var yaml = new YamlStream();
        yaml.Load(new StringReader(_compose));
        _root = (YamlMappingNode)yaml.Documents[0].RootNode;
        _services = (YamlMappingNode)_root["services"];
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_output, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public void Services_AreTheAppModelPlusTheDashboard()
    {
        var names = _services.Children.Keys.Select(k => k.ToString()).ToList();
        Assert.Equal([AppResources.Postgres, AppResources.Migrations, AppResources.Api, AppResources.Frontend, "dashboard"], names);
        Assert.StartsWith("postgres:", Scalar(Service(AppResources.Postgres), "image"));
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspire-dashboard:", Scalar(Service("dashboard"), "image"));
    }

    [Fact]
    public void DependsOn_MigrationsCompleteBeforeTheApi_AndEverythingWaitsForHealth()
    {
        Assert.Equal("service_healthy", Condition(AppResources.Migrations, AppResources.Postgres));
        Assert.Equal("service_completed_successfully", Condition(AppResources.Api, AppResources.Migrations));
        Assert.Equal("service_healthy", Condition(AppResources.Api, AppResources.Postgres));
        Assert.Equal("service_healthy", Condition(AppResources.Frontend, AppResources.Api));
    }

    [Fact]
    public void HealthChecks_OnPostgresTheApiAndTheFrontEnd()
    {
        Assert.Contains("pg_isready", Test(AppResources.Postgres));
        Assert.Contains("GET /health", Test(AppResources.Api));
        Assert.Contains("http://127.0.0.1:80/", Test(AppResources.Frontend));
    }

    [Fact]
    public void Volumes_KeepTheDatabaseAndUploads()
    {
        var volumes = (YamlMappingNode)_root["volumes"];
        Assert.Contains(new YamlScalarNode("postgres-data"), volumes.Children.Keys);
        Assert.Contains(new YamlScalarNode("uploads"), volumes.Children.Keys);
        Assert.Contains("postgres-data:/var/lib/postgresql/data", Sequence(Service(AppResources.Postgres), "volumes"));
        Assert.Contains("uploads:/app/uploads", Sequence(Service(AppResources.Api), "volumes"));
    }

    [Fact]
    public void Telemetry_GoesToTheDashboardWithAnApiKey()
    {
        var env = (YamlMappingNode)Service(AppResources.Api)["environment"];
        Assert.Equal("http://dashboard:18889", env["OTEL_EXPORTER_OTLP_ENDPOINT"].ToString());
        Assert.Equal("x-otlp-api-key=${OTLP_API_KEY}", env["OTEL_EXPORTER_OTLP_HEADERS"].ToString());
        var dashboard = (YamlMappingNode)Service("dashboard")["environment"];
        Assert.Equal("ApiKey", dashboard["DASHBOARD__OTLP__AUTHMODE"].ToString());
        Assert.StartsWith("${OTLP_API_KEY", dashboard["DASHBOARD__OTLP__PRIMARYAPIKEY"].ToString());
    }

    [Fact]
    public void Secrets_ArePlaceholdersNeverValues()
    {
        foreach (var parameter in _app.Parameters.Where(p => p.Secret))
        {
            Assert.DoesNotContain(parameter.Value, _compose);
            Assert.DoesNotContain(parameter.Value, _env);
            Assert.Contains($"{parameter.EnvVariableName}=\n", _env.ReplaceLineEndings("\n"));
        }
        foreach (var variable in new[] { "POSTGRES_PASSWORD", "ADMIN_PASSWORD", "JWT_SIGNING_KEY", "OTLP_API_KEY" })
        {
            Assert.Contains($"{variable}=\n", _env.ReplaceLineEndings("\n"));
            Assert.Contains($"${{{variable}", _compose);
        }
        // Every password in a connection string is an interpolation.
        Assert.DoesNotMatch(@"Password=(?!\$\{)", _compose);
    }

    [Fact]
    public void Builds_PointAtContextsAndDockerfilesThatExist()
    {
        var builds = 0;
        foreach (var (name, node) in _services.Children)
        {
            if (((YamlMappingNode)node).Children.TryGetValue(new YamlScalarNode("build"), out var build))
            {
                builds++;
                var context = Path.GetFullPath(Path.Combine(_output, Scalar((YamlMappingNode)build, "context")));
                Assert.True(Directory.Exists(context), $"{name}: build context {context} does not exist");
                var dockerfile = Path.Combine(context, Scalar((YamlMappingNode)build, "dockerfile"));
                Assert.True(File.Exists(dockerfile), $"{name}: {dockerfile} does not exist");
            }
        }
        Assert.Equal(3, builds);
    }

    private YamlMappingNode Service(string name) => (YamlMappingNode)_services[name];

    private string Condition(string service, string dependency) =>
        ((YamlMappingNode)((YamlMappingNode)Service(service)["depends_on"])[dependency])["condition"].ToString();

    private string Test(string service) =>
        string.Join(" ", ((YamlSequenceNode)((YamlMappingNode)Service(service)["healthcheck"])["test"]).Children.Select(c => c.ToString()));

    private static string Scalar(YamlMappingNode node, string key) => node[key].ToString();

    private static List<string> Sequence(YamlMappingNode node, string key) =>
        ((YamlSequenceNode)node[key]).Children.Select(c => c.ToString()).ToList();
}
