using System.Collections.Concurrent;

namespace ChatApp.Api.Hubs;

/// <summary>The ids of the hub connections this API instance holds (each instance knows only its own).</summary>
public sealed class LocalConnections
{
    private readonly ConcurrentDictionary<string, byte> _ids = new();

    public void Add(string connectionId) => _ids.TryAdd(connectionId, 0);

    public void Remove(string connectionId) => _ids.TryRemove(connectionId, out _);

    public IReadOnlyList<string> Snapshot() => [.. _ids.Keys];
}
