using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ChatApp.Tests.Browser;

/// <summary>
/// Takes a browser context off the network and back, as a dropped Wi-Fi would. <c>SetOfflineAsync</c> alone fails new
/// requests but Chromium's emulation leaves open WebSockets working, so the hub would keep delivering live and the
/// resume path would never run; the switch therefore also routes the hub's WebSockets (through Playwright, passed on
/// to the server unchanged) and, while offline, drops the open ones and refuses new ones.
/// </summary>
public sealed class NetworkSwitch
{
    private readonly IBrowserContext _context;
    private readonly List<(IWebSocketRoute Page, IWebSocketRoute Server)> _sockets = [];
    private bool _offline;

    private NetworkSwitch(IBrowserContext context) => _context = context;

    /// <summary>Install before the page opens its hub connection.</summary>
    public static async Task<NetworkSwitch> InstallAsync(IBrowserContext context)
    {
        var network = new NetworkSwitch(context);
        await context.RouteWebSocketAsync(new Regex("/hubs/chat"), network.Route);
        return network;
    }

    private void Route(IWebSocketRoute page)
    {
        lock (_sockets)
        {
            if (_offline)
            {
                _ = page.CloseAsync(new() { Code = 1006, Reason = "offline" });
                return;
            }
            var server = page.ConnectToServer();
            var pair = (page, server);
            _sockets.Add(pair);
            page.OnClose((_, _) => Forget(pair));
            server.OnClose((_, _) => Forget(pair));
        }
    }

    private void Forget((IWebSocketRoute, IWebSocketRoute) pair)
    {
        lock (_sockets)
        {
            _sockets.Remove(pair);
        }
    }

    public async Task GoOfflineAsync()
    {
        List<(IWebSocketRoute Page, IWebSocketRoute Server)> open;
        lock (_sockets)
        {
            _offline = true;
            open = [.. _sockets];
            _sockets.Clear();
        }
        if (open.Count == 0)
        {
            throw new InvalidOperationException("No hub WebSocket went through the switch: install it before the page connects.");
        }
        await _context.SetOfflineAsync(true);
        foreach (var (page, server) in open)
        {
            await page.CloseAsync(new() { Code = 1006, Reason = "offline" });
            await server.CloseAsync(new() { Code = 1001, Reason = "offline" });
        }
    }

    public async Task GoOnlineAsync()
    {
        lock (_sockets)
        {
            _offline = false;
        }
        await _context.SetOfflineAsync(false);
    }
}
