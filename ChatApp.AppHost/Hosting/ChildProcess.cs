using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ChatApp.AppHost.Hosting;

/// <summary>
/// A child process in its own session and process group (via <c>setsid</c>), so that the terminal's Ctrl+C reaches
/// only the AppHost, which then stops its children in order, and so that stopping one stops everything it spawned
/// (<c>npm</c> → <c>sh</c> → <c>node</c>).
/// </summary>
internal sealed class ChildProcess
{
    private const int SigTerm = 15, SigKill = 9;
    private readonly Process _process;
    private readonly bool _ownGroup;
    private readonly Queue<string> _recent = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process, bool ownGroup)
    {
        _process = process;
        _ownGroup = ownGroup;
    }

    public int Id { get; private set; }

    /// <summary>Completes with the exit code once the process ended and its output was read.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>Starts <paramref name="fileName"/>; every output line goes to <paramref name="output"/> (line, is-error).</summary>
    public static ChildProcess Start(string fileName, IEnumerable<string> args, string workingDirectory,
        IReadOnlyDictionary<string, string> environment, Action<string, bool> output)
    {
        var setsid = OperatingSystem.IsLinux() && File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : null;
        var startInfo = new ProcessStartInfo
        {
            FileName = setsid ?? fileName,
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Not the terminal: children must not read the AppHost's keyboard.
            RedirectStandardInput = true,
        };
        if (setsid is not null)
        {
            startInfo.ArgumentList.Add(fileName);
        }
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var child = new ChildProcess(process, ownGroup: setsid is not null);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data, isError: false, output);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, isError: true, output);
        process.Exited += (_, _) => child.OnExited();
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException($"cannot run {fileName}: {e.Message}", e);
        }
        child.Id = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The most telling recent output line: the last one that reads like an error, else the last one.</summary>
    public string? FailureHint()
    {
        string[] lines;
        lock (_recent)
        {
            lines = [.. _recent];
        }
        var hint = lines.LastOrDefault(l =>
                       l.Contains("error", StringComparison.OrdinalIgnoreCase) ||
                       l.Contains("exception", StringComparison.OrdinalIgnoreCase) ||
                       l.Contains("fail", StringComparison.OrdinalIgnoreCase) ||
                       l.Contains("fatal", StringComparison.OrdinalIgnoreCase))
                   ?? lines.LastOrDefault(l => !string.IsNullOrWhiteSpace(l));
        if (hint is null)
        {
            return null;
        }
        hint = hint.Trim();
        return hint.Length > 200 ? hint[..200] + "…" : hint;
    }

    /// <summary>SIGTERM to its process group, then SIGKILL after <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (!_exited.Task.IsCompleted)
        {
            Signal(SigTerm);
            if (await Task.WhenAny(_exited.Task, Task.Delay(timeout)) != _exited.Task)
            {
                Signal(SigKill);
                try
                {
                    _process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // Already gone.
                }
                await Task.WhenAny(_exited.Task, Task.Delay(TimeSpan.FromSeconds(5)));
            }
        }
        KillLeftovers();
    }

    private void Signal(int signal)
    {
        if (OperatingSystem.IsWindows())
        {
            if (signal == SigKill)
            {
                try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            }
            return;
        }
        _ = kill(_ownGroup ? -Id : Id, signal);
    }

    /// <summary>Whatever the process spawned and left in its group (a <c>node</c> under an exited <c>npm</c>) is killed.</summary>
    private void KillLeftovers()
    {
        if (_ownGroup && !OperatingSystem.IsWindows() && kill(-Id, 0) == 0)
        {
            _ = kill(-Id, SigKill);
        }
    }

    private void OnLine(string? line, bool isError, Action<string, bool> output)
    {
        if (line is null)
        {
            return;
        }
        lock (_recent)
        {
            _recent.Enqueue(line);
            if (_recent.Count > 100)
            {
                _recent.Dequeue();
            }
        }
        output(line, isError);
    }

    private void OnExited()
    {
        int code;
        try
        {
            // Waits for the output readers to reach the end, so the last lines are logged before the exit.
            _process.WaitForExit();
            code = _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            code = -1;
        }
        KillLeftovers();
        _exited.TrySetResult(code);
        _process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
