using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ChatApp.AppHost.Dashboard.Web;

/// <summary>
/// The pages' HTML, script and styles, embedded in the AppHost assembly (no npm, no files on disk). Every page path
/// serves the same shell; <c>app.js</c> renders the page for the path and polls the JSON API.
/// </summary>
internal static class StaticAssets
{
    private const string Prefix = "ChatApp.Dashboard.wwwroot.";

    private static readonly FrozenDictionary<string, (byte[] Content, string ContentType)> Assets = Load();

    /// <summary>Paths of the pages, as Aspire's dashboard names them.</summary>
    public static readonly string[] PagePaths = ["/", "/consolelogs", "/structuredlogs", "/traces", "/traces/{traceId}", "/metrics"];

    public static IEndpointRouteBuilder MapDashboardPages(this IEndpointRouteBuilder routes)
    {
        foreach (var path in PagePaths)
        {
            routes.MapGet(path, () => File("index.html"));
        }
        routes.MapGet("/assets/{file}", (string file, HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-cache";
            return File(file);
        });
        return routes;
    }

    private static IResult File(string name) =>
        Assets.TryGetValue(name, out var asset) ? Results.Bytes(asset.Content, asset.ContentType) : Results.NotFound();

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(StaticAssets).Assembly;
        var assets = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource[Prefix.Length..];
            var type = Path.GetExtension(name) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            assets[name] = (copy.ToArray(), type);
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
