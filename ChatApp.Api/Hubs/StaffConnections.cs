using System.Collections.Concurrent;
using ChatApp.Api.Services;
using Microsoft.AspNetCore.SignalR;

namespace ChatApp.Api.Hubs;

/// <summary>The hub connections of each signed-in staff user.</summary>
public sealed class StaffConnections : IStaffSessions
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<string, HubCallerContext>> _byUser = new();

    public void Add(Guid userId, HubCallerContext context) =>
        _byUser.GetOrAdd(userId, _ => new()).TryAdd(context.ConnectionId, context);

    public void Remove(Guid userId, HubCallerContext context)
    {
        if (_byUser.TryGetValue(userId, out var connections))
        {
            connections.TryRemove(context.ConnectionId, out _);
        }
    }

    public void End(Guid userId)
    {
        if (_byUser.TryRemove(userId, out var connections))
        {
            foreach (var context in connections.Values)
            {
                context.Abort();
            }
        }
    }
}
