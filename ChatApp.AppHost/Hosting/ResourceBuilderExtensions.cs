using ChatApp.AppHost.Hosting.Resources;

namespace ChatApp.AppHost.Hosting;

/// <summary>The app model's vocabulary, named as in Aspire.</summary>
public static class ResourceBuilderExtensions
{
    /// <summary>
    /// A database on this server, created when the app starts; referencing it gives <c>ConnectionStrings__&lt;name&gt;</c>.
    /// </summary>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerResource> builder,
        string name, string? databaseName = null)
    {
        var database = new PostgresDatabaseResource(name, databaseName ?? name, builder.Resource);
        builder.Resource.Databases.Add(database);
        return builder.ApplicationBuilder.AddResource(database);
    }

    /// <summary>
    /// Keeps the server's data in <paramref name="path"/> between runs (relative to the AppHost project; default
    /// <c>../.data/&lt;name&gt;</c>, git-ignored). Without it, data lives in a temp folder deleted on stop.
    /// </summary>
    public static IResourceBuilder<PostgresServerResource> WithDataDirectory(this IResourceBuilder<PostgresServerResource> builder, string? path = null)
    {
        var options = builder.ApplicationBuilder.Options;
        builder.Resource.DataDirectory = Path.GetFullPath(Path.Combine(options.AppHostDirectory, path ?? Path.Combine("..", ".data", builder.Resource.Name)));
        return builder;
    }

    /// <summary>
    /// Gives this resource <paramref name="source"/>'s connection string (<c>ConnectionStrings__&lt;name&gt;</c>) or
    /// address (<c>services__&lt;name&gt;__http__0</c>).
    /// </summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<Resource> source) where T : Resource
    {
        if (source.Resource is not IResourceWithConnectionString)
        {
            EnsureHttpEndpoint(source.Resource);
        }
        if (!builder.Resource.References.Contains(source.Resource))
        {
            builder.Resource.References.Add(source.Resource);
        }
        return builder;
    }

    /// <summary>Starts this resource only once <paramref name="dependency"/> runs and is healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<Resource> dependency) where T : Resource
    {
        builder.Resource.Waits.Add(new WaitAnnotation(dependency.Resource, ForCompletion: false));
        return builder;
    }

    /// <summary>Starts this resource only once <paramref name="dependency"/> ran to completion with exit code 0.</summary>
    public static IResourceBuilder<T> WaitForCompletion<T>(this IResourceBuilder<T> builder, IResourceBuilder<Resource> dependency) where T : Resource
    {
        builder.Resource.Waits.Add(new WaitAnnotation(dependency.Resource, ForCompletion: true));
        return builder;
    }

    /// <summary>The resource is healthy when GET <paramref name="path"/> on its HTTP endpoint answers 2xx.</summary>
    public static IResourceBuilder<T> WithHttpHealthCheck<T>(this IResourceBuilder<T> builder, string path = "/health") where T : Resource
    {
        EnsureHttpEndpoint(builder.Resource);
        builder.Resource.HealthCheckPath = path.StartsWith('/') ? path : "/" + path;
        return builder;
    }

    /// <summary>Its HTTP endpoint is meant for people and the outside world (shown as an address to open; published on a host port).</summary>
    public static IResourceBuilder<T> WithExternalHttpEndpoints<T>(this IResourceBuilder<T> builder) where T : Resource
    {
        EnsureHttpEndpoint(builder.Resource).IsExternal = true;
        return builder;
    }

    /// <summary>Gives the resource an HTTP endpoint; <paramref name="port"/> pins the port (null: the AppHost chooses).</summary>
    public static IResourceBuilder<T> WithHttpEndpoint<T>(this IResourceBuilder<T> builder, int? port = null) where T : Resource
    {
        EnsureHttpEndpoint(builder.Resource).Port = port;
        return builder;
    }

    /// <summary>Sets an environment variable.</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string value) where T : Resource
    {
        builder.Resource.Environment[name] = new EnvironmentValue(value, null);
        return builder;
    }

    /// <summary>Sets an environment variable from a parameter (a placeholder in the published <c>.env</c>).</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, ParameterResource parameter) where T : Resource
    {
        builder.Resource.Environment[name] = new EnvironmentValue(null, parameter);
        return builder;
    }

    /// <summary>
    /// A named volume at <paramref name="target"/> in the published container (uploads, keys). Local runs keep such
    /// files in the project folder.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithVolume(this IResourceBuilder<ProjectResource> builder, string name, string target)
    {
        builder.Resource.PublishVolumes.Add((name, target));
        return builder;
    }

    private static EndpointAnnotation EnsureHttpEndpoint(Resource resource) =>
        resource.Endpoint ??= new EndpointAnnotation("http", "http");
}
