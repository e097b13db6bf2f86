using System.CommandLine;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using ChatApp.AppHost.Hosting.Resources;
using ChatApp.AppHost.Hosting.Testing;
using Microsoft.Extensions.Configuration;

namespace ChatApp.AppHost.Hosting;

/// <summary>A resource under construction in the app model; the <c>With…</c>/<c>WaitFor…</c> extensions configure it.</summary>
public interface IResourceBuilder<out T> where T : Resource
{
    /// <summary>The resource.</summary>
    T Resource { get; }

    /// <summary>The builder it belongs to.</summary>
    AppHostBuilder ApplicationBuilder { get; }
}

internal sealed class ResourceBuilder<T>(T resource, AppHostBuilder builder) : IResourceBuilder<T> where T : Resource
{
    public T Resource { get; } = resource;

    public AppHostBuilder ApplicationBuilder { get; } = builder;
}

/// <summary>
/// Lets a component take part in the app's life: the dashboard (OTLP receiver and UI) plugs in here, starting before
/// the resources so that it can set <see cref="AppHostOptions.OtlpEndpoint"/>, and reading
/// <see cref="DistributedApplication.Notifications"/>, <see cref="DistributedApplication.Logs"/> and <see cref="DistributedApplication.Commands"/>.
/// </summary>
public interface IAppHostLifecycleHook
{
    /// <summary>Before any resource starts.</summary>
    Task BeforeStartAsync(DistributedApplication app, CancellationToken cancellationToken);

    /// <summary>After every resource stopped.</summary>
    Task AfterStopAsync(DistributedApplication app, CancellationToken cancellationToken);
}

/// <summary>
/// Builds the app model: the ChatApp counterpart of Aspire's <c>DistributedApplicationBuilder</c>, with the same
/// vocabulary (<c>AddPostgres</c>, <c>AddDatabase</c>, <c>AddProject</c>, <c>AddViteApp</c>, <c>WithReference</c>,
/// <c>WaitFor</c>, <c>WaitForCompletion</c>, …).
/// </summary>
public sealed class AppHostBuilder
{
    private readonly List<Resource> _resources = [];
    private readonly List<ParameterResource> _parameters = [];
    private readonly List<IAppHostLifecycleHook> _hooks = [];

    private AppHostBuilder(IConfiguration configuration, AppHostOptions options)
    {
        Configuration = configuration;
        Options = options;
    }

    /// <summary>Configuration: <c>appsettings.json</c> beside the AppHost project, environment variables, command line.</summary>
    public IConfiguration Configuration { get; }

    /// <summary>Settings of this run.</summary>
    public AppHostOptions Options { get; }

    /// <summary>The resources declared so far, in order.</summary>
    public IReadOnlyList<Resource> Resources => _resources;

    /// <summary>The parameters declared so far.</summary>
    public IReadOnlyList<ParameterResource> Parameters => _parameters;

    /// <summary>
    /// Creates the builder. <c>publish --output-path &lt;dir&gt;</c> makes <see cref="DistributedApplication.Run"/> write the compose
    /// manifest instead of running; any <c>--Key=value</c> argument is configuration.
    /// </summary>
    public static AppHostBuilder Create(string[] args)
    {
        var testing = AppHostTesting.Current;
        var appHostDirectory = FindAppHostDirectory();

        string? publishPath = null;
        var configArgs = args;
        if (args.Length > 0 && args[0] == "publish")
        {
            var outputPath = new Option<string>("--output-path", "-o") { Description = "Folder to write docker-compose.yaml and .env into", Required = true };
            var publish = new Command("publish", "Write the production Docker Compose manifest") { outputPath };
            publish.TreatUnmatchedTokensAsErrors = false;
            var root = new RootCommand("ChatApp AppHost") { publish };
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                throw new AppHostException(string.Join("; ", parsed.Errors.Select(e => e.Message)));
            }
            publishPath = Path.GetFullPath(parsed.GetRequiredValue(outputPath));
            configArgs = [.. parsed.UnmatchedTokens];
        }

        var configurationBuilder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(appHostDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(configArgs);
        if (testing is not null)
        {
            configurationBuilder.AddInMemoryCollection(testing.Configuration);
        }
        var configuration = configurationBuilder.Build();

        var options = new AppHostOptions { AppHostDirectory = appHostDirectory, PublishOutputPath = publishPath };
        Bind(configuration, options);
        if (testing is not null)
        {
            options.ConsoleOutput = configuration.GetValue("AppHost:Console", false);
            options.RandomizePorts = true;
            options.EphemeralPostgres = configuration.GetValue("Postgres:Ephemeral", true);
            options.StopOnResourceFailure = false;
            options.PersistGeneratedParameters = false;
            testing.Configure?.Invoke(options);
        }
        return new AppHostBuilder(configuration, options);
    }

