using System.Globalization;
using System.Net;
using System.Text.Json;

namespace StockData.Bench.Cli;

/// <summary>
/// The egress pool of <c>bench limiter --egresses N</c>: N tinyproxy instances, egress <c>eK</c> binding 127.0.0.(K+1),
/// given to the workers as <c>StockData:Yahoo:Egress</c>; afterwards, each egress's utilization from the simulator's
/// arrival log, told apart by the client address of each arrival.
/// </summary>
internal sealed class BenchEgressPool : IAsyncDisposable
{
    private readonly List<(string Id, BenchTinyproxy Proxy)> _egresses = [];

    /// <summary>Starts <paramref name="count"/> proxies (none for 0); null, with the reason on stderr, when tinyproxy is missing.</summary>
    public static async Task<BenchEgressPool?> StartAsync(int count, TimeProvider time, CancellationToken cancellationToken)
    {
        var pool = new BenchEgressPool();
        if (count == 0)
        {
            return pool;
        }

        if (BenchTinyproxy.Find() is not { } binary)
        {
            await Console.Error.WriteLineAsync("stockdata: --egresses needs tinyproxy: apt-get install tinyproxy (scripts/services.sh installs it with SD_NEED_TINYPROXY=1)");
            return null;
        }

        try
        {
            for (var k = 1; k <= count; k++)
            {
                var proxy = await BenchTinyproxy.StartAsync(binary, IPAddress.Parse($"127.0.0.{(k + 1).ToString(CultureInfo.InvariantCulture)}"), time, cancellationToken);
                pool._egresses.Add(("e" + k.ToString(CultureInfo.InvariantCulture), proxy));
            }
        }
        catch
        {
            await pool.DisposeAsync();
            throw;
        }

        return pool;
    }

    /// <summary>Adds the pool to the workers' environment (nothing without egresses).</summary>
    public void Configure(IDictionary<string, string?> environment)
    {
        for (var i = 0; i < _egresses.Count; i++)
        {
            environment[$"StockData__Yahoo__Egress__{i}__Id"] = _egresses[i].Id;
            environment[$"StockData__Yahoo__Egress__{i}__Proxy"] = _egresses[i].Proxy.Url.ToString();
        }
    }

    /// <summary>
    /// Each egress's 200s in the measured window (the same window as the overall figure: <paramref name="warmup"/> s after
    /// the first arrival, <paramref name="seconds"/> long) ÷ its own allowance (rate × seconds + burst); null without egresses.
    /// </summary>
    public IReadOnlyDictionary<string, double>? Utilization(JsonElement stats, double rate, int burst, int seconds, int warmup)
    {
        if (_egresses.Count == 0)
        {
            return null;
        }

        var all = stats.GetProperty("arrivals").EnumerateArray()
            .Select(a => (At: a[0].GetDouble(), Status: a[1].GetInt32(), Client: a.GetArrayLength() > 2 ? a[2].GetString() : null)).ToList();
        var opens = (all.Count > 0 ? all.Min(a => a.At) : 0) + (warmup * 1000.0);
        var window = all.Where(a => a.At >= opens && a.At <= opens + (seconds * 1000.0) && a.Status == 200).ToList();
        return _egresses.ToDictionary(e => e.Id, e =>
        {
            var address = e.Proxy.Bind.ToString();
            var ok = window.Count(a => a.Client == address || a.Client == "::ffff:" + address);
            return ok / (rate * seconds + burst);
        });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, proxy) in _egresses)
        {
            await proxy.DisposeAsync();
        }
    }
}
