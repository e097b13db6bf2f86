using System.Globalization;

namespace ChatApp.LoadTest;

/// <summary>
/// CPU time of the server processes, from /proc (Linux): what a rung cost each server, whatever the load generator
/// beside it spends. Times are in seconds of one core.
/// </summary>
public static class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux the bench runs on (getconf CLK_TCK).

    /// <summary>User + system time of one process (all its threads).</summary>
    public static double Seconds(int pid) => Stat(pid) is { } s ? (s.UTime + s.STime) / TicksPerSecond : 0;

    /// <summary>
    /// User + system time of a server and all its children: the root's own time, the time of the children it has
    /// already reaped (cutime/cstime, so a backend that exits keeps counting) and the time of the live children.
    /// PostgreSQL's backends, walwriter, checkpointer and autovacuum are all children of the postmaster.
    /// </summary>
    public static double TreeSeconds(int rootPid)
    {
        if (Stat(rootPid) is not { } root) return 0;
        var ticks = root.UTime + root.STime + root.CUTime + root.CSTime;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == rootPid) continue;
            if (Stat(pid) is { } child && child.PPid == rootPid)
            {
                ticks += child.UTime + child.STime + child.CUTime + child.CSTime;
            }
        }
        return ticks / TicksPerSecond;
    }

    /// <summary>Busy and total time of the whole machine (all cores), from /proc/stat.</summary>
    public static (double Busy, double Total) Machine()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var idle = fields[3] + fields[4]; // idle + iowait
        var total = fields.Take(8).Sum(); // user nice system idle iowait irq softirq steal
        return ((total - idle) / TicksPerSecond, total / TicksPerSecond);
    }

    /// <summary>The 1-minute load average.</summary>
    public static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    /// <summary>Resident memory of a process, in bytes.</summary>
    public static long Rss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
        throw new InvalidOperationException($"No VmRSS for process {pid}.");
    }

    private sealed record ProcStat(int PPid, long UTime, long STime, long CUTime, long CSTime);

    private static ProcStat? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null; // gone meanwhile
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        // The command name is in parentheses and may hold spaces: the fields that follow start after the last ')'.
        var f = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        long L(int field) => long.Parse(f[field - 3], CultureInfo.InvariantCulture); // field numbers as in proc(5)
        return new ProcStat((int)L(4), L(14), L(15), L(16), L(17));
    }
}

/// <summary>A snapshot of every measured server's CPU time; the difference of two is what happened in between.</summary>
public sealed record CpuSnapshot(double[] Api, double Postgres, double Redis, double LoadGenerator, double MachineBusy, double MachineTotal, DateTime At)
{
    public static CpuSnapshot Take(IReadOnlyList<int> apiPids, int? postgresPid, int? redisPid)
    {
        var (busy, total) = ProcessCpu.Machine();
        return new CpuSnapshot(
            [.. apiPids.Select(ProcessCpu.Seconds)],
            postgresPid is { } pg ? ProcessCpu.TreeSeconds(pg) : 0,
            redisPid is { } redis ? ProcessCpu.Seconds(redis) : 0,
            System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
            busy, total, DateTime.UtcNow);
    }
}
