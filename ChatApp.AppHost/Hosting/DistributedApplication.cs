using System.Runtime.InteropServices;
using ChatApp.AppHost.Hosting.Publishing;
using ChatApp.AppHost.Hosting.Testing;
using Microsoft.Extensions.Configuration;

namespace ChatApp.AppHost.Hosting;

/// <summary>
/// The built app: starts the resources in dependency order (waiting for health or completion as declared), watches
/// them, and stops them in reverse order. The ChatApp counterpart of Aspire's <c>DistributedApplication</c>, named alike.
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable, IResourceCommands
{
    private readonly Dictionary<string, ResourceRun> _runs;
    private readonly IReadOnlyList<IAppHostLifecycleHook> _hooks;
    private readonly ResourceNotifications _notifications = new();
    private readonly ResourceLogs _logs = new();
    private readonly TaskCompletionSource _shutdownRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _stopLock = new(1, 1);
    private ConsoleReporter? _reporter;
    private IReadOnlyList<Resource>? _startOrder;
    private volatile bool _stopping;
    private bool _started, _stopped;
    private string? _failureReason;
    private DateTimeOffset _shutdownSignalledAt;

    internal DistributedApplication(AppHostOptions options, IConfiguration configuration, IReadOnlyList<Resource> resources,
        IReadOnlyList<ParameterResource> parameters, IReadOnlyList<IAppHostLifecycleHook> hooks)
    {
        Options = options;
        Configuration = configuration;
        Resources = resources;
        Parameters = parameters;
        _hooks = hooks;
        _runs = resources.ToDictionary(r => r.Name, r => new ResourceRun(r), StringComparer.OrdinalIgnoreCase);
        foreach (var resource in resources)
        {
            _notifications.Add(new ResourceSnapshot(resource.Name, resource.Type, ResourceState.NotStarted, null, null, null,
                null, null, null, null, new Dictionary<string, string>()));
        }
    }

    /// <summary>Settings of this run.</summary>
    public AppHostOptions Options { get; }

    /// <summary>The configuration the app was built with.</summary>
    public IConfiguration Configuration { get; }

    /// <summary>The app model's resources, in declaration order.</summary>
    public IReadOnlyList<Resource> Resources { get; }

    /// <summary>The app model's parameters.</summary>
    public IReadOnlyList<ParameterResource> Parameters { get; }

    /// <summary>States of the resources, and their changes.</summary>
    public IResourceNotifications Notifications => _notifications;

    /// <summary>Output of the resources.</summary>
    public IResourceLogs Logs => _logs;

    /// <summary>Start, stop and restart actions.</summary>
    public IResourceCommands Commands => this;

    /// <summary>The first failure, in one line (null while all is well).</summary>
    public string? FailureReason => _failureReason;

    /// <summary>Resources in the order they may start (dependencies first).</summary>
    public IReadOnlyList<Resource> StartOrder => _startOrder ??= TopologicalOrder(Resources);

    /// <summary>
    /// Runs the app until Ctrl+C / SIGTERM (or a failure), or writes the compose manifest for <c>publish</c>; sets the
    /// process exit code (0, or 1 after a failure).
    /// </summary>
    public void Run()
    {
        if (AppHostTesting.Current is { } testing)
        {
            // Started in-process by a test: hand the app over; the test starts and disposes it.
            testing.Capture(this);
            return;
        }
        Environment.ExitCode = RunAsync().GetAwaiter().GetResult();
    }

    /// <summary>Like <see cref="Run"/>, returning the exit code.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        _reporter = Options.ConsoleOutput ? new ConsoleReporter(this) : null;
        if (Options.PublishOutputPath is { } outputPath)
        {
            return Publish(outputPath);
        }

        using var signals = RegisterSignals();
        await using var cancelRegistration = cancellationToken.Register(RequestShutdown);
        try
        {
            await StartAsync(cancellationToken);
            if (!_shutdownRequested.Task.IsCompleted)
            {
                _reporter?.PrintReady();
            }
            await _shutdownRequested.Task;
        }
        catch (AppHostException)
        {
            // Already reported, in one line, when it happened.
        }
        catch (OperationCanceledException) when (_shutdownRequested.Task.IsCompleted)
        {
        }
        await StopAsync();
        _reporter?.PrintStopped(_failureReason);
        return _failureReason is null ? 0 : 1;
    }

    /// <summary>
    /// Starts every resource and returns once each one runs and is healthy or has finished.
    /// </summary>
    /// <exception cref="AppHostException">A resource failed; the message says which and why.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_started)
        {
            throw new InvalidOperationException("The app was already started.");
        }
        _started = true;
        _reporter ??= Options.ConsoleOutput ? new ConsoleReporter(this) : null;

        if (!AllocatePorts())
        {
            throw new AppHostException(_failureReason!);
        }
        foreach (var hook in _hooks)
        {
            await hook.BeforeStartAsync(this, cancellationToken);
        }
        foreach (var resource in StartOrder)
        {
            Launch(_runs[resource.Name]);
        }

        await WaitUntilSettledAsync(cancellationToken);
        if (_failureReason is not null)
        {
            throw new AppHostException(_failureReason);
        }
    }

    /// <summary>Asks a running <see cref="RunAsync"/> to stop everything and return.</summary>
    public void RequestShutdown() => _shutdownRequested.TrySetResult();

    /// <summary>Stops every resource in reverse start order (PostgreSQL last, with a fast shutdown).</summary>
    public async Task StopAsync()
    {
        await _stopLock.WaitAsync();
        try
        {
            if (_stopped)
            {
                return;
            }
            _stopping = true;
            _shutdownRequested.TrySetResult();
            foreach (var run in _runs.Values)
            {
                run.Cancel();
            }
            foreach (var resource in StartOrder.Reverse())
            {
                await StopRunAsync(_runs[resource.Name], reason: null);
            }
            foreach (var hook in _hooks.Reverse())
            {
                await hook.AfterStopAsync(this, CancellationToken.None);
            }
            _stopped = true;
        }
        finally
        {
            _stopLock.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>Address of a resource's endpoint (known once the app starts).</summary>
    public Uri GetEndpoint(string resourceName)
    {
        var endpoint = _runs[resourceName].Resource.Endpoint ?? throw new InvalidOperationException($"{resourceName} has no endpoint.");
        return endpoint.AllocatedPort == 0
            ? throw new InvalidOperationException("Endpoints are allocated when the app starts.")
            : new Uri(endpoint.Url);
    }

    /// <summary>Connection string of a database resource, once it runs.</summary>
    public Task<string> GetConnectionStringAsync(string resourceName, CancellationToken cancellationToken = default) =>
        _runs[resourceName].Resource is IResourceWithConnectionString withConnectionString
            ? withConnectionString.GetConnectionStringAsync(cancellationToken)
            : throw new InvalidOperationException($"{resourceName} has no connection string.");

    /// <summary>Value of a parameter (for example the generated admin password).</summary>
    public string GetParameterValue(string name) =>
        Parameters.FirstOrDefault(p => p.Name == name)?.Value ?? throw new KeyNotFoundException($"No parameter named '{name}'.");

    /// <summary>Waits until the resource runs and is healthy.</summary>
    public Task<ResourceSnapshot> WaitForResourceHealthyAsync(string resourceName, CancellationToken cancellationToken = default) =>
        _notifications.WaitForAsync(resourceName, s => s.State == ResourceState.Running && s.Health == HealthStatus.Healthy, cancellationToken);

    /// <inheritdoc />
    public Task StartResourceAsync(string resourceName, CancellationToken cancellationToken = default)
    {
        var run = _runs[resourceName];
        if (_stopping || run.Current is not null || run.IsActive)
        {
            return Task.CompletedTask;
        }
        run.Reset();
        Launch(run);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopResourceAsync(string resourceName, CancellationToken cancellationToken = default) =>
        StopRunAsync(_runs[resourceName], reason: "stopped");

    /// <inheritdoc />
    public async Task RestartResourceAsync(string resourceName, CancellationToken cancellationToken = default)
    {
        await StopResourceAsync(resourceName, cancellationToken);
        await StartResourceAsync(resourceName, cancellationToken);
    }

    private int Publish(string outputPath)
    {
        try
        {
            var files = new ComposePublisher(this).Write(outputPath);
            _reporter?.PrintPublished(files);
            return 0;
        }
        catch (Exception e) when (e is AppHostException or IOException or UnauthorizedAccessException)
        {
            _failureReason = e.Message;
            _reporter?.PrintStopped(e.Message);
            return 1;
        }
    }

    private bool AllocatePorts()
    {
        var taken = new HashSet<int>();
        foreach (var resource in StartOrder)
        {
            if (resource.Endpoint is not { } endpoint)
            {
                continue;
            }
            int? required = Options.Ports.TryGetValue(resource.Name, out var configured) ? configured : endpoint.Port;
            int port;
            if (required is > 0)
            {
                if (!LoopbackPorts.IsFree(required.Value) || !taken.Add(required.Value))
                {
                    var reason = $"{resource.Name} cannot start: port {required} on 127.0.0.1 is already in use";
                    FailStartup(resource, reason);
                    return false;
                }
                port = required.Value;
            }
            else if (required is null && !Options.RandomizePorts && endpoint.PreferredPort is int preferred && LoopbackPorts.IsFree(preferred) && taken.Add(preferred))
            {
                port = preferred;
            }
            else
            {
                do
                {
                    port = LoopbackPorts.PickFree();
                }
                while (!taken.Add(port));
            }
            endpoint.AllocatedPort = port;
            _notifications.Update(resource.Name, s => s with { Url = endpoint.Url });
        }
        return true;
    }

    private void FailStartup(Resource resource, string reason)
    {
        _failureReason ??= reason;
        _notifications.Update(resource.Name, s => s with { State = ResourceState.FailedToStart, Reason = reason });
        _reporter?.PrintFailure(reason);
        foreach (var dependent in DependentsOf(resource))
        {
            _notifications.Update(dependent.Name, s => s with { State = ResourceState.FailedToStart, Reason = $"not started: depends on {resource.Name}, which failed" });
        }
    }

    private void Launch(ResourceRun run)
    {
        run.Life = Task.Run(() => RunResourceAsync(run));
    }

    private async Task RunResourceAsync(ResourceRun run)
    {
        var resource = run.Resource;
        var token = run.Token;
        var context = new ResourceContext(Options, resource, (line, isError) => _logs.Write(resource.Name, line, isError));
        try
        {
            if (resource.Waits.Count > 0)
            {
                Update(resource, s => s with { State = ResourceState.Waiting, Reason = null, ExitCode = null });
            }
            foreach (var wait in resource.Waits)
            {
                var dependency = _runs[wait.Resource.Name];
                if (wait.ForCompletion)
                {
                    var code = await dependency.Completed.Task.WaitAsync(token);
                    if (code != 0)
                    {
                        throw new DependencyFailedException($"not started: waits for {dependency.Resource.Name} to complete, which {Describe(dependency)}");
                    }
                }
                else if (!await dependency.Ready.Task.WaitAsync(token))
                {
                    throw new DependencyFailedException($"not started: waits for {dependency.Resource.Name}, which {Describe(dependency)}");
                }
            }
            token.ThrowIfCancellationRequested();

            Update(resource, s => s with { State = ResourceState.Starting, Reason = null, ExitCode = null, StoppedAt = null });
            var running = await resource.StartAsync(context, token);
            run.Current = running;
            Update(resource, s => s with
            {
                State = ResourceState.Running,
                Health = running.HealthCheck is null ? HealthStatus.Healthy : HealthStatus.Unhealthy,
                ProcessId = running.ProcessId,
                StartedAt = DateTimeOffset.UtcNow,
                Environment = running.Environment,
            });
            run.ExitWatch = WatchExitAsync(run, running);

            if (running.HealthCheck is null)
            {
                run.Ready.TrySetResult(true);
                return;
            }
            await WatchHealthAsync(run, running, token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            if (run.Current is null)
            {
                Update(resource, s => s with { State = s.State is ResourceState.FailedToStart ? s.State : ResourceState.NotStarted, Health = null });
            }
            run.Ready.TrySetResult(false);
            run.Completed.TrySetResult(-1);
        }
        catch (DependencyFailedException e)
        {
            run.Failure = e.Message;
            Update(resource, s => s with { State = ResourceState.FailedToStart, Reason = e.Message, Health = null });
            run.Ready.TrySetResult(false);
            run.Completed.TrySetResult(-1);
        }
        catch (Exception e)
        {
            var reason = OneLine(e.Message);
            run.Failure = reason;
            Update(resource, s => s with { State = ResourceState.FailedToStart, Reason = reason, Health = null, StoppedAt = DateTimeOffset.UtcNow });
            run.Ready.TrySetResult(false);
            run.Completed.TrySetResult(-1);
            OnFailure(run, $"{resource.Name} failed to start: {reason}");
        }
    }

    private async Task WatchHealthAsync(ResourceRun run, RunningResource running, CancellationToken token)
    {
        var resource = run.Resource;
        var deadline = DateTimeOffset.UtcNow + Options.HealthTimeout;
        var healthy = false;
        while (!token.IsCancellationRequested && !running.Exited.IsCompleted)
        {
            bool ok;
            try
            {
                ok = await running.HealthCheck!(token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            if (ok != healthy || (ok && !run.Ready.Task.IsCompleted))
            {
                healthy = ok;
                Update(resource, s => s.State == ResourceState.Running ? s with { Health = ok ? HealthStatus.Healthy : HealthStatus.Unhealthy } : s);
                if (ok)
                {
                    run.Ready.TrySetResult(true);
                }
            }
            if (!run.Ready.Task.IsCompleted && DateTimeOffset.UtcNow > deadline)
            {
                var reason = $"{resource.Name} did not become healthy within {Options.HealthTimeout.TotalSeconds:0}s" +
                             (resource.HealthCheckPath is { } path ? $" (GET {path} on {resource.Endpoint!.Url})" : "");
                run.Failure = reason;
                run.Ready.TrySetResult(false);
                OnFailure(run, reason);
                return;
            }
            // Fast while starting, then a gentle watch.
            var delay = run.Ready.Task.IsCompleted ? TimeSpan.FromSeconds(5) : TimeSpan.FromMilliseconds(100);
            await Task.WhenAny(running.Exited, Task.Delay(delay, token)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task WatchExitAsync(ResourceRun run, RunningResource running)
    {
        var code = await running.Exited;
        run.Current = null;
        var resource = run.Resource;
        if (run.StopRequested || _stopping)
        {
            Update(resource, s => s with
            {
                State = code == 0 && s.State != ResourceState.Stopping ? ResourceState.Finished : ResourceState.Exited,
                ExitCode = code, Health = null, ProcessId = null, StoppedAt = DateTimeOffset.UtcNow, Reason = s.Reason ?? run.StopReason,
            });
            run.Ready.TrySetResult(false);
            run.Completed.TrySetResult(code);
            return;
        }
        if (code == 0)
        {
            Update(resource, s => s with { State = ResourceState.Finished, ExitCode = 0, Health = null, ProcessId = null, StoppedAt = DateTimeOffset.UtcNow });
            run.Ready.TrySetResult(true);
            run.Completed.TrySetResult(0);
            return;
        }

        var hint = running.FailureHint();
        var reason = $"exited with code {code}" + (hint is null ? "" : $": {hint}");
        run.Failure = reason;
        Update(resource, s => s with { State = ResourceState.Exited, ExitCode = code, Health = null, ProcessId = null, StoppedAt = DateTimeOffset.UtcNow, Reason = reason });
        run.Ready.TrySetResult(false);
        run.Completed.TrySetResult(code);
        OnFailure(run, $"{resource.Name} {reason}");
    }

    private void OnFailure(ResourceRun run, string reason)
    {
        if (_stopping)
        {
            return;
        }
        var dependents = DependentsOf(run.Resource).ToList();
        var line = dependents.Count == 0 ? reason : $"{reason}; stopping what depends on it: {string.Join(", ", dependents.Select(d => d.Name))}";
        _failureReason ??= line;
        _reporter?.PrintFailure(line);

        if (Options.StopOnResourceFailure)
        {
            RequestShutdown();
            return;
        }
        foreach (var dependent in dependents.AsEnumerable().Reverse())
        {
            var dependentRun = _runs[dependent.Name];
            if (dependentRun.Current is not null)
            {
                _ = StopRunAsync(dependentRun, $"stopped: depends on {run.Resource.Name}, which failed");
            }
        }
    }

    private async Task StopRunAsync(ResourceRun run, string? reason)
    {
        run.StopRequested = true;
        run.StopReason = reason;
        run.Cancel();
        var current = run.Current;
        if (current is not null)
        {
            Update(run.Resource, s => s with { State = ResourceState.Stopping, Reason = reason ?? s.Reason });
            try
            {
                await current.StopAsync();
                await current.Exited.WaitAsync(TimeSpan.FromSeconds(30));
                if (run.ExitWatch is { } exitWatch)
                {
                    await exitWatch.WaitAsync(TimeSpan.FromSeconds(5));
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _logs.Write(run.Resource.Name, $"stop failed: {e.Message}", isError: true);
            }
        }
        if (run.Life is { } life)
        {
            await life.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task WaitUntilSettledAsync(CancellationToken cancellationToken)
    {
        var changed = new SemaphoreSlim(0);
        void OnChanged(ResourceSnapshot _) => changed.Release();
        _notifications.Changed += OnChanged;
        try
        {
            while (true)
            {
                var all = _notifications.GetAll();
                var settled = all.All(s => s.IsUp || s.IsTerminal);
                if (settled || (_failureReason is not null && Options.StopOnResourceFailure) || _stopping || _shutdownRequested.Task.IsCompleted)
                {
                    return;
                }
                await changed.WaitAsync(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
        finally
        {
            _notifications.Changed -= OnChanged;
        }
    }

    private IEnumerable<Resource> DependentsOf(Resource resource)
    {
        var found = new List<Resource>();
        var queue = new Queue<Resource>([resource]);
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            foreach (var candidate in StartOrder)
            {
                if (!found.Contains(candidate) && candidate != resource && candidate.Dependencies.Contains(current))
                {
                    found.Add(candidate);
                    queue.Enqueue(candidate);
                }
            }
        }
        return StartOrder.Where(found.Contains);
    }

    private string Describe(ResourceRun dependency) =>
        dependency.Failure is { } failure ? $"failed ({failure})" : "stopped";

    private void Update(Resource resource, Func<ResourceSnapshot, ResourceSnapshot> change) => _notifications.Update(resource.Name, change);

    private IDisposable RegisterSignals()
    {
        if (OperatingSystem.IsWindows() || OperatingSystem.IsBrowser())
        {
            Console.CancelKeyPress += OnCancelKeyPress;
            return new Unregister(() => Console.CancelKeyPress -= OnCancelKeyPress);
        }
        var registrations = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP }
            .Select(signal => PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                if (_shutdownRequested.Task.IsCompleted)
                {
                    if (DateTimeOffset.UtcNow - _shutdownSignalledAt < TimeSpan.FromSeconds(1))
                    {
                        return; // The same Ctrl+C, delivered to the process group as well.
                    }
                    _reporter?.PrintNote("Still stopping: each resource gets a few seconds to stop gracefully before it is killed.");
                    return;
                }
                _shutdownSignalledAt = DateTimeOffset.UtcNow;
                _reporter?.PrintNote($"{context.Signal}: stopping everything (in reverse order)…");
                RequestShutdown();
            }))
            .ToList();
        return new Unregister(() => registrations.ForEach(r => r.Dispose()));
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        RequestShutdown();
    }

    private static IReadOnlyList<Resource> TopologicalOrder(IReadOnlyList<Resource> resources)
    {
        var ordered = new List<Resource>();
        var visiting = new HashSet<Resource>();
        void Visit(Resource resource, Stack<string> path)
        {
            if (ordered.Contains(resource))
            {
                return;
            }
            if (!visiting.Add(resource))
            {
                throw new AppHostException($"Circular dependency: {string.Join(" → ", path.Reverse())} → {resource.Name}");
            }
            path.Push(resource.Name);
            foreach (var dependency in resource.Dependencies)
            {
                Visit(dependency, path);
            }
            path.Pop();
            ordered.Add(resource);
        }
        foreach (var resource in resources)
        {
            Visit(resource, new Stack<string>());
        }
        return ordered;
    }

    private static string OneLine(string message)
    {
        var line = message.ReplaceLineEndings(" ").Trim();
        return line.Length > 300 ? line[..300] + "…" : line;
    }

    private sealed class Unregister(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    private sealed class DependencyFailedException(string message) : Exception(message);

    /// <summary>The mutable run state of one resource.</summary>
    private sealed class ResourceRun(Resource resource)
    {
        private CancellationTokenSource _cts = new();

        public Resource Resource { get; } = resource;

        public RunningResource? Current { get; set; }

        public Task? Life { get; set; }

        public Task? ExitWatch { get; set; }

        public bool IsActive => Life is { IsCompleted: false };

        public TaskCompletionSource<bool> Ready { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<int> Completed { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationToken Token => _cts.Token;

        public bool StopRequested { get; set; }

        public string? StopReason { get; set; }

        public string? Failure { get; set; }

        public void Cancel() => _cts.Cancel();

        public void Reset()
        {
            _cts = new CancellationTokenSource();
            Ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
            Completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            StopRequested = false;
            StopReason = null;
            Failure = null;
        }
    }
}
