namespace ChatApp.AppHost.Hosting.Resources;

/// <summary>A Vite front end: <c>npm ci</c> when needed, then <c>npm run dev</c> with <c>PORT</c> set.</summary>
public sealed class ViteAppResource(string name, string workingDirectory) : Resource(name)
{
    /// <inheritdoc />
    public override string Type => "ViteApp";

    /// <summary>Folder holding <c>package.json</c>.</summary>
    public string WorkingDirectory { get; } = workingDirectory;

    /// <summary>Port nginx listens on in the published image (<c>frontend/nginx.conf</c>).</summary>
    public int NginxPort { get; set; } = 80;

    /// <summary>The referenced service nginx proxies <c>/api</c>, <c>/hubs</c> and <c>/uploads</c> to (<c>API_URL</c>).</summary>
    public string ProxiedService { get; set; } = "api";

    /// <summary>The npm script started (<c>dev</c>).</summary>
    public string Script { get; set; } = "dev";

    internal override async Task<RunningResource> StartAsync(ResourceContext context, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(WorkingDirectory, "package.json")))
        {
            throw new InvalidOperationException($"no package.json in {WorkingDirectory}");
        }
        var npm = Probes.FindOnPath("npm")
                  ?? throw new InvalidOperationException("npm not found on PATH: install Node.js 20.19+ with npm (Debian: apt-get install nodejs npm)");

        var env = await context.BuildEnvironmentAsync(dotnet: false, cancellationToken);
        env["PORT"] = ResourceContext.Port(Endpoint!.AllocatedPort);
        ProjectResource.ApplyOverrides(context, env);

        if (NeedsInstall(WorkingDirectory, out var why))
        {
            context.Log($"npm ci ({why})");
            var install = ChildProcess.Start(npm, ["ci", "--no-audit", "--no-fund"], WorkingDirectory, env, context.Log);
            int code;
            try
            {
                code = await install.Exited.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                await install.StopAsync(TimeSpan.FromSeconds(2));
                throw;
            }
            if (code != 0)
            {
                throw new InvalidOperationException($"npm ci failed with exit code {code}: {install.FailureHint() ?? "no output"}");
            }
        }

        var process = ChildProcess.Start(npm, ["run", Script], WorkingDirectory, env, context.Log);
        return RunningResource.ForProcess(this, process, context, env);
    }

    /// <summary>node_modules is missing, or older than package-lock.json.</summary>
    internal static bool NeedsInstall(string directory, out string reason)
    {
        var modules = Path.Combine(directory, "node_modules");
        var lockFile = Path.Combine(directory, "package-lock.json");
        if (!Directory.Exists(modules))
        {
            reason = "node_modules is missing";
            return true;
        }
        // npm writes node_modules/.package-lock.json on every install: its time is the install's time.
        var marker = Path.Combine(modules, ".package-lock.json");
        var installedAt = File.Exists(marker) ? File.GetLastWriteTimeUtc(marker) : Directory.GetLastWriteTimeUtc(modules);
        if (File.Exists(lockFile) && File.GetLastWriteTimeUtc(lockFile) > installedAt)
        {
            reason = "node_modules is older than package-lock.json";
            return true;
        }
        reason = "";
        return false;
    }
}
