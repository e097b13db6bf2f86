using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>Redis run from the machine's <c>redis-server</c> (no container engine needed), as an executable resource.</summary>
public sealed class LocalRedisResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>The StackExchange.Redis connection string, as Aspire.Hosting.Redis gives it.</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)},password={PasswordParameter}");
}

/// <summary><c>AddLocalRedis(name)</c>: the shape of Aspire.Hosting.Redis's <c>AddRedis(name)</c>, on the local binary.</summary>
public static class LocalRedisExtensions
{
    /// <summary>The production image's tag: the version Debian 12 ships, which development and the tests run.</summary>
    public const string ImageTag = "7.0.15";

    /// <summary>
    /// Redis for this app: in run mode the local <c>redis-server</c> (or, with <c>Redis:UseContainer=true</c> where a
    /// container runtime exists, the official image); in publish mode always the official image.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddChatRedis(this IDistributedApplicationBuilder builder, string name)
    {
        if (builder.ExecutionContext.IsPublishMode || builder.Configuration.GetValue<bool>("Redis:UseContainer"))
        {
            return builder.AddRedis(name).WithImageTag(ImageTag);
        }
        return builder.AddLocalRedis(name);
    }

    /// <summary>Adds Redis as an executable resource (<c>redis-server.sh</c>): password-protected, on loopback, nothing persisted.</summary>
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, string name)
    {
        // StackExchange.Redis cannot take a password with a comma.
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var redis = new LocalRedisResource(name, Path.Combine(builder.AppHostDirectory, "redis-server.sh"), builder.AppHostDirectory, password);

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(
            _ => redis.ConnectionStringExpression.GetValueAsync(default).AsTask().GetAwaiter().GetResult()!,
            name: healthCheckKey);

        var resource = builder.AddResource(redis)
            .WithEndpoint(name: LocalRedisResource.PrimaryEndpointName, scheme: "tcp", env: "PORT")
            .WithEnvironment("REDIS_PASSWORD", password)
            .WithIconName("Memory")
            .WithHealthCheck(healthCheckKey);
        if (builder.Configuration["Redis:Server"] is { Length: > 0 } server)
        {
            resource.WithEnvironment("REDIS_SERVER", server);
        }
        return resource;
    }
}
