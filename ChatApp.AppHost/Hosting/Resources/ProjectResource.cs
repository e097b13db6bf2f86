namespace ChatApp.AppHost.Hosting.Resources;

/// <summary>A .NET project run from its build output with <c>dotnet &lt;dll&gt;</c>.</summary>
public sealed class ProjectResource(string name, IProjectMetadata project) : Resource(name)
{
    /// <inheritdoc />
    public override string Type => "Project";

    /// <summary>The project's paths.</summary>
    public IProjectMetadata Project { get; } = project;

    /// <summary>Named volumes mounted in the published container (name, path in the container).</summary>
    public List<(string Name, string Target)> PublishVolumes { get; } = [];

    /// <summary>Project folder: the working directory (content root), as with <c>dotnet run</c>.</summary>
    public string ProjectDirectory => Path.GetDirectoryName(Project.ProjectPath)!;

    internal override async Task<RunningResource> StartAsync(ResourceContext context, CancellationToken cancellationToken)
    {
        if (!File.Exists(Project.TargetPath))
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(Project.ProjectPath)} is not built ({Project.TargetPath} is missing); build the AppHost first: dotnet build ChatApp.AppHost");
        }

        var env = await context.BuildEnvironmentAsync(dotnet: true, cancellationToken);
        if (Endpoint is { } endpoint)
        {
            env["ASPNETCORE_URLS"] = endpoint.Url;
        }
        ApplyOverrides(context, env);

        var process = ChildProcess.Start(Probes.DotNetHost(), [Project.TargetPath], ProjectDirectory, env, context.Log);
        return RunningResource.ForProcess(this, process, context, env);
    }

    internal static void ApplyOverrides(ResourceContext context, Dictionary<string, string> env)
    {
        if (context.Options.EnvironmentOverrides.TryGetValue(context.Resource.Name, out var overrides))
        {
            foreach (var (key, value) in overrides)
            {
                env[key] = value;
            }
        }
    }
}
