using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StockData.Bench.Benchmarks;

namespace StockData.Bench.Cli;

/// <summary>
/// Debian's <c>tinyproxy</c> as one egress of <c>bench limiter --egresses N</c>: listens on 127.0.0.1 (a free port),
/// and binds its outgoing connections to its own loopback address (<c>Bind 127.0.0.K</c>), so the simulator's
/// <c>--rate-per-client</c> sees each egress as a separate client, as Yahoo sees separate IPs. Killed on dispose.
/// </summary>
internal sealed class BenchTinyproxy : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private BenchTinyproxy(Process process, string folder, int port, IPAddress bind)
    {
        _process = process;
        _folder = folder;
        Port = port;
        Bind = bind;
    }

    public int Port { get; }

    /// <summary>The address its outgoing connections come from.</summary>
    public IPAddress Bind { get; }

    public Uri Url => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The tinyproxy binary, or null when it is not installed.</summary>
    public static string? Find() =>
        new[] { "/usr/bin/tinyproxy", "/usr/sbin/tinyproxy", "/usr/local/bin/tinyproxy" }.FirstOrDefault(File.Exists);

    /// <summary>Starts one instance whose outgoing connections come from <paramref name="bind"/>; returns once it accepts connections.</summary>
    public static async Task<BenchTinyproxy> StartAsync(string binary, IPAddress bind, TimeProvider time, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("stockdata-tinyproxy.").FullName;
        var port = FreePort();
        var config = Path.Combine(folder, "tinyproxy.conf");
        await File.WriteAllLinesAsync(config,
        [
            $"Port {port.ToString(CultureInfo.InvariantCulture)}",
            "Listen 127.0.0.1",
            $"Bind {bind}",
            "Timeout 60",
            "MaxClients 512",
            "Allow 127.0.0.1",
            $"LogFile \"{Path.Combine(folder, "tinyproxy.log")}\"",
            "LogLevel Warning",
            $"PidFile \"{Path.Combine(folder, "tinyproxy.pid")}\"",
            "DisableViaHeader Yes",
        ], cancellationToken);
        var info = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        // -d: stay in the foreground, so this process owns it and kills it.
        info.ArgumentList.Add("-d");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(config);
        var process = Process.Start(info) ?? throw new InvalidOperationException("tinyproxy did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var proxy = new BenchTinyproxy(process, folder, port, bind);
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return proxy;
            }
            catch (SocketException) when (time.GetUtcNow() < deadline && !process.HasExited)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken);
            }
            catch (SocketException)
            {
                await proxy.DisposeAsync();
                throw new InvalidOperationException($"tinyproxy on port {port} (bind {bind}) did not start; see {config}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ChildProcesses.KillAndDisposeAsync(_process);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A log still being written: the temporary folder is left behind.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
