using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace StockData.Pipeline.Doctor;

/// <summary>The network steps of the doctor: resolve a host name, then connect to it and (for https) shake hands.</summary>
internal static class DoctorConnectivity
{
    public static async Task<DoctorStep> ResolveAsync(string egress, string host, TimeProvider time, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out _))
        {
            return new DoctorStep(egress, "dns", host, DoctorStatus.Ok, 0, "an address literal: nothing to resolve");
        }

        var started = time.GetTimestamp();
        try
        {
            using var deadline = new CancellationTokenSource(timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            var addresses = await Dns.GetHostAddressesAsync(host, linked.Token);
            var shown = string.Join(", ", addresses.Take(3).Select(a => a.ToString())) + (addresses.Length > 3 ? $" (+{addresses.Length - 3})" : "");
            return new DoctorStep(egress, "dns", host, DoctorStatus.Ok, Ms(time, started), $"{addresses.Length} address(es): {shown}");
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = ex is SocketException socket ? $"{host} does not resolve ({socket.SocketErrorCode}: {socket.Message})" : $"no answer within {timeout}";
            return new DoctorStep(egress, "dns", host, DoctorStatus.Failed, Ms(time, started), reason,
                "check the host name (StockData:Yahoo:BaseUrl, CookieUrl, FinancePageUrl, CrumbUrl, or --base-url) and this machine's resolver (/etc/resolv.conf)");
        }
    }

    /// <summary>TCP connect, then the TLS handshake for https (the handshake's protocol shown; no certificate bypass).</summary>
    public static async Task<DoctorStep> ConnectAsync(string egress, Uri endpoint, TimeProvider time, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var target = $"{endpoint.Host}:{endpoint.Port}";
        var started = time.GetTimestamp();
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endpoint.Host, endpoint.Port, linked.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var refused = ex is SocketException { SocketErrorCode: SocketError.ConnectionRefused };
            var reason = ex is SocketException socketError
                ? $"TCP connect to {target} failed ({socketError.SocketErrorCode}: {socketError.Message})"
                : $"TCP connect to {target}: no answer within {timeout}";
            return new DoctorStep(egress, "connect", target, DoctorStatus.Failed, Ms(time, started), reason,
                refused
                    ? $"nothing listens on {target}: check the URL's port (or that the simulator runs)"
                    : "a firewall or missing route may drop the traffic: check outbound access to this host and port from this machine");
        }

        var tcpMs = Ms(time, started);
        if (endpoint.Scheme != Uri.UriSchemeHttps)
        {
            return new DoctorStep(egress, "connect", target, DoctorStatus.Ok, tcpMs, $"TCP {tcpMs:0} ms; plain http (no TLS)");
        }

        try
        {
            await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = endpoint.IdnHost }, linked.Token);
            return new DoctorStep(egress, "connect", target, DoctorStatus.Ok, Ms(time, started),
                $"TCP {tcpMs:0} ms; TLS {tls.SslProtocol} handshake {Ms(time, started) - tcpMs:0} ms");
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException &&
                                   !cancellationToken.IsCancellationRequested)
        {
            var reason = ex is OperationCanceledException ? $"TLS handshake with {target}: no answer within {timeout}" : $"TLS handshake with {target} failed: {ex.Message}";
            return new DoctorStep(egress, "connect", target, DoctorStatus.Failed, Ms(time, started), reason,
                "check the system clock and CA certificates; a TLS-inspecting proxy needs its CA trusted; a reset during the handshake can be Yahoo refusing this client");
        }
    }

    public static double Ms(TimeProvider time, long started) => time.GetElapsedTime(started).TotalMilliseconds;
}
