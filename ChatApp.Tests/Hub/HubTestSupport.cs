using System.Net;
using System.Net.Sockets;
using ChatApp.Api.Data.Entities;
using ChatApp.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Tests.Hub;

public static class HubAssert
{
    /// <summary>Asserts the call is refused with a <see cref="HubException"/> whose message contains <paramref name="expected"/>.</summary>
    public static async Task<HubException> RefusedAsync(Func<Task> call, string expected)
    {
        var ex = await Assert.ThrowsAsync<HubException>(call);
        Assert.Contains(expected, ex.Message);
        return ex;
    }
}

public static class RateAssert
{
    /// <summary>
    /// Asserts that a per-second token bucket let through between its capacity and what it can have refilled while the
    /// burst lasted: on a busy machine a burst takes longer, and the bucket fairly lets more through.
    /// </summary>
    public static void AllowedWithin(int accepted, int perSecond, TimeSpan burstTook) =>
        Assert.InRange(accepted, perSecond, perSecond * (1 + (int)Math.Ceiling(burstTook.TotalSeconds)));
}

public static class HubTestData
{
    public static async Task<List<Message>> StoredMessagesAsync(this ApiFixture api, Guid conversationId)
    {
        await using var db = api.CreateDbContext();
        return await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversationId)
            .OrderBy(m => m.Id)
            .ToListAsync();
    }

    public static async Task<Conversation> StoredConversationAsync(this ApiFixture api, Guid conversationId)
    {
        await using var db = api.CreateDbContext();
        return await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == conversationId);
    }
}

/// <summary>
/// A loopback TCP proxy in front of one API instance (or the database), or several taken in turns (skipping one that
/// refuses), that can cut every connection through it at once, the way a flaky network or a load balancer would, while
/// the servers behind it keep running; and that can black-hole new connections (accepted, never answered), as an
/// unreachable host does.
/// </summary>
public sealed class DroppingProxy : IAsyncDisposable
{
    private volatile bool _blackHole;
    private int _mostOpen;

    /// <summary>The most connections that were open through the proxy at once.</summary>
    public int MostOpen => Volatile.Read(ref _mostOpen);

    /// <summary>Drops every open connection and leaves new ones hanging unanswered until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _blackHole = true;
        DropAll();
    }

    public void Restore() => _blackHole = false;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int[] _targetPorts;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(TcpClient Inbound, TcpClient Outbound)> _open = [];
    private readonly Task _acceptLoop;
    private int _next;

    public DroppingProxy(params Uri[] targets)
    {
        _targetPorts = [.. targets.Select(t => t.Port)];
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public Uri BaseAddress => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>Resets every open connection (RST, no WebSocket close frame); returns how many there were.</summary>
    public int DropAll()
    {
        lock (_open)
        {
            var count = _open.Count;
            foreach (var (inbound, outbound) in _open)
            {
                Reset(inbound);
                Reset(outbound);
            }
            _open.Clear();
            return count;
        }
    }

    private static void Reset(TcpClient client)
    {
        try
        {
            client.LingerState = new LingerOption(true, 0);
            client.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            if (_blackHole)
            {
                _ = HoldUnansweredAsync(inbound);
                continue;
            }
            var outbound = await ConnectToNextTargetAsync();
            if (outbound is null)
            {
                inbound.Dispose();
                continue;
            }
            lock (_open)
            {
                _open.Add((inbound, outbound));
                _mostOpen = Math.Max(_mostOpen, _open.Count);
            }
            _ = PipeAsync(inbound, outbound);
        }
    }

    private async Task HoldUnansweredAsync(TcpClient inbound)
    {
        using (inbound)
        {
            try
            {
                var buffer = new byte[4096];
                var stream = inbound.GetStream();
                while (_blackHole && await stream.ReadAsync(buffer, _stop.Token) > 0)
                {
                }
            }
            catch (Exception)
            {
                // Closed by the client or the proxy stopping.
            }
        }
    }

    private async Task<TcpClient?> ConnectToNextTargetAsync()
    {
        for (var attempt = 0; attempt < _targetPorts.Length; attempt++)
        {
            var port = _targetPorts[(Interlocked.Increment(ref _next) & int.MaxValue) % _targetPorts.Length];
            var outbound = new TcpClient();
            try
            {
                await outbound.ConnectAsync(IPAddress.Loopback, port, _stop.Token);
                return outbound;
            }
            catch (Exception)
            {
                outbound.Dispose();
            }
        }
        return null;
    }

    private async Task PipeAsync(TcpClient inbound, TcpClient outbound)
    {
        try
        {
            var a = inbound.GetStream();
            var b = outbound.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
        }
        catch (Exception)
        {
            // A dropped or stopped connection: nothing to report.
        }
        finally
        {
            lock (_open)
            {
                _open.Remove((inbound, outbound));
            }
            inbound.Dispose();
            outbound.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        DropAll();
        await _acceptLoop;
        _stop.Dispose();
    }
}
