using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace ChatApp.AppHost.Hosting;

/// <summary>
/// Current state of every resource, and its changes. The console reporter reads it now; the dashboard reads it later.
/// </summary>
public interface IResourceNotifications
{
    /// <summary>Latest snapshot of every resource, in app-model order.</summary>
    IReadOnlyList<ResourceSnapshot> GetAll();

    /// <summary>Latest snapshot of one resource.</summary>
    ResourceSnapshot Get(string resourceName);

    /// <summary>Raised after every change (on the thread that made it).</summary>
    event Action<ResourceSnapshot>? Changed;

    /// <summary>Every snapshot from now on (starting with the current ones), until cancelled.</summary>
    IAsyncEnumerable<ResourceSnapshot> WatchAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits until <paramref name="predicate"/> holds for the resource's snapshot.</summary>
    Task<ResourceSnapshot> WaitForAsync(string resourceName, Func<ResourceSnapshot, bool> predicate, CancellationToken cancellationToken = default);
}

/// <summary>Output of every resource, a bounded buffer each.</summary>
public interface IResourceLogs
{
    /// <summary>The buffered lines of one resource (the newest <see cref="ResourceLogs.Capacity"/>).</summary>
    IReadOnlyList<LogLine> Get(string resourceName);

    /// <summary>Raised for every line (on the thread that read it).</summary>
    event Action<LogLine>? LineWritten;

    /// <summary>The buffered lines of a resource, then every new line, until cancelled.</summary>
    IAsyncEnumerable<LogLine> WatchAsync(string resourceName, CancellationToken cancellationToken = default);
}

/// <summary>Start, stop and restart a resource (the dashboard's actions).</summary>
public interface IResourceCommands
{
    /// <summary>Starts a stopped or failed resource (its waits apply again).</summary>
    Task StartResourceAsync(string resourceName, CancellationToken cancellationToken = default);

    /// <summary>Stops a resource; what depends on it keeps running.</summary>
    Task StopResourceAsync(string resourceName, CancellationToken cancellationToken = default);

    /// <summary>Stops then starts a resource.</summary>
    Task RestartResourceAsync(string resourceName, CancellationToken cancellationToken = default);
}

/// <summary>One line of a resource's output.</summary>
/// <param name="Resource">Resource name.</param>
/// <param name="Sequence">Increasing number of the line within the app.</param>
/// <param name="Timestamp">When it was read.</param>
/// <param name="Text">The line.</param>
/// <param name="IsError">Written on stderr.</param>
public sealed record LogLine(string Resource, long Sequence, DateTimeOffset Timestamp, string Text, bool IsError);

internal sealed class ResourceNotifications : IResourceNotifications
{
    private readonly ConcurrentDictionary<string, ResourceSnapshot> _snapshots = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Lock _gate = new();

    public event Action<ResourceSnapshot>? Changed;

    public IReadOnlyList<ResourceSnapshot> GetAll()
    {
        lock (_gate)
        {
            return [.. _order.Select(name => _snapshots[name])];
        }
    }

    public ResourceSnapshot Get(string resourceName) =>
        _snapshots.TryGetValue(resourceName, out var snapshot)
            ? snapshot
            : throw new KeyNotFoundException($"No resource named '{resourceName}'.");

    public void Update(string name, Func<ResourceSnapshot, ResourceSnapshot> change)
    {
        ResourceSnapshot updated;
        lock (_gate)
        {
            updated = change(_snapshots[name]);
            _snapshots[name] = updated;
        }
        Changed?.Invoke(updated);
    }

    public void Add(ResourceSnapshot snapshot)
    {
        lock (_gate)
        {
            _order.Add(snapshot.Name);
            _snapshots[snapshot.Name] = snapshot;
        }
    }

    public async IAsyncEnumerable<ResourceSnapshot> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<ResourceSnapshot>();
        void OnChanged(ResourceSnapshot s) => channel.Writer.TryWrite(s);
        Changed += OnChanged;
        try
        {
            foreach (var snapshot in GetAll())
            {
                yield return snapshot;
            }
            await foreach (var snapshot in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return snapshot;
            }
        }
        finally
        {
            Changed -= OnChanged;
        }
    }

    public async Task<ResourceSnapshot> WaitForAsync(string resourceName, Func<ResourceSnapshot, bool> predicate, CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource<ResourceSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(ResourceSnapshot s)
        {
            if (s.Name == resourceName && predicate(s))
            {
                done.TrySetResult(s);
            }
        }
        Changed += OnChanged;
        try
        {
            var current = Get(resourceName);
            if (predicate(current))
            {
                return current;
            }
            return await done.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            Changed -= OnChanged;
        }
    }
}

internal sealed class ResourceLogs : IResourceLogs
{
    /// <summary>Lines kept per resource.</summary>
    public const int Capacity = 5000;

    private readonly ConcurrentDictionary<string, Queue<LogLine>> _buffers = new(StringComparer.Ordinal);
    private long _sequence;

    public event Action<LogLine>? LineWritten;

    public void Write(string resource, string text, bool isError)
    {
        var line = new LogLine(resource, Interlocked.Increment(ref _sequence), DateTimeOffset.UtcNow, text, isError);
        var buffer = _buffers.GetOrAdd(resource, _ => new Queue<LogLine>());
        lock (buffer)
        {
            buffer.Enqueue(line);
            if (buffer.Count > Capacity)
            {
                buffer.Dequeue();
            }
        }
        LineWritten?.Invoke(line);
    }

    public IReadOnlyList<LogLine> Get(string resourceName)
    {
        if (!_buffers.TryGetValue(resourceName, out var buffer))
        {
            return [];
        }
        lock (buffer)
        {
            return [.. buffer];
        }
    }

    public async IAsyncEnumerable<LogLine> WatchAsync(string resourceName, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<LogLine>();
        void OnLine(LogLine l)
        {
            if (l.Resource == resourceName)
            {
                channel.Writer.TryWrite(l);
            }
        }
        LineWritten += OnLine;
        try
        {
            long last = 0;
            foreach (var line in Get(resourceName))
            {
                last = line.Sequence;
                yield return line;
            }
            await foreach (var line in channel.Reader.ReadAllAsync(cancellationToken))
            {
                if (line.Sequence > last)
                {
                    yield return line;
                }
            }
        }
        finally
        {
            LineWritten -= OnLine;
        }
    }
}