    /// <summary>Adds a resource of any kind.</summary>
    public IResourceBuilder<T> AddResource<T>(T resource) where T : Resource
    {
        if (_resources.Any(r => r.Name.Equals(resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new AppHostException($"A resource named '{resource.Name}' is already declared.");
        }
        _resources.Add(resource);
        return new ResourceBuilder<T>(resource, this);
    }

    /// <summary>A PostgreSQL server run as a local process on a loopback port.</summary>
    public IResourceBuilder<PostgresServerResource> AddPostgres(string name, int? port = null) =>
        AddResource(new PostgresServerResource(name) { Endpoint = new EndpointAnnotation("tcp", "tcp") { Port = port } });

    /// <summary>A .NET project of this solution (<c>Projects.&lt;Name&gt;</c>, generated from the AppHost's ProjectReferences).</summary>
    public IResourceBuilder<ProjectResource> AddProject<TProject>(string name) where TProject : IProjectMetadata, new() =>
        AddResource(new ProjectResource(name, new TProject()));

    /// <summary>A Vite front end in <paramref name="workingDirectory"/> (relative to the AppHost project).</summary>
    public IResourceBuilder<ViteAppResource> AddViteApp(string name, string workingDirectory) =>
        AddResource(new ViteAppResource(name, Path.GetFullPath(Path.Combine(Options.AppHostDirectory, workingDirectory)))
        {
            // Vite's usual port when free, so the address a person opens rarely changes.
            Endpoint = new EndpointAnnotation("http", "http") { PreferredPort = 5173 },
        });

    /// <summary>
    /// A value from configuration (<c>Parameters:&lt;name&gt;</c>); when absent, <paramref name="defaultValue"/>, or for a
    /// secret a generated 32-character value kept in the git-ignored <c>.data/parameters.json</c> so it survives restarts.
    /// </summary>
    public ParameterResource AddParameter(string name, bool secret = false, string? defaultValue = null)
    {
        var parameter = new ParameterResource(name, secret, () =>
            Configuration[$"Parameters:{name}"] ?? defaultValue ?? GeneratedParameter(name));
        _parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Adds a component that starts and stops with the app (the dashboard).</summary>
    public AppHostBuilder AddLifecycleHook(IAppHostLifecycleHook hook)
    {
        _hooks.Add(hook);
        return this;
    }

    /// <summary>Checks the model (unknown or circular dependencies) and builds the app.</summary>
    public DistributedApplication Build()
    {
        foreach (var resource in _resources)
        {
            foreach (var dependency in resource.Dependencies)
            {
                if (!_resources.Contains(dependency))
                {
                    throw new AppHostException($"{resource.Name} depends on {dependency.Name}, which is not part of this app.");
                }
            }
        }
        var app = new DistributedApplication(Options, Configuration, _resources, _parameters, _hooks);
        _ = app.StartOrder; // Throws on a dependency cycle.
        return app;
    }

    private string GeneratedParameter(string name)
    {
        var value = RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 32);
        if (!Options.PersistGeneratedParameters)
        {
            return value;
        }

        // REVIEW: one JSON file for all generated values of this machine; like Aspire's user-secrets, never committed.
        var file = Path.GetFullPath(Path.Combine(Options.AppHostDirectory, "..", ".data", "parameters.json"));
        lock (_parameters)
        {
            var values = File.Exists(file)
                ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file)) ?? []
                : [];
            if (values.TryGetValue(name, out var existing))
            {
                return existing;
            }
            values[name] = value;
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, JsonSerializer.Serialize(values, new JsonSerializerOptions { WriteIndented = true }));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            return value;
        }
    }

    private static void Bind(IConfiguration configuration, AppHostOptions options)
    {
        options.EnvironmentName = configuration["Environment"] ?? options.EnvironmentName;
        options.ConsoleOutput = configuration.GetValue("AppHost:Console", options.ConsoleOutput);
        options.ShowResourceLogs = configuration.GetValue("AppHost:ShowLogs", options.ShowResourceLogs);
        options.StopOnResourceFailure = configuration.GetValue("AppHost:StopOnResourceFailure", options.StopOnResourceFailure);
        options.RandomizePorts = configuration.GetValue("AppHost:RandomizePorts", options.RandomizePorts);
        options.EphemeralPostgres = configuration.GetValue("Postgres:Ephemeral", options.EphemeralPostgres);
        options.PersistGeneratedParameters = configuration.GetValue("AppHost:PersistParameters", options.PersistGeneratedParameters);
        options.PostgresBinDirectory = configuration["Postgres:BinDirectory"] ?? options.PostgresBinDirectory;
        options.OtlpEndpoint = configuration["Otlp:Endpoint"] ?? options.OtlpEndpoint;
        options.OtlpProtocol = configuration["Otlp:Protocol"] ?? options.OtlpProtocol;
        options.OtlpApiKey = configuration["Otlp:ApiKey"] ?? options.OtlpApiKey;
        foreach (var port in configuration.GetSection("Ports").GetChildren())
        {
            if (int.TryParse(port.Value, out var value))
            {
                options.Ports[port.Key] = value;
            }
        }
        foreach (var resource in configuration.GetSection("Resources").GetChildren())
        {
            var variables = resource.GetSection("Environment").GetChildren().ToDictionary(v => v.Key, v => v.Value ?? "", StringComparer.Ordinal);
            if (variables.Count > 0)
            {
                options.EnvironmentOverrides[resource.Key] = variables;
            }
        }
    }

    private static string FindAppHostDirectory()
    {
        var fromBuild = typeof(AppHostBuilder).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "AppHostProjectDirectory")?.Value;
        return fromBuild is not null && Directory.Exists(fromBuild) ? fromBuild : AppContext.BaseDirectory;
    }
}

/// <summary>The app model is wrong or the app cannot run; the message is one line.</summary>
public sealed class AppHostException(string message) : Exception(message);
