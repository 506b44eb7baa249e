using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace StockData.Bench.Benchmarks;

/// <summary>
/// A real <c>stockdata run</c> process for <c>bench read</c>: HTTP only (no daemon fetching, no quality checks), on a
/// free loopback port read off its "listening on" log line; and one-shot <c>stockdata</c> verbs (the exports).
/// Disposing kills the worker if it still runs.
/// </summary>
internal sealed partial class ReadWorker : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ReadWorker(Process process)
    {
        _process = process;
    }

    public Uri BaseUrl { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public static async Task<ReadWorker> StartAsync(string stockDataDll, IDictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, string?>(environment)
        {
            ["StockData__Daemon__Enabled"] = "false",
            ["StockData__Quality__Enabled"] = "false",
            ["StockData__Http__Url"] = "http://127.0.0.1:0",
        };
        var worker = new ReadWorker(new Process { StartInfo = StartInfo(stockDataDll, ["run"], settings) });
        worker._process.OutputDataReceived += (_, e) => worker.OnLine(e.Data);
        worker._process.ErrorDataReceived += (_, e) => worker.OnLine(e.Data);
        worker._process.Start();
        worker._process.BeginOutputReadLine();
        worker._process.BeginErrorReadLine();
        try
        {
            worker.BaseUrl = await worker._listening.Task.WaitAsync(StartTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            var output = worker.Output;
            await worker.DisposeAsync();
            throw new InvalidOperationException($"stockdata run did not start listening within {StartTimeout}:\n{output}");
        }

        worker.Http = new HttpClient { BaseAddress = worker.BaseUrl, Timeout = TimeSpan.FromMinutes(10) };
        // Ready means the database answered: only then do the timed reads measure reading.
        var deadline = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(deadline) < StartTimeout)
        {
            try
            {
                using var ready = await worker.Http.GetAsync(new Uri("/readyz", UriKind.Relative), cancellationToken);
                if (ready.IsSuccessStatusCode)
                {
                    return worker;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200, cancellationToken);
        }

        var text = worker.Output;
        await worker.DisposeAsync();
        throw new InvalidOperationException($"stockdata run never became ready:\n{text}");
    }

    /// <summary>Runs one <c>stockdata</c> verb to its end: exit code and its output.</summary>
    public static async Task<(int Exit, string Output)> RunAsync(string stockDataDll, IDictionary<string, string?> environment, IEnumerable<string> arguments,
        CancellationToken cancellationToken)
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

    /// <summary>SIGTERM, and the exit code once it stopped (killed after a minute).</summary>
    public async Task<int> StopAsync(CancellationToken cancellationToken)
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            // SIGTERM through kill(1): the worker drains and exits 0, as under a service manager.
            using (var kill = Process.Start("kill", ["-15", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
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

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
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

    private static ProcessStartInfo StartInfo(string stockDataDll, IEnumerable<string> arguments, IDictionary<string, string?> environment)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(stockDataDll);
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

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (Listening().Match(line) is { Success: true } match)
        {
            var bound = new Uri(match.Groups[1].Value);
            _listening.TrySetResult(new UriBuilder(bound) { Host = bound.Host is "0.0.0.0" or "[::]" ? "127.0.0.1" : bound.Host }.Uri);
        }
    }

    [GeneratedRegex(@"listening on (https?://[^\s,""]+)")]
    private static partial Regex Listening();
}
