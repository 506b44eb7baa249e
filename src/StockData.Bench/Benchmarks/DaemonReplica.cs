using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace StockData.Bench.Benchmarks;

/// <summary>
/// One real <c>stockdata run</c> process for <c>bench daemon</c>: the daemon with its HTTP endpoint on a free loopback
/// port (read off its "listening on" line), scraped for its counters; its CPU time from /proc. Only the last lines of
/// its output are kept (a 20,000-symbol run logs every refresh). Disposing kills it if it still runs.
/// </summary>
internal sealed partial class DaemonReplica : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private const int KeptLines = 200;

    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HttpClient? _http;

    private DaemonReplica(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int ProcessId => _process.Id;

    public static async Task<DaemonReplica> StartAsync(string name, string stockDataDll, IDictionary<string, string?> environment,
        CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(stockDataDll);
        info.ArgumentList.Add("run");
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var replica = new DaemonReplica(name, new Process { StartInfo = info });
        replica._process.OutputDataReceived += (_, e) => replica.OnLine(e.Data);
        replica._process.ErrorDataReceived += (_, e) => replica.OnLine(e.Data);
        replica._process.Start();
        replica._process.BeginOutputReadLine();
        replica._process.BeginErrorReadLine();
        try
        {
            var url = await replica._listening.Task.WaitAsync(StartTimeout, cancellationToken);
            replica._http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(1) };
            var started = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(started) < StartTimeout)
            {
                try
                {
                    using var ready = await replica._http.GetAsync(new Uri("/readyz", UriKind.Relative), cancellationToken);
                    if (ready.IsSuccessStatusCode)
                    {
                        return replica;
                    }
                }
                catch (HttpRequestException)
                {
                }

                await Task.Delay(200, cancellationToken);
            }

            throw new TimeoutException("not ready");
        }
        catch (TimeoutException)
        {
            var output = replica.Output;
            await replica.DisposeAsync();
            throw new InvalidOperationException($"replica {name} (stockdata run) did not become ready within {StartTimeout}:\n{output}");
        }
    }

    /// <summary>User plus system CPU seconds so far (0 once it exited).</summary>
    public double CpuSeconds => ProcCpu.ProcessSeconds(_process.Id) ?? 0;

    /// <summary>Every sample of /metrics: the series as printed (name and labels) to its value.</summary>
    public async Task<Dictionary<string, double>> MetricsAsync(CancellationToken cancellationToken)
    {
        var text = await _http!.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken);
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var space = line.LastIndexOf(' ');
            if (line.Length == 0 || line[0] == '#' || space < 0)
            {
                continue;
            }

            if (double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                samples[line[..space]] = value;
            }
        }

        return samples;
    }

    /// <summary>SIGTERM (the daemon drains and gives its leases back), and the exit code; killed after a minute.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-15", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            try
            {
                await _process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }

        return _process.ExitCode;
    }

    public string Output
    {
        get
        {
            lock (_tail)
            {
                return string.Join('\n', _tail);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > KeptLines)
            {
                _tail.Dequeue();
            }
        }

        if (!_listening.Task.IsCompleted && Listening().Match(line) is { Success: true } match)
        {
            var bound = new Uri(match.Groups[1].Value);
            _listening.TrySetResult(new UriBuilder(bound) { Host = bound.Host is "0.0.0.0" or "[::]" ? "127.0.0.1" : bound.Host }.Uri);
        }
    }

    [GeneratedRegex(@"listening on (https?://[^\s,""]+)")]
    private static partial Regex Listening();
}
