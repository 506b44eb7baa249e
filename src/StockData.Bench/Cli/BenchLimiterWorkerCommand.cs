using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StockData.Core;
using StockData.Diagnostics;
using StockData.Hosting;
using StockData.Upstream.Fetching;
using StockData.Yahoo;
using StockData.Yahoo.Client;

namespace StockData.Bench.Cli;

/// <summary>
/// <c>stockdata-bench limiter-worker</c> (hidden): one replica of <c>bench limiter</c>. From <c>--start-at</c> for
/// <c>--seconds</c> it keeps <c>--concurrency</c> fetches in flight through the fetch service (the cache off, so every
/// request spends a token), then prints one JSON line: statuses, acquisitions and each granted acquisition's overhead.
/// </summary>
internal static class BenchLimiterWorkerCommand
{
    public const string Name = "limiter-worker";

    private static readonly string[] Symbols =
        ["AAPL", "MSFT", "GOOG", "AMZN", "META", "NVDA", "TSLA", "JPM", "V", "WMT", "XOM", "KO", "PEP", "DIS", "INTC", "CSCO"];

    public static Command Create()
    {
        var baseUrl = new Option<string>("--base-url") { Required = true, Description = "The simulator's base URL." };
        var startAt = new Option<long>("--start-at") { Required = true, Description = "Start time, Unix milliseconds (all replicas start together)." };
        var seconds = new Option<double>("--seconds") { DefaultValueFactory = _ => 60, Description = "How long to send." };
        var concurrency = new Option<int>("--concurrency") { DefaultValueFactory = _ => 8, Description = "Fetches in flight at once." };
        var command = new Command(Name, "One replica of 'bench limiter' (internal).") { baseUrl, startAt, seconds, concurrency };
        command.Hidden = true;
        command.SetAction((parse, ct) =>
        {
            var url = parse.GetValue(baseUrl)!;
            var overrides = new Dictionary<string, string?>
            {
                [$"{YahooOptions.SectionName}:{nameof(YahooOptions.BaseUrl)}"] = url,
                [$"{YahooOptions.SectionName}:{nameof(YahooOptions.FallbackBaseUrl)}"] = url,
                // Every request must reach the limiter: a cache hit would spend no token.
                ["StockData:Cache:Enabled"] = "false",
            };
            return VerbRunner.RunAsync(
                (host, token) => RunAsync(host.Services, parse.GetValue(startAt), parse.GetValue(seconds), parse.GetValue(concurrency), token),
                ct,
                builder =>
                {
                    if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Postgres")))
                    {
                        overrides["ConnectionStrings:Postgres"] = "Host=127.0.0.1";
                    }

                    builder.Configuration.AddInMemoryCollection(overrides);
                    // The limiter sleeps on this provider, so each acquisition's wait for its slot can be told from its cost.
                    builder.Services.AddSingleton<TimeProvider>(new MeteredTimeProvider(TimeProvider.System));
                },
                requireDatabase: false);
        });
        return command;
    }

    private static async Task<int> RunAsync(IServiceProvider services, long startAt, double seconds, int concurrency, CancellationToken cancellationToken)
    {
        var fetch = services.GetRequiredService<ChartFetchService>();
        var overheads = new List<double>();
        var statuses = new Dictionary<int, long>();
        long granted = 0;
        long refused = 0;
        fetch.TokenAcquired += a =>
        {
            lock (overheads)
            {
                if (a.Granted)
                {
                    granted++;
                    overheads.Add(Math.Round(a.Overhead.TotalMilliseconds, 3));
                }
                else
                {
                    refused++;
                }
            }
        };

        // A deployed replica connects to Redis while it starts (its readiness check does) and only then fetches: so
        // does this one, with an ask for zero permits, which reserves nothing. Connecting lazily at the common start
        // made the first acquisition of ten cold processes on two cores take up to 0.7 s, measuring process start-up,
        // not the fleet's first requests.
        foreach (var egress in services.GetRequiredService<StockData.Upstream.Egress.EgressLimiters>().All)
        {
            using (egress.Limiter.AttemptAcquire(0))
            {
            }
        }

        var start = DateTimeOffset.FromUnixTimeMilliseconds(startAt);
        var time = services.GetRequiredService<TimeProvider>();
        var wait = start - time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(TimeSpan.FromSeconds(seconds));
        var loops = Enumerable.Range(0, concurrency).Select(async i =>
        {
            for (var n = i; !stop.IsCancellationRequested; n += concurrency)
            {
                try
                {
                    var request = YahooChartRequest.ForRange(Symbols[n % Symbols.Length], BarInterval.Daily, "5d");
                    using var response = await fetch.FetchAsync(request, stop.Token);
                    lock (overheads)
                    {
                        statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException
                                               or Polly.RateLimiting.RateLimiterRejectedException or Polly.CircuitBreaker.BrokenCircuitException)
                {
                    lock (overheads)
                    {
                        statuses[0] = statuses.GetValueOrDefault(0) + 1;
                    }
                }
            }
        }).ToList();
        await Task.WhenAll(loops);

        lock (overheads)
        {
            var report = new
            {
                granted,
                refused,
                repaced = services.GetRequiredService<StockData.Upstream.Egress.EgressLimiters>().All.Sum(l => l.Limiter.RepacedCount),
                statuses = statuses.ToDictionary(p => p.Key.ToString(CultureInfo.InvariantCulture), p => p.Value),
                overhead_ms = overheads,
            };
            Console.WriteLine(JsonSerializer.Serialize(report));
        }

        return ExitCodes.Ok;
    }
}
