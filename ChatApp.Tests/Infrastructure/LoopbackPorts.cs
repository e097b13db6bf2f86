using System.Net;
using System.Net.Sockets;

namespace ChatApp.Tests.Infrastructure;

/// <summary>Ports on 127.0.0.1 for the servers the tests start themselves.</summary>
public static class LoopbackPorts
{
    /// <summary>A port nobody listens on right now, picked by the operating system.</summary>
    public static int PickFree()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
