using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace StockData.Bench.Cli;

/// <summary>
/// A private three-master Redis Cluster for <c>bench limiter --redis-cluster</c>: three <c>redis-server
/// --cluster-enabled yes</c> processes on free loopback ports (each also needs its port + 10000 for the cluster bus),
/// joined by <c>redis-cli --cluster create</c>, no persistence, no replicas. Killed on dispose.
/// </summary>
internal sealed class BenchRedisCluster : IAsyncDisposable
{
    private const int Masters = 3;
    private readonly List<Process> _nodes = [];
    private readonly string _folder;

    private BenchRedisCluster(string folder) => _folder = folder;

    /// <summary>The nodes as a StackExchange.Redis connection string (it discovers the slots and follows MOVED).</summary>
    public string ConnectionString { get; private set; } = "";

    public static async Task<BenchRedisCluster> StartAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        var server = Find("redis-server") ?? throw new InvalidOperationException("redis-server is not installed (Debian: apt-get install redis-server)");
        var cli = Find("redis-cli") ?? throw new InvalidOperationException("redis-cli is not installed (Debian: apt-get install redis-tools)");
        var cluster = new BenchRedisCluster(Directory.CreateTempSubdirectory("stockdata-redis-cluster.").FullName);
        try
        {
            var ports = new List<int>();
            while (ports.Count < Masters)
            {
                var port = FreePort();
                if (port <= 55535 && !ports.Contains(port) && IsFree(port + 10000))
                {
                    ports.Add(port);
                }
            }

            foreach (var port in ports)
            {
                var dir = Directory.CreateDirectory(Path.Combine(cluster._folder, port.ToString(CultureInfo.InvariantCulture))).FullName;
                cluster._nodes.Add(Start(server, ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                    "--cluster-enabled", "yes", "--cluster-config-file", Path.Combine(dir, "nodes.conf"), "--cluster-node-timeout", "2000",
                    "--save", "", "--appendonly", "no", "--dir", dir, "--logfile", Path.Combine(dir, "redis.log")]));
            }

            var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(30);
            foreach (var port in ports)
            {
                await WaitUntilAsync(() => Task.FromResult(Accepts(port)), deadline, time, $"redis-server on port {port} did not start", cancellationToken);
            }

            var nodes = ports.Select(p => "127.0.0.1:" + p.ToString(CultureInfo.InvariantCulture)).ToList();
            var (created, output) = await RunAsync(cli, ["--cluster", "create", .. nodes, "--cluster-replicas", "0", "--cluster-yes"], cancellationToken);
            if (!created)
            {
                throw new InvalidOperationException("redis-cli --cluster create failed:\n" + output);
            }

            // Every node must see all slots served before the workers connect (otherwise CLUSTERDOWN at their first call).
            foreach (var port in ports)
            {
                await WaitUntilAsync(async () => (await RunAsync(cli, ["-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "cluster", "info"],
                    cancellationToken)).Output.Contains("cluster_state:ok", StringComparison.Ordinal), deadline, time,
                    $"redis cluster node {port} never reached cluster_state:ok", cancellationToken);
            }

            cluster.ConnectionString = string.Join(',', nodes);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            try
            {
                if (!node.HasExited)
                {
                    node.Kill();
                    await node.WaitForExitAsync();
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            node.Dispose();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A log still being written: the temporary folder is left behind.
        }
    }

    private static string? Find(string name) =>
        new[] { "/usr/bin/", "/usr/local/bin/", "/usr/sbin/" }.Select(d => d + name).FirstOrDefault(File.Exists);

    private static Process Start(string file, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<(bool Ok, string Output)> RunAsync(string file, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode == 0, await stdout + await stderr);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, DateTimeOffset deadline, TimeProvider time, string failure,
        CancellationToken cancellationToken)
    {
        while (!await condition())
        {
            if (time.GetUtcNow() > deadline)
            {
                throw new InvalidOperationException(failure);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
        }
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var probe = new TcpClient();
            probe.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static bool IsFree(int port)
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
