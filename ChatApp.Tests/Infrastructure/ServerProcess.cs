using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ChatApp.Tests.Infrastructure;

/// <summary>
/// A server the tests start from one of the AppHost's scripts (<c>postgres-server.sh</c>, <c>redis-server.sh</c>),
/// with its recent output for error messages; stopped with SIGTERM, as the AppHost stops it.
/// </summary>
public sealed class ServerProcess
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ServerProcess(Process process) => _process = process;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public static ServerProcess Start(string script, IReadOnlyDictionary<string, string> environment, IEnumerable<string>? arguments = null)
    {
        var start = new ProcessStartInfo(Path.Combine(RepoPaths.Root, "ChatApp.AppHost", script), arguments ?? [])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var server = new ServerProcess(new Process { StartInfo = start });
        server._process.OutputDataReceived += (_, e) => server.Record(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Record(e.Data);
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    }

    /// <summary>Polls <paramref name="ready"/> until it succeeds; fails with the server's output if it exits first.</summary>
    public async Task WaitUntilReadyAsync(Func<Task> ready, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Path.GetFileName(_process.StartInfo.FileName)} exited with code {_process.ExitCode}:\n{Output}");
            }
            try
            {
                await ready();
                return;
            }
            catch (Exception) when (deadline.Elapsed < timeout)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>SIGTERM, then SIGKILL if it has not stopped within 20 s.</summary>
    public void Stop()
    {
        if (_process.HasExited)
        {
            return;
        }
        _ = kill(_process.Id, 15);
        if (!_process.WaitForExit(TimeSpan.FromSeconds(20)))
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Add(line);
            if (_output.Count > 200)
            {
                _output.RemoveAt(0);
            }
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
