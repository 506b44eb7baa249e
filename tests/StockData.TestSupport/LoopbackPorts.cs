using System.Net;
using System.Net.Sockets;

namespace StockData.TestSupport;

/// <summary>Free TCP ports on 127.0.0.1 for the servers and metric endpoints tests start.</summary>
public static class LoopbackPorts
{
    /// <summary>A port the kernel just handed out (free now; the caller binds it next).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
