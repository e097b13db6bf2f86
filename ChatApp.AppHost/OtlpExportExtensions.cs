using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static class OtlpExportExtensions
{
    /// <summary>
    /// Turns off the OTLP exporter's in-memory retry that Aspire enables for projects. On Ctrl+C the dashboard stops
    /// with the services, and a stopping service would then retry its last export for about 12 s before it exits.
    /// </summary>
    public static IResourceBuilder<T> WithoutOtlpExportRetry<T>(this IResourceBuilder<T> builder) where T : IResourceWithEnvironment =>
        builder.WithEnvironment(context => context.EnvironmentVariables.Remove("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"));
}
