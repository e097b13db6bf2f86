using System.Net;
using System.Net.Sockets;

namespace ChatApp.AppHost.Hosting;

/// <summary>Ports on 127.0.0.1: for the resources the AppHost starts, and for tests that start servers themselves.</summary>
public static class LoopbackPorts
{
    /// <summary>A port nobody listens on right now, picked by the operating system.</summary>
    public static int PickFree()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether the port can be listened on right now.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
