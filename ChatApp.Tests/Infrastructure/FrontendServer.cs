using System.Diagnostics;
using System.Net;
using System.Text;

namespace ChatApp.Tests.Infrastructure;

/// <summary>
/// The <c>frontend/</c> project as the tests need it: npm packages installed and <c>dist/</c> built when they are
/// missing or stale, so a single <c>dotnet test ChatApp.sln</c> on a fresh clone works.
/// </summary>
public static class FrontendProject
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static string Root { get; } = Path.Combine(RepoPaths.Root, "frontend");

    private static string NodeModules => Path.Combine(Root, "node_modules");

    /// <summary>Runs <c>npm ci</c> when node_modules is missing or older than package-lock.json.</summary>
    public static async Task EnsureInstalledAsync()
    {
        await Gate.WaitAsync();
        try
        {
            // npm writes node_modules/.package-lock.json on every install: its time is the install's.
            var installed = LastWrite(Path.Combine(NodeModules, ".package-lock.json"));
            var vite = Path.Combine(NodeModules, ".bin", "vite");
            if (installed is null || !File.Exists(vite) || installed < LastWrite(Path.Combine(Root, "package-lock.json")))
            {
                await RunNpmAsync(TimeSpan.FromMinutes(10), "ci", "--no-audit", "--no-fund");
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Runs <c>npm run build</c> when dist/ is missing or older than any of its sources.</summary>
    public static async Task EnsureBuiltAsync()
    {
        await EnsureInstalledAsync();
        await Gate.WaitAsync();
        try
        {
            // Every build rewrites the manifest: its time is the build's.
            var built = LastWrite(Path.Combine(Root, "dist", ".vite", "manifest.json"));
            if (built is null || built < NewestSource())
            {
                await RunNpmAsync(TimeSpan.FromMinutes(10), "run", "build");
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Runs npm in frontend/ and returns its exit code and combined output (it never throws for a non-zero exit).</summary>
    public static Task<ProcessResult> NpmAsync(TimeSpan timeout, params string[] args) =>
        ProcessRunner.RunAsync("npm", args, Root, timeout, new Dictionary<string, string?>
        {
            ["NO_COLOR"] = "1",
            ["FORCE_COLOR"] = "0",
            ["CI"] = "true",
        });

    private static async Task RunNpmAsync(TimeSpan timeout, params string[] args)
    {
        var result = await NpmAsync(timeout, args);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"`npm {string.Join(' ', args)}` in {Root} exited with {result.ExitCode}:\n{result.Output}");
        }
    }

    private static DateTime NewestSource()
    {
        var files = new List<string>();
        foreach (var dir in new[] { "src", "public", "vite" })
        {
            var path = Path.Combine(Root, dir);
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories));
            }
        }
        files.AddRange(new[] { "index.html", "widget.html", "admin.html", "vite.config.js", "package-lock.json" }
            .Select(f => Path.Combine(Root, f)));
        return files.Select(LastWrite).Max() ?? DateTime.MinValue;
    }

    private static DateTime? LastWrite(string path) => File.Exists(path) ? File.GetLastWriteTimeUtc(path) : null;
}

public sealed record ProcessResult(int ExitCode, string Output);

public static class ProcessRunner
{
    /// <summary>Runs a program to its end (killing its whole tree after <paramref name="timeout"/>), capturing stdout and stderr together.</summary>
    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> args, string workingDirectory,
        TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null)
    {
        using var process = Create(fileName, args, workingDirectory, environment);
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Could not start `{fileName}` ({e.Message}); is it installed and on PATH?", e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Append(output, $"[killed after {timeout}]");
            return new ProcessResult(-1, Snapshot(output));
        }
        process.WaitForExit(); // flushes the asynchronous output readers
        return new ProcessResult(process.ExitCode, Snapshot(output));
    }

    public static Process Create(string fileName, IEnumerable<string> args, string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // never let a child wait on the test runner's console
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }
        return new Process { StartInfo = info };
    }

    internal static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    internal static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}

/// <summary>
/// The built front end served by <c>vite preview</c> on a free loopback port, proxying <c>/api</c>, <c>/hubs</c> and
/// <c>/uploads</c> to the API (as the AppHost wires it: <c>services__api__http__0</c> and <c>PORT</c>).
/// Disposing it kills the whole process tree.
/// </summary>
public sealed class FrontendServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private FrontendServer(Process process, StringBuilder output, Uri baseAddress)
    {
        _process = process;
        _output = output;
        BaseAddress = baseAddress;
    }

    /// <summary>e.g. <c>http://127.0.0.1:41235</c> (no trailing slash).</summary>
    public Uri BaseAddress { get; }

    public string Url(string path) => BaseAddress.ToString().TrimEnd('/') + path;

    public string Output => ProcessRunner.Snapshot(_output);

    public static async Task<FrontendServer> StartAsync(Uri apiBaseAddress)
    {
        await FrontendProject.EnsureBuiltAsync();
        var port = LoopbackPorts.PickFree();
        var process = ProcessRunner.Create(
            Path.Combine(FrontendProject.Root, "node_modules", ".bin", "vite"),
            ["preview", "--port", port.ToString(), "--strictPort"],
            FrontendProject.Root,
            new Dictionary<string, string?>
            {
                ["services__api__http__0"] = apiBaseAddress.GetLeftPart(UriPartial.Authority),
                ["PORT"] = port.ToString(),
                ["NO_COLOR"] = "1",
            });
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => ProcessRunner.Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => ProcessRunner.Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new FrontendServer(process, output, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await server.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    private async Task WaitUntilAnsweringAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"vite preview exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                using var response = await client.GetAsync(Url("/widget"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
                last = new HttpRequestException($"GET /widget answered {(int)response.StatusCode}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"vite preview did not answer on {BaseAddress} within {timeout} ({last?.Message}):\n{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // Already gone, or stuck: nothing more a test can do.
        }
        _process.Dispose();
    }
}
