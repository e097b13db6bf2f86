#pragma warning disable ASPIREPIPELINES001 // The publishing pipeline is experimental in Aspire 13.
#pragma warning disable ASPIREPIPELINES004
#pragma warning disable ASPIRECOMPUTE002

using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.JavaScript;
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ChatApp.AppHost;

/// <summary>
/// A compute environment published as Docker Compose and Docker Swarm files: the shape of Aspire.Hosting.Docker's
/// resource of the same name (not served here), in this app's namespace so that package can replace it.
/// </summary>
public sealed class DockerComposeEnvironmentResource(string name) : Resource(name), IComputeEnvironmentResource
{
    /// <summary>The standalone Aspire Dashboard image, the same version as the AppHost's packages.</summary>
    public const string DashboardImage = "mcr.microsoft.com/dotnet/aspire-dashboard:13.6.5";

    /// <summary>
    /// PostgreSQL's settings for continuous WAL archiving: every finished segment, and at least every 30 s while
    /// anything is written, goes to the backups volume (archive-wal.sh), so losing the data volume loses at most about
    /// that much. <paramref name="scripts"/> is the folder of the published scripts.
    /// </summary>
    public static IReadOnlyList<string> WalArchivingSettings(string scripts) =>
        ["wal_level=replica", "archive_mode=on", $"archive_command=/bin/bash {scripts}/archive-wal.sh %p %f", "archive_timeout=30"];

    /// <summary>Services reach each other by service name on the stack's network.</summary>
    public ReferenceExpression GetHostAddressExpression(EndpointReference endpointReference) =>
        ReferenceExpression.Create($"{endpointReference.Resource.Name}");
}

/// <summary><c>AddDockerComposeEnvironment</c> with the name and shape of Aspire.Hosting.Docker's.</summary>
public static class DockerComposeEnvironmentExtensions
{
    /// <summary>
    /// Adds the step <c>publish-{name}</c> to <c>publish</c>
    /// (<c>dotnet run --project ChatApp.AppHost -- --operation publish --step publish --output-path deploy</c>): it writes
    /// <c>docker-compose.yaml</c>, <c>docker-stack.yaml</c>, <c>.env</c> and the scripts they run from the app model,
    /// and fails naming any resource it cannot publish.
    /// </summary>
    public static IResourceBuilder<DockerComposeEnvironmentResource> AddDockerComposeEnvironment(this IDistributedApplicationBuilder builder, string name)
    {
        var environment = new DockerComposeEnvironmentResource(name);
        environment.Annotations.Add(new PipelineStepAnnotation(_ =>
        {
            var step = new PipelineStep
            {
                Name = $"publish-{name}",
                Description = "Writes docker-compose.yaml, docker-stack.yaml and .env from the app model.",
                Action = async context =>
                {
                    var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
                    await new ComposeWriter(context.Model, context.ExecutionContext, builder.AppHostDirectory)
                        .WriteAsync(output, context.ReportingStep, context.CancellationToken);
                    context.Logger.LogInformation("Wrote {Output}. Next: ./secrets.sh, then docker compose up -d (the README's runbook)", output);
                },
            };
            step.RequiredBy(WellKnownPipelineSteps.Publish);
            return step;
        }));
        // In run mode it is not a resource: nothing runs, nothing shows in the dashboard.
        return builder.ExecutionContext.IsRunMode ? builder.CreateResourceBuilder(environment) : builder.AddResource(environment).ExcludeFromManifest();
    }
}

/// <summary>Which file a service is written for: Docker Compose on one host, or a Swarm stack.</summary>
internal enum ComposeTarget
{
    Compose,
    Stack,
}

