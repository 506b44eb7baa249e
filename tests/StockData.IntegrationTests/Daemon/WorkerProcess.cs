using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Daemon;

/// <summary>A running <c>stockdata run</c> process: its base URL (read off its "listening on" log line) and an HTTP client.</summary>
internal sealed partial class WorkerProcess : IAsyncDisposable
{
    private WorkerProcess(string replica, ChildProcess process, Uri baseUrl)
    {
        Replica = replica;
        Process = process;
        BaseUrl = baseUrl;
        Http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(2) };
    }

    public string Replica { get; }

    public ChildProcess Process { get; }

    /// <summary>Where to reach it: a 0.0.0.0 binding is called through 127.0.0.1.</summary>
    public Uri BaseUrl { get; }

    public HttpClient Http { get; }

    /// <summary>Starts a worker and waits until it listens and answers /readyz with 200.</summary>
    public static async Task<WorkerProcess> StartAsync(string replica, IDictionary<string, string?> environment, bool waitReady = true)
    {
        var process = ChildProcess.StartStockData(["run"], environment);
        Uri? url = null;
        var listening = await process.WaitUntilAsync(() =>
        {
            var match = Listening().Match(process.StandardOutput + process.StandardError);
            if (match.Success)
            {
                var bound = new Uri(match.Groups[1].Value);
                url = new UriBuilder(bound) { Host = bound.Host is "0.0.0.0" or "[::]" ? "127.0.0.1" : bound.Host }.Uri;
            }

            return Task.FromResult(match.Success);
        }, TimeSpan.FromMinutes(2));
        if (!listening)
        {
            var output = $"{process.StandardOutput}\n{process.StandardError}";
            await process.DisposeAsync();
            throw new InvalidOperationException($"worker {replica} did not start listening:\n{output}");
        }

        var worker = new WorkerProcess(replica, process, url!);
        if (waitReady && !await worker.WaitReadyAsync(TimeSpan.FromMinutes(1)))
        {
            var output = $"{process.StandardOutput}\n{process.StandardError}";
            await worker.DisposeAsync();
            throw new InvalidOperationException($"worker {replica} never became ready:\n{output}");
        }

        return worker;
    }

    public async Task<bool> WaitReadyAsync(TimeSpan timeout) => await Process.WaitUntilAsync(async () =>
    {
        try
        {
            using var response = await Http.GetAsync(new Uri("/readyz", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }, timeout);

    /// <summary>A sample's value from /metrics (<paramref name="series"/> as printed, e.g. <c>stockdata_symbols{status="active"}</c>); 0 when absent.</summary>
    public async Task<double> MetricAsync(string series)
    {
        var text = await Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    /// <summary>SIGTERM, then the exit (with its output).</summary>
    public async Task<ProcessResult> StopAsync(TimeSpan timeout)
    {
        Process.Signal(15);
        return await Process.WaitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Process.DisposeAsync();
    }

    [GeneratedRegex(@"listening on (https?://[^\s,""]+)")]
    private static partial Regex Listening();

    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds; false at the deadline.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var until = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
