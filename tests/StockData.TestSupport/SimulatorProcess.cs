using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace StockData.TestSupport;

/// <summary>
/// The Yahoo simulator as a real process on a loopback port: <c>dotnet StockData.YahooSim.dll --urls http://127.0.0.1:0 …</c>,
/// ready once it prints the URL it bound. Dispose kills it. Use one per set of simulator options.
/// </summary>
public sealed class SimulatorProcess : IAsyncDisposable
{
    /// <summary>The printed line the simulator starts with once it listens (SimulatorHost.ListeningPrefix).</summary>
    private const string ListeningPrefix = "YahooSim listening on ";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SimulatorProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    /// <summary>The simulator's base URL, e.g. <c>http://127.0.0.1:40321</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Everything the process printed so far (for failure messages).</summary>
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

    /// <summary>Starts the simulator with <paramref name="arguments"/> (e.g. <c>--now 2025-01-02T15:00:00Z</c>) on a free port.</summary>
    public static async Task<SimulatorProcess> StartAsync(params string[] arguments)
    {
        // Port 0 lets the kernel pick a free port; the simulator prints the one it got, so there is no race.
        var args = new List<string> { RepoPaths.SimulatorDll, "--urls", "http://127.0.0.1:0" };
        args.AddRange(arguments);
        var process = new Process { StartInfo = ProcessRunner.CreateStartInfo("dotnet", args, null), EnableRaisingEvents = true };
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data.StartsWith(ListeningPrefix, StringComparison.Ordinal))
            {
                ready.TrySetResult(new Uri(e.Data[ListeningPrefix.Length..].Trim()));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("The simulator exited before it listened."));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var url = await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
            var simulator = new SimulatorProcess(process, url);
            lock (output)
            {
                simulator._output.Append(output);
            }

            process.OutputDataReceived += (_, e) => simulator.Append(e.Data);
            process.ErrorDataReceived += (_, e) => simulator.Append(e.Data);
            return simulator;
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            string text;
            lock (output)
            {
                text = output.ToString();
            }

            process.Dispose();
            throw new InvalidOperationException($"The simulator did not start ({ex.Message}). Output:\n{text}", ex);
        }
    }

    /// <summary>The URL of a chart request, query string as given.</summary>
    public Uri Chart(string encodedSymbol, string query) => new(BaseUrl, $"/v8/finance/chart/{encodedSymbol}?{query}");

    /// <summary>GET /sim/stats, parsed.</summary>
    public async Task<JsonElement> StatsAsync(CancellationToken cancellationToken = default) =>
        await Http.GetFromJsonAsync<JsonElement>(new Uri(BaseUrl, "/sim/stats"), cancellationToken);

    /// <summary>POST /sim/reset: zeroes the counters and refills the rate-limit bucket.</summary>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        using var response = await Http.PostAsync(new Uri(BaseUrl, "/sim/reset"), null, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The request paths the simulator received, raw as on the wire (no query).</summary>
    public async Task<IReadOnlyList<string>> PathsAsync(CancellationToken cancellationToken = default)
    {
        var stats = await StatsAsync(cancellationToken);
        return [.. stats.GetProperty("paths").EnumerateObject().Select(p => p.Name)];
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