/// <summary>
/// Walks the app model: PostgreSQL becomes the official image with its volumes, WAL archiving and the app's own role;
/// Redis the official image; each project a service from the registry (built from the Dockerfile beside it); each
/// Vite app the nginx edge with the built assets; plus the backups and the standalone Aspire Dashboard. Environment
/// values come from the resources' own callbacks; parameters become <c>${VARIABLES}</c> of <c>.env</c>, and secret
/// parameters become secret files (compose <c>secrets:</c>) read by the services (<c>/run/secrets</c>), never values.
/// </summary>
internal sealed partial class ComposeWriter(DistributedApplicationModel model, DistributedApplicationExecutionContext executionContext,
    string appHostDirectory)
{
    public const string Backup = "backup";
    public const string BackupBeforeMigrations = "backup-before-migrations";
    public const string Dashboard = "dashboard";
    public const string BackupsVolume = "backups";
    public const string AppDatabaseUser = "chatapp";
    public const string AppDatabasePasswordSecret = "chatapp-db-password";
    public const string SuperuserPasswordSecret = "postgres-password";

    private const int ProjectPort = 8080;
    private const string Scripts = "/chatapp";
    private const string SecretsFolder = "/run/secrets";

    private readonly string _repositoryRoot = Path.GetFullPath(Path.Combine(appHostDirectory, ".."));
    private readonly List<EnvEntry> _env = [];
    private readonly SortedDictionary<string, string> _secrets = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _volumes = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _configs = new(StringComparer.Ordinal);
    private ComposeTarget _target;

    /// <summary>The scripts of <c>publish/</c> the services run, given to them as configs.</summary>
    public static readonly string[] ScriptFiles = ["postgres-entrypoint.sh", "apply-roles.sh", "archive-wal.sh", "backup.sh", "restore.sh"];

    public async Task WriteAsync(string outputPath, IReportingStep step, CancellationToken ct)
    {
        var unsupported = model.Resources.Where(r => !IsPublishable(r)).Select(r => $"{r.Name} ({r.GetType().Name})").ToList();
        if (unsupported.Count > 0)
        {
            throw new InvalidOperationException(
                $"Cannot publish {string.Join(", ", unsupported)}: the compose writer (ChatApp.AppHost/DockerComposePublishing.cs) knows PostgreSQL, Redis, projects and Vite apps. Exclude it from publishing (ExcludeFromManifest) or teach the writer.");
        }
        Directory.CreateDirectory(outputPath);

        foreach (var (target, file) in new[] { (ComposeTarget.Compose, "docker-compose.yaml"), (ComposeTarget.Stack, "docker-stack.yaml") })
        {
            var task = await step.CreateTaskAsync($"Writing {file}", ct);
            await using (task.ConfigureAwait(false))
            {
                _target = target;
                var root = await DocumentAsync(outputPath, ct);
                await WriteYamlAsync(Path.Combine(outputPath, file), root, target, ct);
                await task.CompleteAsync($"Wrote {file}: {((YamlMappingNode)root["services"]).Children.Count} services", CompletionState.Completed, ct);
            }
        }

        var files = await step.CreateTaskAsync("Writing .env and the scripts", ct);
        await using (files.ConfigureAwait(false))
        {
            await File.WriteAllTextAsync(Path.Combine(outputPath, ".env"), await EnvFileAsync(ct), new UTF8Encoding(false), ct);
            foreach (var script in ScriptFiles.Append("secrets.sh"))
            {
                var target = Path.Combine(outputPath, script);
                await using (var source = File.OpenRead(Path.Combine(appHostDirectory, "publish", script)))
                await using (var copy = File.Create(target))
                {
                    await source.CopyToAsync(copy, ct);
                }
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(target, (UnixFileMode)0b111_101_101);
                }
            }
            await files.CompleteAsync($"Wrote .env, secrets.sh and {ScriptFiles.Length} scripts", CompletionState.Completed, ct);
        }
    }

    private static bool IsPublishable(IResource resource) => resource switch
    {
        PostgresServerResource or PostgresDatabaseResource or RedisResource or ProjectResource or ViteAppResource
            or ParameterResource or DockerComposeEnvironmentResource => true,
        _ => resource.IsExcludedFromPublish(),
    };

    private async Task<YamlMappingNode> DocumentAsync(string outputPath, CancellationToken ct)
    {
        _secrets.Clear();
        _volumes.Clear();
        _configs.Clear();
        var services = new YamlMappingNode();
        foreach (var resource in model.Resources.Where(r => !r.IsExcludedFromPublish()))
        {
            switch (resource)
            {
                case PostgresServerResource postgres:
                    services.Add(postgres.Name, Postgres(postgres));
                    services.Add(Backup, BackupService(postgres, "schedule"));
                    if (_target == ComposeTarget.Compose)
                    {
                        services.Add(BackupBeforeMigrations, BackupService(postgres, "dump before-migrations"));
                    }
                    break;
                case RedisResource redis:
                    services.Add(redis.Name, Redis(redis));
                    break;
                case ProjectResource project:
                    services.Add(project.Name, await ProjectAsync(project, outputPath, ct));
                    break;
                case ViteAppResource vite:
                    services.Add(vite.Name, Edge(vite, outputPath));
                    break;
            }
        }
        services.Add(Dashboard, DashboardService());

        var root = new YamlMappingNode { { "services", services } };
        // No fixed subnet, address or project name: two stacks on one host do not collide.
        root.Add("networks", new YamlMappingNode
        {
            { "default", _target == ComposeTarget.Stack ? new YamlMappingNode { { "driver", "overlay" }, { "attachable", new YamlScalarNode("true") { Tag = "tag:yaml.org,2002:bool" } } } : new YamlMappingNode() },
        });
        root.Add("volumes", new YamlMappingNode(_volumes.Select(v => new KeyValuePair<YamlNode, YamlNode>(new YamlScalarNode(v), new YamlMappingNode()))));
        root.Add("secrets", new YamlMappingNode(_secrets.Select(s => new KeyValuePair<YamlNode, YamlNode>(
            new YamlScalarNode(s.Key), new YamlMappingNode { { "file", $"./secrets/{s.Key}" } }))));
        root.Add("configs", new YamlMappingNode(_configs.Select(c => new KeyValuePair<YamlNode, YamlNode>(
            new YamlScalarNode(ConfigName(c)), new YamlMappingNode { { "file", $"./{c}" } }))));
        return root;
    }

    private YamlMappingNode Postgres(PostgresServerResource postgres)
    {
        var databases = Databases(postgres);
        var environment = new YamlMappingNode
        {
            { "POSTGRES_USER", "postgres" },
            { "POSTGRES_DB", databases[0].DatabaseName },
            { "POSTGRES_PASSWORD_FILE", $"{SecretsFolder}/{SuperuserPasswordSecret}" },
            { "CHATAPP_DB_USER", AppDatabaseUser },
            { "CHATAPP_DB_PASSWORD_FILE", $"{SecretsFolder}/{AppDatabasePasswordSecret}" },
            { "CHATAPP_DATABASES", string.Join(' ', databases.Select(d => d.DatabaseName)) },
            { "BACKUP_DIR", "/backups" },
        };
        var service = new YamlMappingNode
        {
            { "image", Image(postgres, "docker.io/library/postgres") },
            { "entrypoint", Sequence("/bin/bash", $"{Scripts}/postgres-entrypoint.sh") },
            { "command", Sequence([
                "postgres",
                .. DockerComposeEnvironmentResource.WalArchivingSettings(Scripts).SelectMany(setting => new[] { "-c", setting }),
                "-c", $"max_connections={Configuration("POSTGRES_MAX_CONNECTIONS", "Connections PostgreSQL accepts: every API replica holds up to 24", "200")}"]) },
            { "environment", environment },
            { "secrets", Sequence(Secret(SuperuserPasswordSecret, "Password of the PostgreSQL superuser (backups and restores use it; the services never do)"),
                Secret(AppDatabasePasswordSecret, $"Password of the '{AppDatabaseUser}' role the services connect as")) },
            { "configs", Configs("postgres-entrypoint.sh", "apply-roles.sh", "archive-wal.sh", "restore.sh") },
            { "volumes", Sequence([.. Mounts(postgres), $"{Volume(BackupsVolume)}:/backups"]) },
            { "healthcheck", HealthCheck(Sequence("CMD-SHELL", $"pg_isready -q -h 127.0.0.1 -U postgres -d {databases[0].DatabaseName} && test -f /tmp/chatapp-ready")) },
            { "shm_size", "256m" },
        };
        return Finish(service, postgres.Name, Limits.Postgres);
    }

    private YamlMappingNode BackupService(PostgresServerResource postgres, string command)
    {
        var service = new YamlMappingNode
        {
            { "image", Image(postgres, "docker.io/library/postgres") },
            { "entrypoint", Sequence("/bin/bash", $"{Scripts}/backup.sh") },
            { "command", Sequence(command.Split(' ')) },
            { "environment", new YamlMappingNode
                {
                    { "PGHOST", postgres.Name },
                    { "PGPORT", "5432" },
                    { "PGUSER", "postgres" },
                    { "POSTGRES_PASSWORD_FILE", $"{SecretsFolder}/{SuperuserPasswordSecret}" },
                    { "CHATAPP_DATABASES", string.Join(' ', Databases(postgres).Select(d => d.DatabaseName)) },
                    { "BACKUP_DIR", "/backups" },
                    { "BACKUP_INTERVAL_HOURS", Configuration("BACKUP_INTERVAL_HOURS", "Hours between scheduled backups (a base backup and a dump)", "24") },
                    { "BACKUP_KEEP_DAYS", Configuration("BACKUP_KEEP_DAYS", "Days dumps and base backups are kept (the newest of each always is)", "14") },
                }
            },
            { "secrets", Sequence(Secret(SuperuserPasswordSecret, "")) },
            { "configs", Configs("backup.sh", "restore.sh") },
            { "volumes", Sequence($"{Volume(BackupsVolume)}:/backups") },
        };
        var oneShot = command.StartsWith("dump", StringComparison.Ordinal);
        if (!oneShot)
        {
            // Healthy while the last dump is younger than two intervals.
            service.Add("healthcheck", HealthCheck(Sequence("CMD-SHELL",
                "test -z \"$$(find /backups/.last-dump -mmin -$$((BACKUP_INTERVAL_HOURS * 120)) 2>/dev/null)\" && exit 1 || exit 0"),
                startPeriod: "1h"));
        }
        if (_target == ComposeTarget.Compose)
        {
            service.Add("depends_on", new YamlMappingNode { { postgres.Name, new YamlMappingNode { { "condition", "service_healthy" } } } });
        }
        return Finish(service, oneShot ? BackupBeforeMigrations : Backup, Limits.Backup, oneShot);
    }

    private YamlMappingNode Redis(RedisResource redis)
    {
        var secret = Secret(SecretName(redis.PasswordParameter!), "Password of Redis, the SignalR backplane between API replicas");
        var service = new YamlMappingNode
        {
            { "image", Image(redis, "docker.io/library/redis") },
            // The password goes from the secret file to redis-server on its standard input: in neither the environment
            // nor a command line. Through the image's entrypoint, so the server runs as the redis user. Nothing is
            // persisted: Redis only carries live traffic between API replicas.
            { "entrypoint", Sequence("/bin/sh", "-c") },
            { "command", Sequence($"exec docker-entrypoint.sh redis-server - <<EOF\nrequirepass $$(cat {SecretsFolder}/{secret})\nsave \"\"\nappendonly no\nEOF") },
            { "secrets", Sequence(secret) },
            { "healthcheck", HealthCheck(Sequence("CMD-SHELL", $"REDISCLI_AUTH=\"$$(cat {SecretsFolder}/{secret})\" redis-cli ping | grep -q PONG")) },
        };
        return Finish(service, redis.Name, Limits.Redis);
    }

    private async Task<YamlMappingNode> ProjectAsync(ProjectResource project, string outputPath, CancellationToken ct)
    {
        var projectDirectory = Path.GetDirectoryName(project.GetProjectMetadata().ProjectPath)!;
        var service = new YamlMappingNode { { "image", AppImage(project.Name) } };
        if (_target == ComposeTarget.Compose)
        {
            service.Add("build", Build(outputPath, Path.Combine(projectDirectory, "Dockerfile")));
        }
        var secrets = new List<string>();
        var environment = await EnvironmentAsync(project, secrets, ct);
        Set(environment, "ASPNETCORE_ENVIRONMENT", "Production");
        var ports = project.Annotations.OfType<EndpointAnnotation>().Where(e => e.UriScheme == "http").ToList();
        if (ports.Count > 0)
        {
            Set(environment, "ASPNETCORE_URLS", $"http://+:{ProjectPort}");
            // Only the edge reaches the API (it is not published), and it replaces X-Forwarded-For with the visitor's
            // address: trust the networks Docker gives stacks, whatever subnet this one got.
            Set(environment, "ForwardedHeaders__KnownNetworks", Configuration("API_TRUSTED_NETWORKS",
                "Networks whose X-Forwarded-For the API believes: the stack's own (Docker's private ranges)", "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16"));
        }
        service.Add("environment", environment);
        if (await ArgsAsync(project, ct) is { Count: > 0 } args)
        {
            service.Add("command", Sequence([.. args]));
        }
        if (secrets.Count > 0)
        {
            service.Add("secrets", new YamlSequenceNode(secrets.Select(s => (YamlNode)SecretTarget(s))));
        }
        if (_target == ComposeTarget.Compose && DependsOn(project) is { Children.Count: > 0 } dependsOn)
        {
            service.Add("depends_on", dependsOn);
        }
        var replicas = project.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1;
        if (ports.Count > 0)
        {
            service.Add("expose", Sequence(ProjectPort.ToString(CultureInfo.InvariantCulture)));
            // Every hub connection holds a socket: the usual default of 1,024 descriptors caps an instance far below
            // the connections it can hold in memory (about 35 KiB each), and when they run out .NET cannot even map code.
            service.Add("ulimits", new YamlMappingNode { { "nofile", new YamlMappingNode { { "soft", "65536" }, { "hard", "65536" } } } });
            if (project.Annotations.OfType<HealthCheckAnnotation>().Any())
            {
                // The .NET runtime images have bash but no curl: a bare HTTP/1.1 request over /dev/tcp.
                var probe = $"exec 3<>/dev/tcp/127.0.0.1/{ProjectPort} && printf 'GET /health HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '";
                service.Add("healthcheck", HealthCheck(Sequence("CMD", "bash", "-c", probe)));
            }
            return Finish(service, project.Name, Limits.Api, oneShot: false, replicas: Configuration("API_REPLICAS", "API replicas (docker compose up --scale api=N works too)", replicas.ToString(CultureInfo.InvariantCulture)));
        }
        return Finish(service, project.Name, Limits.Migrations, oneShot: true);
    }

    private YamlMappingNode Edge(ViteAppResource vite, string outputPath)
    {
        var api = model.Resources.OfType<ProjectResource>().FirstOrDefault(p =>
            vite.Annotations.OfType<ResourceRelationshipAnnotation>().Any(r => r.Resource == p))
            ?? throw new InvalidOperationException($"Cannot publish {vite.Name}: it references no project for nginx to proxy /api, /hubs and /uploads to (WithReference(api)).");
        var environment = new YamlMappingNode
        {
            { "PROXY_MODE", Configuration("PROXY_MODE", "tls: nginx terminates TLS with secrets/tls-certificate*, redirects HTTP, sets HSTS; behind-proxy: plain HTTP behind your proxy or load balancer", "tls") },
            { "SERVER_NAME", Configuration("SERVER_NAME", "The site's host name (the TLS certificate's)", "chat.example.com") },
            { "TRUSTED_PROXIES", Configuration("TRUSTED_PROXIES", "behind-proxy: networks of the outer proxies whose X-Forwarded-For is believed (comma-separated CIDR)", "") },
            { "API_UPSTREAM", $"{api.Name}:{ProjectPort}" },
        };
        var service = new YamlMappingNode { { "image", AppImage(vite.Name) } };
        if (_target == ComposeTarget.Compose)
        {
            service.Add("build", Build(outputPath, Path.Combine(vite.WorkingDirectory, "Dockerfile")));
        }
        service.Add("environment", environment);
        var http = Configuration("HTTP_PORT", "Host port for HTTP (redirected to HTTPS in tls mode)", "80");
        var https = Configuration("HTTPS_PORT", "Host port for HTTPS (tls mode)", "443");
        // Swarm's ingress mesh would hide the visitor's address behind its own: publish on the host instead.
        service.Add("ports", _target == ComposeTarget.Compose
            ? Sequence($"{http}:80", $"{https}:443")
            : new YamlSequenceNode(HostPort(http, 80), HostPort(https, 443)));
        service.Add("secrets", Sequence(Secret("tls-certificate", "TLS certificate chain (PEM) for SERVER_NAME, tls mode"),
            Secret("tls-certificate-key", "TLS private key (PEM), tls mode")));
        if (_target == ComposeTarget.Compose && DependsOn(vite) is { Children.Count: > 0 } dependsOn)
        {
            service.Add("depends_on", dependsOn);
        }
        service.Add("healthcheck", HealthCheck(Sequence("CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1/nginx-health")));
        return Finish(service, vite.Name, Limits.Edge);
    }

    private YamlMappingNode DashboardService()
    {
        var environment = new YamlMappingNode
        {
            { "DASHBOARD__FRONTEND__AUTHMODE", "BrowserToken" },
            { "DASHBOARD__OTLP__AUTHMODE", "ApiKey" },
            // The dashboard reads its OTLP key from the secret file named Dashboard__Otlp__PrimaryApiKey.
            { "DOTNET_DASHBOARD_FILE_CONFIG_DIRECTORY", SecretsFolder },
        };
        var service = new YamlMappingNode
        {
            { "image", DockerComposeEnvironmentResource.DashboardImage },
            { "environment", environment },
            { "secrets", new YamlSequenceNode(SecretTarget(Secret("dashboard-otlp-api-key", "API key the services send with their telemetry to the dashboard") + ":Dashboard__Otlp__PrimaryApiKey")) },
            { "expose", Sequence("18889") },
        };
        // On the host's loopback only: reach it through an SSH tunnel. Swarm cannot bind a loopback address: there it
        // is not published at all (the README shows how to reach it).
        if (_target == ComposeTarget.Compose)
        {
            var port = Configuration("DASHBOARD_PORT", "Host port of the dashboard on 127.0.0.1 (sign in with the login link in its log: docker compose logs dashboard)", "18888");
            service.Add("ports", Sequence($"127.0.0.1:{port}:18888"));
        }
        // The image has no shell, curl or wget to run a health check with: the container's restart policy watches the
        // process, and the README's monitoring section probes http://127.0.0.1:18888/ from the host.
        return Finish(service, Dashboard, Limits.Dashboard);
    }

    /// <summary>Restart policy, limits, log rotation and, for Swarm, replicas and rolling updates.</summary>
    private YamlMappingNode Finish(YamlMappingNode service, string name, ServiceLimits limits, bool oneShot = false, string? replicas = null)
    {
        var deploy = new YamlMappingNode();
        if (replicas is not null)
        {
            deploy.Add("replicas", replicas);
        }
        var key = EnvName(name);
        deploy.Add("resources", new YamlMappingNode
        {
            { "limits", new YamlMappingNode
                {
                    { "cpus", Configuration($"{key}_CPUS", $"CPU limit of {name} ({limits.Why})", limits.Cpus) },
                    { "memory", Configuration($"{key}_MEMORY", $"Memory limit of {name}", limits.Memory) },
                }
            },
            { "reservations", new YamlMappingNode { { "memory", limits.Reservation } } },
        });
        if (_target == ComposeTarget.Stack)
        {
            deploy.Add("restart_policy", new YamlMappingNode { { "condition", oneShot ? "on-failure" : "any" }, { "delay", "5s" } });
            if (replicas is not null)
            {
                // New replicas start (and pass their health check) before old ones stop.
                deploy.Add("update_config", new YamlMappingNode { { "order", "start-first" }, { "parallelism", "1" }, { "failure_action", "rollback" } });
            }
        }
        else
        {
            service.Add("restart", oneShot ? "no" : "unless-stopped");
        }
        service.Add("deploy", deploy);
        service.Add("logging", new YamlMappingNode
        {
            { "driver", "json-file" },
            { "options", new YamlMappingNode { { "max-size", "10m" }, { "max-file", "5" } } },
        });
        return service;
    }

    /// <summary>The resource's environment as its callbacks give it in publish mode, in compose terms.</summary>
    private async Task<YamlMappingNode> EnvironmentAsync(IResource resource, List<string> secrets, CancellationToken ct)
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
            // Telemetry is set below. The API trusts the networks in ForwardedHeaders__KnownNetworks, not every proxy as
            // ASPNETCORE_FORWARDEDHEADERS_ENABLED would.
            if (name.StartsWith("OTEL_", StringComparison.Ordinal) || name.StartsWith("ASPIRE_", StringComparison.Ordinal)
                || name == "ASPNETCORE_FORWARDEDHEADERS_ENABLED"
                || connectionParts.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)))
            {
                continue;
            }
            switch (value)
            {
                case ParameterResource { Secret: true } parameter:
                    secrets.Add(Secret(SecretName(parameter), $"Parameter {parameter.Name}") + ":" + name);
                    continue;
                case ConnectionStringReference { Resource: PostgresDatabaseResource database }:
                    environment.Add(name, $"Host={database.Parent.Name};Port=5432;Username={AppDatabaseUser};Database={database.DatabaseName}");
                    AddOnce(secrets, AppDatabasePasswordSecret + ":Database__Password");
                    continue;
                case ConnectionStringReference { Resource: RedisResource redis }:
                    environment.Add(name, $"{redis.Name}:6379");
                    AddOnce(secrets, Secret(SecretName(redis.PasswordParameter!), "") + ":Redis__Password");
                    continue;
            }
            if (await RenderAsync(value, ct) is { } rendered)
            {
                environment.Add(name, rendered);
            }
        }
        if (resource is ProjectResource)
        {
            Set(environment, "OTEL_EXPORTER_OTLP_ENDPOINT", Configuration("OTLP_ENDPOINT",
                "Where the services send traces, metrics and logs: the dashboard (kept in memory only), or a persistent OTLP backend; its headers are the secret file otel-exporter-otlp-headers", $"http://{Dashboard}:18889"));
            Set(environment, "OTEL_EXPORTER_OTLP_PROTOCOL", Configuration("OTLP_PROTOCOL", "grpc or http/protobuf", "grpc"));
            Set(environment, "OTEL_SERVICE_NAME", resource.Name);
            AddOnce(secrets, Secret("otel-exporter-otlp-headers", "OTLP headers the services send (x-otlp-api-key=<the dashboard's key>, or your backend's)") + ":OTEL_EXPORTER_OTLP_HEADERS");
        }
        return environment;
    }

    /// <summary>A value in compose terms; null for values that have no meaning outside the AppHost; a secret inside a
    /// larger value fails, because it would end up in the environment.</summary>
    private async Task<string?> RenderAsync(object value, CancellationToken ct) => value switch
    {
        string text => text,
        ParameterResource { Secret: true } parameter => throw new InvalidOperationException(
            $"Cannot publish the secret parameter {parameter.Name} inside a larger value: it would be in the environment. Pass it alone (WithEnvironment(name, parameter)), and it becomes a secret file."),
        ParameterResource parameter => Configuration(EnvName(parameter.Name), $"Parameter {parameter.Name}", await SafeValueAsync(parameter, ct)),
        ConnectionStringReference reference => await RenderAsync(reference.Resource.ConnectionStringExpression, ct),
        // No certificates inside the stack: HTTPS endpoints do not exist there (the edge terminates TLS).
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
        ReferenceExpression expression => await RenderExpressionAsync(expression, ct),
        IValueProvider => null,
        _ => value.ToString(),
    };

    private async Task<string?> RenderExpressionAsync(ReferenceExpression expression, CancellationToken ct)
    {
        var parts = new List<string?>();
        foreach (var provider in expression.ValueProviders)
        {
            parts.Add(await RenderAsync(provider, ct));
        }
        return parts.All(p => p is not null)
            ? Placeholder().Replace(expression.Format, m => parts[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)]!)
            : null;
    }

    private async Task<List<string>> ArgsAsync(IResource resource, CancellationToken ct)
    {
        var args = new List<object>();
        if (resource.TryGetAnnotationsOfType<CommandLineArgsCallbackAnnotation>(out var callbacks))
        {
            var context = new CommandLineArgsCallbackContext(args, resource, ct);
            foreach (var callback in callbacks)
            {
                await callback.Callback(context);
            }
        }
        var rendered = new List<string>();
        foreach (var arg in args)
        {
            if (arg is ParameterResource { Secret: true } parameter)
            {
                throw new InvalidOperationException($"Cannot publish {resource.Name}: its argument {parameter.Name} is a secret, and a command line is visible to every process and to docker inspect.");
            }
            rendered.Add(await RenderAsync(arg, ct) ?? throw new InvalidOperationException($"Cannot publish {resource.Name}: its argument '{arg}' has no value outside the AppHost."));
        }
        return rendered;
    }

    private static string EndpointPort(EndpointReference endpoint) => endpoint.Resource switch
    {
        ProjectResource => ProjectPort.ToString(CultureInfo.InvariantCulture),
        _ => (endpoint.EndpointAnnotation.TargetPort ?? throw new InvalidOperationException(
            $"Cannot publish the endpoint {endpoint.EndpointName} of {endpoint.Resource.Name}: it has no target port.")).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Volumes of the resource's <c>WithDataVolume()</c> and friends; a bind mount cannot travel with the files.</summary>
    private IEnumerable<string> Mounts(IResource resource)
    {
        foreach (var mount in resource.Annotations.OfType<ContainerMountAnnotation>())
        {
            if (mount.Type != ContainerMountType.Volume)
            {
                throw new InvalidOperationException($"Cannot publish the bind mount {mount.Source} of {resource.Name}: use a volume (WithDataVolume).");
            }
            // Aspire names volumes {app}-{hash}-{resource}-{suffix}: the stack keeps {resource}-{suffix}.
            var source = mount.Source ?? $"{resource.Name}-data";
            var index = source.IndexOf($"-{resource.Name}-", StringComparison.Ordinal);
            var name = index >= 0 ? source[(index + 1)..] : source;
            yield return $"{Volume(name)}:{mount.Target}{(mount.IsReadOnly ? ":ro" : "")}";
        }
    }

    private List<PostgresDatabaseResource> Databases(PostgresServerResource postgres) =>
        model.Resources.OfType<PostgresDatabaseResource>().Where(d => d.Parent == postgres).ToList() is { Count: > 0 } databases ? databases
            : throw new InvalidOperationException($"Cannot publish {postgres.Name}: it has no database (AddDatabase).");

    private YamlMappingNode DependsOn(IResource resource)
    {
        var dependsOn = new YamlMappingNode();
        void Add(string target, string condition)
        {
            if (!dependsOn.Children.ContainsKey(new YamlScalarNode(target)))
            {
                dependsOn.Add(target, new YamlMappingNode { { "condition", condition } });
            }
        }
        foreach (var wait in resource.Annotations.OfType<WaitAnnotation>())
        {
            var (target, healthChecked) = wait.Resource switch
            {
                PostgresDatabaseResource database => (database.Parent.Name, true),
                var other => (other.Name, other.Annotations.OfType<HealthCheckAnnotation>().Any() || other is RedisResource),
            };
            if (wait.WaitType == WaitType.WaitForCompletion)
            {
                Add(target, "service_completed_successfully");
                continue;
            }
            Add(target, healthChecked ? "service_healthy" : "service_started");
            if (wait.Resource is PostgresDatabaseResource && resource is ProjectResource project && !project.GetEndpoints().Any())
            {
                // Migrations change the schema only after a fresh dump (restore.sh dump undoes them).
                Add(BackupBeforeMigrations, "service_completed_successfully");
            }
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

    private string AppImage(string name) =>
        $"${{CHATAPP_REGISTRY:?set CHATAPP_REGISTRY in .env}}/chatapp-{name}:${{CHATAPP_VERSION:?set CHATAPP_VERSION in .env}}";

    private static string Image(ContainerResource resource, string repository) =>
        $"{repository}:{resource.Annotations.OfType<ContainerImageAnnotation>().Last().Tag}";

    private string Volume(string name)
    {
        _volumes.Add(name);
        return name;
    }

    private YamlSequenceNode Configs(params string[] scripts)
    {
        foreach (var script in scripts)
        {
            _configs.Add(script);
        }
        return new YamlSequenceNode(scripts.Select(s => (YamlNode)new YamlMappingNode
        {
            { "source", ConfigName(s) },
            { "target", $"{Scripts}/{s}" },
        }));
    }

    private static string ConfigName(string script) => Path.GetFileNameWithoutExtension(script);

    /// <summary>Records a secret file (<c>./secrets/{name}</c>) and returns its name.</summary>
    private string Secret(string name, string description)
    {
        if (!_secrets.ContainsKey(name) || _secrets[name].Length == 0)
        {
            _secrets[name] = description;
        }
        return name;
    }

    /// <summary><c>name</c> or <c>name:Target__Key</c> as a service's secret: the file's name in /run/secrets is the setting.</summary>
    private static YamlNode SecretTarget(string spec) => spec.Split(':', 2) is [var source, var target]
        ? new YamlMappingNode { { "source", source }, { "target", target } }
        : new YamlScalarNode(spec);

    private static string SecretName(ParameterResource parameter) => parameter.Name.ToLowerInvariant();

    private static void AddOnce(List<string> list, string item)
    {
        if (!list.Contains(item))
        {
            list.Add(item);
        }
    }

    private static YamlMappingNode HostPort(string published, int target) => new()
    {
        { "target", target.ToString(CultureInfo.InvariantCulture) },
        { "published", published },
        { "protocol", "tcp" },
        { "mode", "host" },
    };

    /// <summary>A <c>${NAME:-default}</c> setting of .env (a required one when it has no default).</summary>
    private string Configuration(string name, string description, string? defaultValue)
    {
        if (_env.All(e => e.Name != name))
        {
            _env.Add(new EnvEntry(name, description, defaultValue));
        }
        return defaultValue is null ? $"${{{name}:?set {name} in .env}}" : $"${{{name}:-{defaultValue}}}";
    }

    private async Task<string> EnvFileAsync(CancellationToken ct)
    {
        var text = new StringBuilder();
        text.AppendLine("# Settings of docker-compose.yaml and docker-stack.yaml, written by the AppHost's publish step.");
        text.AppendLine("# Secrets are not here: they are files in ./secrets (./secrets.sh creates them).");
        text.AppendLine();
        text.AppendLine("# Where the app images are pushed and pulled from, and which version runs (the git commit it was built from).");
        text.AppendLine("CHATAPP_REGISTRY=localhost:5000");
        text.AppendLine($"CHATAPP_VERSION={await GitCommitAsync(ct)}");
        foreach (var entry in _env)
        {
            text.AppendLine();
            text.AppendLine($"# {entry.Description}");
            text.AppendLine($"{entry.Name}={entry.DefaultValue ?? ""}");
        }
        text.AppendLine();
        text.AppendLine("# Secret files in ./secrets (created by ./secrets.sh; the README says how to rotate each):");
        foreach (var (name, description) in _secrets)
        {
            text.AppendLine($"#   {name}: {description}");
        }
        return text.ToString();
    }

    private async Task<string> GitCommitAsync(CancellationToken ct)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["rev-parse", "--short=12", "HEAD"])
            {
                WorkingDirectory = _repositoryRoot,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var commit = (await git.StandardOutput.ReadToEndAsync(ct)).Trim();
            await git.WaitForExitAsync(ct);
            return git.ExitCode == 0 && commit.Length > 0 ? commit : "dev";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "dev";
        }
    }

    private static async Task<string?> SafeValueAsync(ParameterResource parameter, CancellationToken ct)
    {
        try
        {
            return await parameter.GetValueAsync(ct);
        }
        catch (Exception e) when (e is InvalidOperationException or MissingParameterValueException)
        {
            return null;
        }
    }

    private static async Task WriteYamlAsync(string path, YamlMappingNode root, ComposeTarget target, CancellationToken ct)
    {
        ApplyStyles(root);
        using var yaml = new StringWriter();
        new YamlStream(new YamlDocument(root)).Save(yaml, assignAnchors: false);
        var header = target == ComposeTarget.Compose
            ? "# Written by the AppHost's publish step from the app model; change ChatApp.AppHost/Program.cs, not this file.\n# One host: ./secrets.sh, then docker compose up -d (the README's runbook).\n"
            : "# Written by the AppHost's publish step from the app model; change ChatApp.AppHost/Program.cs, not this file.\n# Docker Swarm: ./secrets.sh, then: set -a; . ./.env; set +a; docker stack deploy -c docker-stack.yaml chatapp\n";
        await File.WriteAllTextAsync(path, header + DocumentEnd().Replace(yaml.ToString(), "\n"), new UTF8Encoding(false), ct);
    }

    private static string EnvName(string name) => name.Replace('-', '_').ToUpperInvariant();

    private static void Set(YamlMappingNode mapping, string key, string value) =>
        mapping.Children[new YamlScalarNode(key)] = new YamlScalarNode(value);

    private static YamlMappingNode HealthCheck(YamlSequenceNode test, string startPeriod = "10s") => new()
    {
        { "test", test },
        { "interval", "5s" },
        { "timeout", "5s" },
        { "retries", "12" },
        { "start_period", startPeriod },
    };

    private static YamlSequenceNode Sequence(params string[] items) => new(items.Select(i => new YamlScalarNode(i)));

    private static string Relative(string from, string to)
    {
        var relative = Path.GetRelativePath(from, to).Replace('\\', '/');
        return relative == "." ? "." : relative.StartsWith('.') ? relative : "./" + relative;
    }

    /// <summary>
    /// Quotes every value YAML could read as something else ("8080:8080" is a base-60 number in YAML 1.1, "no" a
    /// boolean); keys, plain words and integers stay plain; several lines are a literal block.
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
            case YamlScalarNode { Tag.IsEmpty: false } typed:
                typed.Style = ScalarStyle.Plain;
                break;
            case YamlScalarNode scalar:
                var value = scalar.Value ?? "";
                var plain = (PlainSafe().IsMatch(value) && !YamlWords.Contains(value)) || IntegerPattern().IsMatch(value);
                scalar.Style = plain ? ScalarStyle.Plain : value.Contains('\n') ? ScalarStyle.Literal : ScalarStyle.DoubleQuoted;
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

    private sealed record EnvEntry(string Name, string Description, string? DefaultValue);
}

