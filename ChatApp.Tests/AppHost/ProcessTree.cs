using System.Diagnostics;
using System.Reflection;
using System.Text;
using ChatApp.AppHost.Hosting;

namespace ChatApp.Tests.AppHost;

/// <summary>Reads /proc to find the processes an app started, and whether any is left.</summary>
internal static class ProcessTree
{
    /// <summary>Every live descendant of <paramref name="root"/> (pid → command line).</summary>
    public static Dictionary<int, string> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && ReadStat(pid) is { } stat && stat.State != 'Z')
            {
                parents[pid] = stat.ParentId;
            }
        }
        var found = new Dictionary<int, string>();
        var queue = new Queue<int>([root]);
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            foreach (var (pid, parent) in parents)
            {
                if (parent == current && !found.ContainsKey(pid))
                {
                    found[pid] = CommandLine(pid);
                    queue.Enqueue(pid);
                }
            }
        }
        return found;
    }

    /// <summary>The live direct children of <paramref name="parent"/> (pid → command line).</summary>
    public static Dictionary<int, string> Children(int parent)
    {
        var found = new Dictionary<int, string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && ReadStat(pid) is { State: not 'Z' } stat && stat.ParentId == parent)
            {
                found[pid] = CommandLine(pid);
            }
        }
        return found;
    }

    /// <summary>Still running (a zombie waiting to be reaped does not count).</summary>
    public static bool IsAlive(int pid) => ReadStat(pid) is { State: not 'Z' };

    /// <summary>Live processes whose environment holds <paramref name="marker"/> (children inherit it).</summary>
    public static List<string> WithEnvironmentMarker(string marker)
    {
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId || !IsAlive(pid))
            {
                continue;
            }
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "environ")).Contains(marker, StringComparison.Ordinal))
                {
                    found.Add($"{pid} {CommandLine(pid)}");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone, or not ours to read.
            }
        }
        return found;
    }

    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static (char State, int ParentId)? ReadStat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}

/// <summary>Runs the built AppHost as its own process, the way a developer does, and reports what it printed.</summary>
internal static class AppHostProcess
{
    public sealed record Result(int ExitCode, string Output, List<string> LeftRunning);

    public static async Task<Result> RunAsync(TimeSpan timeout, params string[] args)
    {
        var marker = "CHATAPP_TEST_RUN_" + Guid.NewGuid().ToString("N");
        var startInfo = new ProcessStartInfo(DotNetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(AppHostDll());
        foreach (var arg in args.Concat(["--AppHost:ShowLogs=false", "--Postgres:Ephemeral=true", "--AppHost:PersistParameters=false"]))
        {
            startInfo.ArgumentList.Add(arg);
        }
        startInfo.Environment[marker] = "1";

        var output = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using (var cts = new CancellationTokenSource(timeout))
        {
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"The AppHost did not exit within {timeout}. Output:\n{output}");
            }
        }
        process.WaitForExit();

        // Whatever inherited the marker and still runs was left behind (children of an exited AppHost are
        // re-parented, so the environment is the reliable trace).
        var left = ProcessTree.WithEnvironmentMarker(marker);
        for (var i = 0; i < 20 && left.Count > 0; i++)
        {
            await Task.Delay(250);
            left = ProcessTree.WithEnvironmentMarker(marker);
        }
        lock (output)
        {
            return new Result(process.ExitCode, output.ToString(), left);
        }
    }

    private static string AppHostDll()
    {
        var assembly = typeof(AppHostBuilder).Assembly;
        var projectDirectory = assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "AppHostProjectDirectory").Value!;
        var configuration = assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var framework = Path.GetFileName(Path.GetDirectoryName(typeof(AppHostProcess).Assembly.Location))!;
        var dll = Path.Combine(projectDirectory, "bin", configuration, framework, "ChatApp.AppHost.dll");
        Assert.True(File.Exists(dll), $"The AppHost is not built: {dll}");
        return dll;
    }

    private static string DotNetHost()
    {
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk))
        {
            return fromSdk;
        }
        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
