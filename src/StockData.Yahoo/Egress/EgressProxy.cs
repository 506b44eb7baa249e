using System.Net;

namespace StockData.Yahoo.Egress;

/// <summary>
/// A forward proxy that every request uses, loopback targets included: offline, the simulator is on 127.0.0.1 and the
/// per-egress proxies are what make its per-client limit see separate addresses.
/// </summary>
internal sealed class EgressProxy(Uri address) : IWebProxy
{
    public ICredentials? Credentials { get; set; }

    public Uri GetProxy(Uri destination) => address;

    public bool IsBypassed(Uri host) => false;
}
