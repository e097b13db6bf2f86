#pragma warning disable ASPIREPIPELINES001 // The publishing pipeline is experimental in Aspire 13.
#pragma warning disable ASPIREPIPELINES004

using System.Text;
using System.Text.RegularExpressions;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.JavaScript;
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Aspire.Hosting;

/// <summary>Where the app model is published as a Docker Compose file (the shape of Aspire.Hosting.Docker's resource).</summary>
public sealed class DockerComposeEnvironmentResource(string name) : Resource(name)
{
    /// <summary>The standalone Aspire Dashboard image, the same version as the AppHost's packages.</summary>
    public const string DashboardImage = "mcr.microsoft.com/dotnet/aspire-dashboard:13.6.5";

    /// <summary>The compose network; the front end's nginx has a fixed address in it, the one proxy the API trusts.</summary>
    public const string Subnet = "172.28.0.0/16";

    public const string FrontendAddress = "172.28.0.10";
}

/// <summary>
/// <c>AddDockerComposeEnvironment</c> with the name of Aspire.Hosting.Docker's (not served here): a publishing
/// pipeline step that writes <c>docker-compose.yaml</c> and <c>.env</c> from the app model.
/// </summary>
public static class DockerComposePublishingExtensions
{
    /// <summary>
    /// Adds the step <c>publish-{name}</c> to <c>publish</c>:
    /// <c>dotnet run --project ChatApp.AppHost -- --operation publish --step publish --output-path deploy</c>.
    /// </summary>
    public static IResourceBuilder<DockerComposeEnvironmentResource> AddDockerComposeEnvironment(this IDistributedApplicationBuilder builder, string name)
    {
        var environment = new DockerComposeEnvironmentResource(name);
        environment.Annotations.Add(new PipelineStepAnnotation(_ =>
        {
            var step = new PipelineStep
            {
                Name = $"publish-{name}",
                Description = "Writes docker-compose.yaml and .env from the app model.",
                Action = async context =>
                {
                    var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
                    var written = await new ComposeWriter(context.Model, context.ExecutionContext, builder.AppHostDirectory)
                        .WriteAsync(output, context.CancellationToken);
                    context.Logger.LogInformation("Wrote {Files}. Fill in the secrets in .env, then: docker compose up -d --build", string.Join(" and ", written));
                },
            };
            step.RequiredBy(WellKnownPipelineSteps.Publish);
            return step;
        }));
        // In run mode it is not a resource: nothing runs, nothing shows in the dashboard.
        return builder.ExecutionContext.IsRunMode ? builder.CreateResourceBuilder(environment) : builder.AddResource(environment).ExcludeFromManifest();
    }
}

/// <summary>
/// Walks the app model: PostgreSQL becomes the official image with a volume and the app's own role, each project a
/// service built from the Dockerfile beside it, each Vite app nginx with the built assets, plus the standalone
/// Aspire Dashboard. Environment values come from the resources' own callbacks, with parameters turned into
/// <c>${VARIABLES}</c> of the .env file (secrets empty, never a value).
/// </summary>
internal sealed partial class ComposeWriter(DistributedApplicationModel model, DistributedApplicationExecutionContext executionContext, string appHostDirectory)
{
    private const int ContainerHttpPort = 8080;
    private const int NginxPort = 80;
    private const string Dashboard = "dashboard";
    private const string AppDatabaseUser = "chatapp";
    private const string AppDatabasePasswordVariable = "CHATAPP_DB_PASSWORD";
    private const string OtlpApiKeyVariable = "DASHBOARD_OTLP_API_KEY";

    private readonly string _repositoryRoot = Path.GetFullPath(Path.Combine(appHostDirectory, ".."));
    private readonly List<EnvEntry> _env = [];
    private readonly YamlMappingNode _volumes = [];

