using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.JavaScript;

namespace Aspire.Hosting.JavaScript
{
    /// <summary>A Vite app run by node (the shape of Aspire.Hosting.JavaScript's resource of the same name).</summary>
    public class ViteAppResource(string name, string command, string workingDirectory)
        : ExecutableResource(name, command, workingDirectory), IResourceWithServiceDiscovery;

    /// <summary>Installs a JavaScript app's packages before it starts.</summary>
    public class JavaScriptInstallerResource(string name, string workingDirectory)
        : ExecutableResource(name, "npm", workingDirectory);
}

namespace Aspire.Hosting
{
    /// <summary>
    /// <c>AddViteApp</c> with the name and shape of Aspire.Hosting.JavaScript's (not served here), so that package can
    /// replace this file in one line.
    /// </summary>
    public static class ViteAppExtensions
    {
        /// <summary>
        /// Adds the Vite dev server of <paramref name="appDirectory"/> as an executable resource with an <c>http</c>
        /// endpoint given to Vite in <c>PORT</c>. It runs <c>node node_modules/vite/bin/vite.js</c> rather than
        /// <c>npm run dev</c>, which ignores SIGTERM. In run mode <c>npm ci</c> runs first, as <c>{name}-installer</c>,
        /// when <c>node_modules</c> is missing or older than <c>package-lock.json</c>.
        /// </summary>
        public static IResourceBuilder<ViteAppResource> AddViteApp(this IDistributedApplicationBuilder builder, [ResourceName] string name, string appDirectory)
        {
            appDirectory = Path.GetFullPath(appDirectory, builder.AppHostDirectory);
            var vite = builder.AddResource(new ViteAppResource(name, "node", appDirectory))
                .WithArgs(Path.Combine("node_modules", "vite", "bin", "vite.js"))
                .WithHttpEndpoint(env: "PORT")
                .WithIconName("CodeJsRectangle");

            if (builder.ExecutionContext.IsRunMode && PackagesNeedInstall(appDirectory))
            {
                var installer = builder.AddResource(new JavaScriptInstallerResource($"{name}-installer", appDirectory))
                    .WithArgs("ci", "--no-audit", "--no-fund")
                    .WithParentRelationship(vite.Resource)
                    .ExcludeFromManifest();
                vite.WaitForCompletion(installer);
            }
            return vite;
        }

        private static bool PackagesNeedInstall(string appDirectory)
        {
            // npm rewrites node_modules/.package-lock.json on every install: its time is the install's.
            var installed = new FileInfo(Path.Combine(appDirectory, "node_modules", ".package-lock.json"));
            var locked = new FileInfo(Path.Combine(appDirectory, "package-lock.json"));
            return !installed.Exists || (locked.Exists && installed.LastWriteTimeUtc < locked.LastWriteTimeUtc);
        }
    }
}
