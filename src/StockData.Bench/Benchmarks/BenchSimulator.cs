using System.Diagnostics;

namespace StockData.Bench.Benchmarks;

/// <summary>
/// The Yahoo simulator as a child process for benchmarks: port 0 (the simulator prints the URL it bound), no latency,
/// no rate limit, no null rows, a fixed clock so every run sees the same history. Dispose kills it.
/// </summary>
internal sealed class BenchSimulator : IAsyncDisposable
{
    public const string Now = "2026-11-27T21:00:00Z";
    private const string ListeningPrefix = "YahooSim listening on ";

    private readonly Process _process;

    private BenchSimulator(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    /// <summary>CPU time the simulator process has used so far (user and system).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.HasExited ? TimeSpan.Zero : _process.TotalProcessorTime;
        }
    }

    /// <param name="cacheMegabytes">The simulator's response cache: a run that asks for many symbols again needs it to hold them all.</param>
    public static async Task<BenchSimulator> StartAsync(string simulatorDll, CancellationToken cancellationToken, int cacheMegabytes = 64)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { simulatorDll, "--urls", "http://127.0.0.1:0", "--now", Now, "--null-rows", "0", "--cache-mb",
                     cacheMegabytes.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the simulator");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.StartsWith(ListeningPrefix, StringComparison.Ordinal))
            {
                // Keep draining stdout so the simulator never blocks on a full pipe.
                _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                return new BenchSimulator(process, line[ListeningPrefix.Length..].Trim().TrimEnd('/'));
            }
        }

        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException("the simulator exited before it listened");
    }

    public ValueTask DisposeAsync() => ChildProcesses.KillAndDisposeAsync(_process);
}