    public async Task<IReadOnlyList<string>> WriteAsync(string outputPath, CancellationToken ct)
    {
        Directory.CreateDirectory(outputPath);
        var services = new YamlMappingNode();
        foreach (var resource in model.Resources)
        {
            var service = resource switch
            {
                PostgresServerResource postgres => Postgres(postgres, outputPath),
                RedisResource redis => Redis(redis),
                ProjectResource project => await ProjectAsync(project, outputPath, ct),
                ViteAppResource vite => await FrontendAsync(vite, outputPath, ct),
                _ => null,
            };
            if (service is not null)
            {
                services.Add(resource.Name, service);
            }
        }
        services.Add(Dashboard, DashboardService());

        var root = new YamlMappingNode
        {
            { "name", "chatapp" },
            { "services", services },
            { "networks", new YamlMappingNode { { "default", new YamlMappingNode { { "ipam", new YamlMappingNode { { "config", new YamlSequenceNode(new YamlMappingNode { { "subnet", DockerComposeEnvironmentResource.Subnet } }) } } } } } } },
        };
        if (_volumes.Children.Count > 0)
        {
            root.Add("volumes", _volumes);
        }
        ApplyStyles(root);

        var composePath = Path.Combine(outputPath, "docker-compose.yaml");
        await using (var writer = new StreamWriter(composePath, append: false, new UTF8Encoding(false)))
        {
            await writer.WriteLineAsync("# Written by the AppHost's publish step from the app model; change ChatApp.AppHost/Program.cs, not this file.");
            await writer.WriteLineAsync("# Fill in .env beside this file, then: docker compose up -d --build");
            using var yaml = new StringWriter();
            new YamlStream(new YamlDocument(root)).Save(yaml, assignAnchors: false);
            await writer.WriteAsync(DocumentEnd().Replace(yaml.ToString(), "\n"));
        }
        var envPath = Path.Combine(outputPath, ".env");
        await File.WriteAllTextAsync(envPath, EnvFile(), new UTF8Encoding(false), ct);
        return [composePath, envPath];
    }

    private YamlMappingNode Postgres(PostgresServerResource postgres, string outputPath)
    {
        var database = postgres.Databases.Values.Single();
        var superuserPassword = Variable("POSTGRES_PASSWORD", secret: true, "Password of the PostgreSQL superuser (used only to create the app's role)");
        var appPassword = Variable(AppDatabasePasswordVariable, secret: true, $"Password of the '{AppDatabaseUser}' role the services connect as");

        // Runs once, when the volume is new: the services connect as their own role, owner of the database, not as the superuser.
        var init = Path.Combine(outputPath, "postgres-init");
        Directory.CreateDirectory(init);
        File.WriteAllText(Path.Combine(init, "10-app-role.sh"), $"""
            #!/bin/sh
            # Written by the AppHost's publish step: the role the services connect as, owner of the app's database.
            set -e
            psql -v ON_ERROR_STOP=1 -v password="${AppDatabasePasswordVariable}" --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
            CREATE ROLE {AppDatabaseUser} LOGIN PASSWORD :'password';
            ALTER DATABASE "{database}" OWNER TO {AppDatabaseUser};
            SQL

            """.ReplaceLineEndings("\n"));

        var volume = $"{postgres.Name}-data";
        _volumes.Add(volume, new YamlMappingNode());
        return new YamlMappingNode
        {
            { "image", $"docker.io/library/postgres:{postgres.Annotations.OfType<ContainerImageAnnotation>().Last().Tag}" },
            { "restart", "unless-stopped" },
            { "environment", new YamlMappingNode
                {
                    { "POSTGRES_USER", "postgres" },
                    { "POSTGRES_PASSWORD", superuserPassword },
                    { "POSTGRES_DB", database },
                    { AppDatabasePasswordVariable, appPassword },
                }
            },
            { "volumes", Sequence($"{volume}:/var/lib/postgresql/data", "./postgres-init:/docker-entrypoint-initdb.d:ro") },
            { "healthcheck", HealthCheck(Sequence("CMD-SHELL", $"pg_isready -U postgres -d {database}")) },
        };
    }

