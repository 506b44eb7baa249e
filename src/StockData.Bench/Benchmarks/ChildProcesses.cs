using System.Diagnostics;

namespace StockData.Bench.Benchmarks;

/// <summary>The end of every process a benchmark starts (stockdata replicas, the simulator, tinyproxy, limiter workers).</summary>
internal static class ChildProcesses
{
    /// <summary>
    /// Kills <paramref name="process"/> and its children when it still runs, waits for it, and disposes it. A benchmark
    /// that fails half-way must not leave a worker or a proxy holding ports and database connections.
    /// </summary>
    public static async ValueTask KillAndDisposeAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started: nothing to kill.
        }

        process.Dispose();
    }
}
