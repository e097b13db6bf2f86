using System.Diagnostics;

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

    /// <summary>Live processes whose command line contains <paramref name="fragment"/> (pid → command line).</summary>
    public static Dictionary<int, string> Matching(string fragment)
    {
        var found = new Dictionary<int, string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && IsAlive(pid) && CommandLine(pid) is var command
                && command.Contains(fragment, StringComparison.Ordinal))
            {
                found[pid] = command;
            }
        }
        return found;
    }

    /// <summary>Still running (a zombie waiting to be reaped does not count).</summary>
    public static bool IsAlive(int pid) => ReadStat(pid) is { State: not 'Z' };

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