    private YamlMappingNode Redis(RedisResource redis)
    {
        var password = Variable(EnvName(redis.PasswordParameter!.Name), secret: true, "Password of Redis, the SignalR backplane between API replicas");
        return new YamlMappingNode
        {
            { "image", $"docker.io/library/redis:{redis.Annotations.OfType<ContainerImageAnnotation>().Last().Tag}" },
            { "restart", "unless-stopped" },
            { "environment", new YamlMappingNode { { "REDIS_PASSWORD", password } } },
            // Through the shell, so the password stays out of the container's command line; nothing is persisted.
            { "entrypoint", Sequence("/bin/sh", "-c") },
            { "command", Sequence("exec redis-server --requirepass \"$$REDIS_PASSWORD\" --save '' --appendonly no") },
            { "healthcheck", HealthCheck(Sequence("CMD-SHELL", "redis-cli -a \"$$REDIS_PASSWORD\" --no-auth-warning ping | grep -q PONG")) },
        };
    }

    private async Task<YamlMappingNode> ProjectAsync(ProjectResource project, string outputPath, CancellationToken ct)
    {
        var projectDirectory = Path.GetDirectoryName(project.GetProjectMetadata().ProjectPath)!;
        var service = new YamlMappingNode
        {
            { "build", Build(outputPath, Path.Combine(projectDirectory, "Dockerfile")) },
            { "image", $"chatapp-{project.Name}:latest" },
        };
        var environment = await EnvironmentAsync(project, ct);
        Set(environment, "ASPNETCORE_ENVIRONMENT", "Production");
        var serves = project.GetEndpoints().Any();
        if (serves)
        {
            Set(environment, "ASPNETCORE_URLS", $"http://+:{ContainerHttpPort}");
            // nginx is the one proxy in front: its X-Forwarded-For is trusted, nobody else's.
            Set(environment, "ForwardedHeaders__KnownProxies__0", DockerComposeEnvironmentResource.FrontendAddress);
        }
        service.Add("environment", environment);
        if (DependsOn(project) is { Children.Count: > 0 } dependsOn)
        {
            service.Add("depends_on", dependsOn);
        }
        if (project.Annotations.OfType<ReplicaAnnotation>().LastOrDefault() is { Replicas: > 1 } replicas)
        {
            // nginx resolves the service name to every replica and takes turns; WebSockets without negotiation keep
            // each hub connection on the replica it reached.
            service.Add("deploy", new YamlMappingNode { { "replicas", replicas.Replicas.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
        }
        if (serves)
        {
            service.Add("restart", "unless-stopped");
            // Not published: the API is reached through the front end's nginx only.
            service.Add("expose", Sequence(ContainerHttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            // Every hub connection holds a socket: the usual default of 1,024 descriptors caps an instance far below
            // the connections it can hold in memory (about 42 KiB each), and when they run out .NET cannot even map code.
            service.Add("ulimits", new YamlMappingNode { { "nofile", new YamlMappingNode { { "soft", "65536" }, { "hard", "65536" } } } });
            if (project.Annotations.OfType<HealthCheckAnnotation>().Any())
            {
                // The .NET runtime images have bash but no curl: a bare HTTP/1.1 request over /dev/tcp.
                var probe = $"exec 3<>/dev/tcp/127.0.0.1/{ContainerHttpPort} && printf 'GET /health HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '";
                service.Add("healthcheck", HealthCheck(Sequence("CMD", "bash", "-c", probe)));
            }
        }
        else
        {
            service.Add("restart", "no");
        }
        return service;
    }

    private async Task<YamlMappingNode> FrontendAsync(ViteAppResource vite, string outputPath, CancellationToken ct)
    {
        var environment = await EnvironmentAsync(vite, ct);
        // frontend/nginx.conf proxies /api, /hubs and /uploads to ${API_URL}.
        var api = model.Resources.OfType<ProjectResource>().FirstOrDefault(p => environment.Children.ContainsKey(new YamlScalarNode($"services__{p.Name}__http__0")));
        if (api is not null)
        {
            Set(environment, "API_URL", $"http://{api.Name}:{ContainerHttpPort}");
        }
        var port = Variable("FRONTEND_PORT", secret: false, "Host port of the front end: the address people open", NginxPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var service = new YamlMappingNode
        {
            { "build", Build(outputPath, Path.Combine(vite.WorkingDirectory, "Dockerfile")) },
            { "image", $"chatapp-{vite.Name}:latest" },
            { "restart", "unless-stopped" },
            { "environment", environment },
            { "ports", Sequence($"{port}:{NginxPort}") },
            { "networks", new YamlMappingNode { { "default", new YamlMappingNode { { "ipv4_address", DockerComposeEnvironmentResource.FrontendAddress } } } } },
            { "healthcheck", HealthCheck(Sequence("CMD", "wget", "-q", "-O", "/dev/null", $"http://127.0.0.1:{NginxPort}/")) },
        };
        if (DependsOn(vite) is { Children.Count: > 0 } dependsOn)
        {
            service.Add("depends_on", dependsOn);
        }
        return service;
    }

    private YamlMappingNode DashboardService()
    {
        var apiKey = Variable(OtlpApiKeyVariable, secret: true, "API key the services send with their telemetry to the dashboard");
        var port = Variable("DASHBOARD_PORT", secret: false, "Host port of the dashboard on 127.0.0.1 (sign in with the login link in its log: docker compose logs dashboard)", "18888");
        return new YamlMappingNode
        {
            { "image", DockerComposeEnvironmentResource.DashboardImage },
            { "restart", "unless-stopped" },
            { "environment", new YamlMappingNode
                {
                    { "DASHBOARD__FRONTEND__AUTHMODE", "BrowserToken" },
                    { "DASHBOARD__OTLP__AUTHMODE", "ApiKey" },
                    { "DASHBOARD__OTLP__PRIMARYAPIKEY", apiKey },
                }
            },
            // Only on the host's loopback: reach it through an SSH tunnel or a reverse proxy with its own sign-in.
            { "ports", Sequence($"127.0.0.1:{port}:18888") },
            { "expose", Sequence("18889") },
        };
    }

    /// <summary>The resource's environment as its callbacks give it in publish mode, in compose terms.</summary>
    private async Task<YamlMappingNode> EnvironmentAsync(IResource resource, CancellationToken ct)
    {
        var values = new Dictionary<string, object>();
        if (resource.TryGetAnnotationsOfType<EnvironmentCallbackAnnotation>(out var callbacks))
        {
            var context = new EnvironmentCallbackContext(executionContext, resource, values, ct);
            foreach (var callback in callbacks)
            {
                await callback.Callback(context);
            }
        }
        // A reference to a database also gives its parts (CHATDB_HOST, CHATDB_PASSWORD, …) as the superuser sees them;
        // the services use the connection string, which names the app's own role.
        var connectionParts = values.Where(v => v.Key.StartsWith("ConnectionStrings__", StringComparison.Ordinal))
            .Select(v => v.Key["ConnectionStrings__".Length..].ToUpperInvariant() + "_").ToList();
        var environment = new YamlMappingNode();
        foreach (var (name, value) in values.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            // Telemetry goes to the compose dashboard (set below). The API trusts only the proxy named in
            // ForwardedHeaders__KnownProxies, not every proxy as ASPNETCORE_FORWARDEDHEADERS_ENABLED would.
            if (name.StartsWith("OTEL_", StringComparison.Ordinal) || name.StartsWith("ASPIRE_", StringComparison.Ordinal)
                || name == "ASPNETCORE_FORWARDEDHEADERS_ENABLED"
                || connectionParts.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal))
                || Render(value) is not { } rendered)
            {
                continue;
            }
            environment.Add(name, rendered);
        }
        if (resource is ProjectResource)
        {
            Set(environment, "OTEL_EXPORTER_OTLP_ENDPOINT", $"http://{Dashboard}:18889");
            Set(environment, "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
            Set(environment, "OTEL_EXPORTER_OTLP_HEADERS", $"x-otlp-api-key=${{{OtlpApiKeyVariable}}}");
            Set(environment, "OTEL_SERVICE_NAME", resource.Name);
        }
        return environment;
    }

    /// <summary>A value in compose terms, or null for values that have no meaning outside the AppHost.</summary>
    private string? Render(object value) => value switch
    {
        string text => text,
        ParameterResource parameter => Variable(EnvName(parameter.Name), parameter.Secret, $"Parameter {parameter.Name}",
            parameter.Secret ? null : SafeValue(parameter)),
        ConnectionStringReference { Resource: PostgresDatabaseResource database } => DatabaseConnectionString(database),
        ConnectionStringReference { Resource: RedisResource redis } => $"{redis.Name}:6379,password={Render(redis.PasswordParameter!)}",
        ConnectionStringReference reference => Render(reference.Resource.ConnectionStringExpression),
        // No certificates in compose: HTTPS endpoints do not exist there.
        EndpointReference { Scheme: "https" } => null,
        EndpointReference endpoint => $"{endpoint.Scheme}://{endpoint.Resource.Name}:{EndpointPort(endpoint)}",
        EndpointReferenceExpression expression => expression.Property switch
        {
            EndpointProperty.Url => $"{expression.Endpoint.Scheme}://{expression.Endpoint.Resource.Name}:{EndpointPort(expression.Endpoint)}",
            EndpointProperty.Host or EndpointProperty.IPV4Host => expression.Endpoint.Resource.Name,
            EndpointProperty.HostAndPort => $"{expression.Endpoint.Resource.Name}:{EndpointPort(expression.Endpoint)}",
            EndpointProperty.Port or EndpointProperty.TargetPort => EndpointPort(expression.Endpoint),
            EndpointProperty.Scheme => expression.Endpoint.Scheme,
            _ => null,
        },
        ReferenceExpression expression => expression.ValueProviders.Select(Render).ToList() is var parts && parts.All(p => p is not null)
            ? Placeholder().Replace(expression.Format, m => parts[int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)]!)
            : null,
        IValueProvider => null,
        _ => value.ToString(),
    };

    private string DatabaseConnectionString(PostgresDatabaseResource database) =>
        $"Host={database.Parent.Name};Port=5432;Username={AppDatabaseUser};Password=${{{AppDatabasePasswordVariable}}};Database={database.DatabaseName}";

    private static string EndpointPort(EndpointReference endpoint) => endpoint.Resource switch
    {
        ProjectResource => ContainerHttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ViteAppResource => NginxPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => endpoint.TargetPort?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "80",
    };

    private YamlMappingNode DependsOn(IResource resource)
    {
        var dependsOn = new YamlMappingNode();
        foreach (var wait in resource.Annotations.OfType<WaitAnnotation>())
        {
            var (target, healthChecked) = wait.Resource switch
            {
                PostgresDatabaseResource database => (database.Parent.Name, true),
                var other => (other.Name, other.Annotations.OfType<HealthCheckAnnotation>().Any()),
            };
            if (dependsOn.Children.ContainsKey(new YamlScalarNode(target)))
            {
                continue;
            }
            var condition = wait.WaitType == WaitType.WaitForCompletion ? "service_completed_successfully"
                : healthChecked ? "service_healthy" : "service_started";
            dependsOn.Add(target, new YamlMappingNode { { "condition", condition } });
        }
        return dependsOn;
    }

    private YamlMappingNode Build(string outputPath, string dockerfile)
    {
        if (!File.Exists(dockerfile))
        {
            throw new InvalidOperationException($"Cannot publish: {dockerfile} does not exist.");
        }
        // Every image builds from the repository root, filtered by its .dockerignore (no .data, bin, obj, node_modules).
        return new YamlMappingNode
        {
            { "context", Relative(outputPath, _repositoryRoot) },
            { "dockerfile", Path.GetRelativePath(_repositoryRoot, dockerfile).Replace('\\', '/') },
        };
    }

    /// <summary>A <c>${NAME}</c> reference, recorded for the .env file; a required one fails compose while empty.</summary>
    private string Variable(string name, bool secret, string description, string? defaultValue = null)
    {
        if (_env.All(e => e.Name != name))
        {
            _env.Add(new EnvEntry(name, secret, description, defaultValue));
        }
        return secret || defaultValue is null ? $"${{{name}:?set {name} in .env}}" : $"${{{name}:-{defaultValue}}}";
    }

    private string EnvFile()
    {
        var text = new StringBuilder();
        text.AppendLine("# Settings for docker-compose.yaml, written by the AppHost's publish step.");
        text.AppendLine("# Every secret is empty: fill it in before `docker compose up` (e.g. `openssl rand -base64 32`)");
        text.AppendLine("# and keep the filled-in file out of version control.");
        foreach (var entry in _env)
        {
            text.AppendLine();
            text.AppendLine($"# {entry.Description}{(entry.Secret ? " (secret, required)" : "")}");
            text.AppendLine($"{entry.Name}={(entry.Secret ? "" : entry.DefaultValue ?? "")}");
        }
        return text.ToString();
    }

    private static string? SafeValue(ParameterResource parameter)
    {
        try
        {
            return parameter.GetValueAsync(default).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is InvalidOperationException or MissingParameterValueException)
        {
            return null;
        }
    }

    private static string EnvName(string name) => name.Replace('-', '_').ToUpperInvariant();

    private static void Set(YamlMappingNode mapping, string key, string value) =>
        mapping.Children[new YamlScalarNode(key)] = new YamlScalarNode(value);

    private static YamlMappingNode HealthCheck(YamlSequenceNode test) => new()
    {
        { "test", test },
        { "interval", "5s" },
        { "timeout", "5s" },
        { "retries", "12" },
        { "start_period", "10s" },
    };

    private static YamlSequenceNode Sequence(params string[] items) => new(items.Select(i => new YamlScalarNode(i)));

    private static string Relative(string from, string to)
    {
        var relative = Path.GetRelativePath(from, to).Replace('\\', '/');
        return relative == "." ? "." : relative.StartsWith('.') ? relative : "./" + relative;
    }

    /// <summary>
    /// Quotes every value YAML could read as something else ("8080:8080" is a base-60 number in YAML 1.1, "no" a
    /// boolean); keys, plain words and integers stay plain.
    /// </summary>
    private static void ApplyStyles(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (_, child) in mapping.Children)
                {
                    ApplyStyles(child);
                }
                break;
            case YamlSequenceNode sequence:
                foreach (var item in sequence.Children)
                {
                    ApplyStyles(item);
                }
                break;
            case YamlScalarNode scalar:
                var value = scalar.Value ?? "";
                var plain = (PlainSafe().IsMatch(value) && !YamlWords.Contains(value)) || IntegerPattern().IsMatch(value);
                scalar.Style = plain ? ScalarStyle.Plain : ScalarStyle.DoubleQuoted;
                break;
        }
    }

    private static readonly HashSet<string> YamlWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
    };

    [GeneratedRegex(@"\{(\d+)(:[^}]*)?\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\n\.\.\.\s*$")]
    private static partial Regex DocumentEnd();

    [GeneratedRegex("^[1-9][0-9]{0,8}$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_./-]*$")]
    private static partial Regex PlainSafe();

    private sealed record EnvEntry(string Name, bool Secret, string Description, string? DefaultValue);
}