/// <summary>CPU and memory of one service, and where the numbers come from.</summary>
internal sealed record ServiceLimits(string Cpus, string Memory, string Reservation, string Why);

/// <summary>
/// Limits sized from measurements on a 2-core, 24 GiB machine (README, Production: "How the limits were sized").
/// </summary>
internal static class Limits
{
    public static readonly ServiceLimits Api = new("1.0", "1g", "256m",
        "211 MiB idle, 872 MiB with 19,500 hub connections; 0.4-0.5 of a core at 2,000-5,000 msg/s");
    public static readonly ServiceLimits Postgres = new("2.0", "2g", "512m",
        "0.6-0.8 of a core at 2,000-5,000 msg/s; shared_buffers 128 MB plus a backend per connection");
    public static readonly ServiceLimits Redis = new("0.5", "256m", "32m", "0.1 of a core at 5,000 msg/s, no data kept");
    public static readonly ServiceLimits Edge = new("1.0", "256m", "32m", "nginx: a few MiB per worker; proxies every message");
    public static readonly ServiceLimits Dashboard = new("0.5", "768m", "256m", "keeps telemetry in memory, up to its item limits");
    public static readonly ServiceLimits Migrations = new("1.0", "512m", "128m", "a one-shot .NET worker");
    public static readonly ServiceLimits Backup = new("1.0", "512m", "64m", "pg_dump and pg_basebackup stream; gzip takes the CPU");
}
