namespace ChatApp.Tests.Infrastructure;

/// <summary>
/// The production checks' tools, from Debian: docker-compose (v1, <c>docker-compose config</c>), nginx (the edge's
/// configuration, run for real), dnsmasq (a DNS server for nginx to re-resolve the API's name with) and pgBackRest-free
/// PostgreSQL tools (already there for the database tests). Installed with apt-get when missing and this is root, as
/// on CI; otherwise the tests fail saying what to install.
/// </summary>
public static class ProductionTools
{
    private static readonly (string Command, string Package)[] Tools =
        [("/usr/bin/docker-compose", "docker-compose"), ("/usr/sbin/nginx", "nginx"), ("/usr/sbin/dnsmasq", "dnsmasq-base")];

    private static readonly Lazy<Task> Installed = new(InstallAsync);

    public static Task EnsureInstalledAsync() => Installed.Value;

    private static async Task InstallAsync()
    {
        var missing = Tools.Where(t => !File.Exists(t.Command)).Select(t => t.Package).ToList();
        if (missing.Count == 0)
        {
            return;
        }
        if (Environment.UserName != "root" || !File.Exists("/usr/bin/apt-get"))
        {
            throw new InvalidOperationException($"The production checks need {string.Join(", ", missing)}: install them with `sudo apt-get install {string.Join(' ', missing)}`.");
        }
        // The package's own service must not start (nginx would take port 80): policy-rc.d says no to every start.
        var result = await ProcessRunner.RunAsync("bash",
            ["-c", $"apt-get update -qq && DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq {string.Join(' ', missing)}"], "/", TimeSpan.FromMinutes(15));
        if (result.ExitCode != 0 || Tools.Any(t => !File.Exists(t.Command)))
        {
            throw new InvalidOperationException($"Installing {string.Join(", ", missing)} with apt-get failed ({result.ExitCode}):\n{result.Output}");
        }
    }
}
