namespace StockData.TestSupport;

/// <summary>
/// Private PostgreSQL / Redis / tinyproxy instances started through scripts/services.sh, for tests that stop or restart a
/// server: own folder and port, never the servers other tests share. Dispose stops and removes them.
/// </summary>
public sealed class PrivateServer : IAsyncDisposable
{
    private readonly string _kind;

    private PrivateServer(string kind, string directory, string connectionString)
    {
        _kind = kind;
        Directory = directory;
        ConnectionString = connectionString;
    }

    public string Directory { get; }

    public string ConnectionString { get; }

    public static Task<PrivateServer> StartPostgresAsync() => StartAsync("pg");

    /// <summary>PostgreSQL with its durability defaults (fsync, synchronous_commit, full_page_writes on), as benches use.</summary>
    public static Task<PrivateServer> StartDurablePostgresAsync() => StartAsync("pg", "pg-start-durable");

    public static Task<PrivateServer> StartRedisAsync() => StartAsync("redis");

    /// <summary>
    /// A forward proxy (Debian's tinyproxy, installed when missing) on a free 127.0.0.1 port, its outgoing connections
    /// bound to <paramref name="bind"/> (e.g. 127.0.0.2); <see cref="ConnectionString"/> is its URL.
    /// </summary>
    public static Task<PrivateServer> StartTinyproxyAsync(string bind) => StartAsync("tinyproxy", extra: bind);

    /// <summary>Stops the server (immediate mode for PostgreSQL: a crash-like stop).</summary>
    public Task StopAsync(bool immediate = false) =>
        Script(_kind + "-stop", Directory, _kind == "pg" ? (immediate ? "immediate" : "fast") : null);

    /// <summary>Starts it again on the same port and data folder.</summary>
    public Task StartAgainAsync() =>
        Script(_kind + "-start", Directory, File.ReadAllText(Path.Combine(Directory, "port")).Trim());

    public async ValueTask DisposeAsync()
    {
        await StopAsync(immediate: true);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A server still flushing its last file: the folder is under /tmp and harmless.
        }
    }

    private static async Task<PrivateServer> StartAsync(string kind, string? verb = null, string? extra = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"stockdata-private-{kind}-{Guid.NewGuid():N}");
        var result = await Script(verb ?? kind + "-start", directory, extra);
        var connectionString = result.StandardOutput.Trim().Split('\n')[^1];
        return new PrivateServer(kind, directory, connectionString);
    }

    private static async Task<ProcessResult> Script(string verb, string directory, string? extra)
    {
        var args = new List<string> { Path.Combine(RepoPaths.Root, "scripts", "services.sh"), verb, directory };
        if (extra is not null)
        {
            args.Add(extra);
        }

        var result = await ProcessRunner.RunAsync("bash", args, timeout: TimeSpan.FromMinutes(3));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"services.sh {verb} failed: {result}");
        }

        return result;
    }
}
