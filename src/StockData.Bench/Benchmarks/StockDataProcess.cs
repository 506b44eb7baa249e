using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace StockData.Bench.Benchmarks;

/// <summary>
/// A real <c>stockdata</c> process for the benchmarks that drive the built product: <c>stockdata run</c> (a worker for
/// <c>bench read</c>, a replica for <c>bench daemon</c>) on a free loopback port read off its "listening on" log line,
/// ready once <c>/readyz</c> answers (the database answered: only then do timed runs measure the work); and one-shot
/// verbs (<see cref="RunVerbAsync"/>, the exports). Only the last lines of its output are kept, since a 20,000-symbol
/// daemon run logs every refresh. Disposing kills it if it still runs.
/// </summary>
internal sealed partial class StockDataProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private const int KeptLines = 500;

    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private StockDataProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int ProcessId => _process.Id;

    public Uri BaseUrl { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    /// <summary>Starts <c>stockdata run</c> and returns once it listens and <c>/readyz</c> answers 200.</summary>
    public static async Task<StockDataProcess> StartRunAsync(string name, string stockDataDll, IDictionary<string, string?> environment,
        CancellationToken cancellationToken)
    {
        var run = new StockDataProcess(name, new Process { StartInfo = StartInfo(stockDataDll, ["run"], environment) });
        run._process.OutputDataReceived += (_, e) => run.OnLine(e.Data);
        run._process.ErrorDataReceived += (_, e) => run.OnLine(e.Data);
        run._process.Start();
        run._process.BeginOutputReadLine();
        run._process.BeginErrorReadLine();
        try
        {
            run.BaseUrl = await run._listening.Task.WaitAsync(StartTimeout, cancellationToken);
            run.Http = new HttpClient { BaseAddress = run.BaseUrl, Timeout = TimeSpan.FromMinutes(10) };
            var started = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(started) < StartTimeout)
            {
                try
                {
                    using var ready = await run.Http.GetAsync(new Uri("/readyz", UriKind.Relative), cancellationToken);
                    if (ready.IsSuccessStatusCode)
                    {
                        return run;
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
            var output = run.Output;
            await run.DisposeAsync();
            throw new InvalidOperationException($"{name} (stockdata run) did not become ready within {StartTimeout}:\n{output}");
        }
    }

    /// <summary>Runs one <c>stockdata</c> verb to its end: exit code and its output.</summary>
    public static async Task<(int Exit, string Output)> RunVerbAsync(string stockDataDll, IDictionary<string, string?> environment,
        IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        using var process = new Process { StartInfo = StartInfo(stockDataDll, arguments, environment) };
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, $"{await stdout}\n{await stderr}");
    }

    /// <summary>User plus system CPU seconds so far (0 once it exited).</summary>
    public double CpuSeconds => ProcCpu.ProcessSeconds(_process.Id) ?? 0;

    /// <summary>Every sample of /metrics: the series as printed (name and labels) to its value.</summary>
    public async Task<Dictionary<string, double>> MetricsAsync(CancellationToken cancellationToken)
    {
        var text = await Http.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken);
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

    /// <summary>
    /// SIGTERM through kill(1), as under a service manager (a worker drains, a daemon gives its leases back), and the
    /// exit code once it stopped; killed after a minute.
    /// </summary>
    public async Task<int> StopAsync(CancellationToken cancellationToken = default)
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-15", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(cancellationToken);
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromMinutes(1));
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

    /// <summary>The last lines it printed (standard output and error interleaved).</summary>
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
        Http?.Dispose();
        await ChildProcesses.KillAndDisposeAsync(_process);
    }

    private static ProcessStartInfo StartInfo(string stockDataDll, IEnumerable<string> arguments, IDictionary<string, string?> environment)
    {
        // The IL build runs through dotnet; the native binary (scripts/build-native.sh) is the program itself.
        var il = stockDataDll.EndsWith(".dll", StringComparison.Ordinal);
        var info = new ProcessStartInfo(il ? "dotnet" : stockDataDll) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (il)
        {
            info.ArgumentList.Add(stockDataDll);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return info;
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
