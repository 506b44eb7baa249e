using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using StockData.Core;
using StockData.Hosting;
using StockData.Upstream.Fetching;
using StockData.Ingest.Sources;
using StockData.Yahoo;
using StockData.Yahoo.Client;
using StockData.Yahoo.Parsing;

namespace StockData.Pipeline.Cli;

/// <summary>
/// <c>stockdata yahoo fetch SYMBOL</c>: one live chart request through the fetch service (limiter, retries and, when
/// configured, the cache), printed in the same JSON as <c>yahoo parse</c>. Long intraday ranges are split to Yahoo's
/// limits and the parts merged. Exit 0 when an answer was classified (an error category included), 1 when no answer
/// came (connection failures past the retries), 2 for usage errors.
/// </summary>
internal static class YahooFetchCommand
{
    public static Command Create()
    {
        var symbol = new Argument<string>("symbol") { Description = "The Yahoo symbol, e.g. AAPL, ^GSPC, VOD.L, EURUSD=X." };
        var interval = new Option<string>("--interval") { Description = "Bar interval.", DefaultValueFactory = _ => "1d" };
        var from = new Option<string?>("--from") { Description = "Start date (ISO-8601); default one year back for daily, five days for intraday." };
        var to = new Option<string?>("--to") { Description = "End date (ISO-8601); default now." };
        var baseUrl = new Option<string?>("--base-url") { Description = "Chart API base URL (default: StockData:Yahoo:BaseUrl)." };
        var command = new Command("fetch", "Fetch one symbol's chart from Yahoo (or --base-url) and print the parse result as JSON.")
        {
            symbol, interval, from, to, baseUrl,
        };
        command.SetAction((parse, ct) =>
        {
            var name = YahooSymbol.Normalize(parse.GetValue(symbol)!);
            if (YahooSymbol.Problem(name) is { } problem)
            {
                return Usage(problem);
            }

            if (!BarInterval.TryParse(parse.GetValue(interval), out var barInterval))
            {
                return Usage($"--interval must be one of {string.Join(", ", BarInterval.Tokens)}");
            }

            DateTimeOffset? start = null;
            DateTimeOffset? end = null;
            if (!SymbolFileReader.TryDate(parse.GetValue(from) ?? "", ref start, out var fromError))
            {
                return Usage("--from: " + fromError);
            }

            if (!SymbolFileReader.TryDate(parse.GetValue(to) ?? "", ref end, out var toError))
            {
                return Usage("--to: " + toError);
            }

            var overrides = new Dictionary<string, string?>();
            if (parse.GetValue(baseUrl) is { } url)
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                {
                    return Usage("--base-url must be an absolute http(s) URL");
                }

                overrides[$"{YahooOptions.SectionName}:{nameof(YahooOptions.BaseUrl)}"] = url;
                overrides[$"{YahooOptions.SectionName}:{nameof(YahooOptions.FallbackBaseUrl)}"] = url;
            }

            return StockDataVerb.RunWithoutDatabaseAsync((host, token) => RunAsync(host.Services, name, barInterval, start, end, token), ct,
                overrides);
        });
        return command;
    }

    private static Task<int> Usage(string message)
    {
        Console.Error.WriteLine($"stockdata: {message}");
        return Task.FromResult(ExitCodes.Usage);
    }

    private static async Task<int> RunAsync(IServiceProvider services, string symbol, BarInterval interval, DateTimeOffset? from,
        DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var time = services.GetRequiredService<TimeProvider>();
        var now = time.GetUtcNow();
        var end = to ?? now;
        var start = from ?? end - (interval.IsDailyOrLonger ? TimeSpan.FromDays(365) : TimeSpan.FromDays(5));
        IReadOnlyList<YahooChartRequest> requests;
        try
        {
            requests = interval.IsDailyOrLonger
                ? [YahooChartRequest.ForPeriod(symbol, interval, start, end)]
                : new YahooRequestPlanner(time).Plan(symbol, interval, start, end);
        }
        catch (ArgumentException ex)
        {
            // Beyond Yahoo's intraday window, or an empty range: a clear error, never a silent empty result.
            await Console.Error.WriteLineAsync($"stockdata: {ex.Message}");
            return ExitCodes.Usage;
        }

        var fetch = services.GetRequiredService<ChartFetchService>();
        var parts = new List<FetchResult>();
        foreach (var request in requests)
        {
            FetchResult result;
            try
            {
                using var response = await fetch.FetchAsync(request, cancellationToken);
                result = ChartParser.Parse(response.Body.Span, new ChartResponseInfo((int)response.StatusCode)
                {
                    ContentType = response.ContentType,
                    Symbol = symbol,
                    Interval = interval,
                    Period2 = request.Period2?.ToUnixTimeSeconds(),
                    RetryAfter = response.RetryAfter,
                });
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException
                                           or YahooResponseTooLargeException or Polly.CircuitBreaker.BrokenCircuitException
                                           or Polly.RateLimiting.RateLimiterRejectedException)
            {
                await Console.Error.WriteLineAsync($"stockdata: no answer from {request.Symbol}: {ex.Message}");
                return ExitCodes.Failed;
            }

            parts.Add(result);
            if (!result.IsSuccess)
            {
                break;
            }
        }

        using var stdout = Console.OpenStandardOutput();
        FetchResultJsonWriter.Write(stdout, Merge(parts));
        return ExitCodes.Ok;
    }

    /// <summary>One result from the parts of a split intraday request (the first error wins).</summary>
    private static FetchResult Merge(List<FetchResult> parts) =>
        parts.Count == 1 || parts.FirstOrDefault(p => !p.IsSuccess) is { } failed && ReferenceEquals(failed, parts[0])
            ? parts[0]
            : parts.FirstOrDefault(p => !p.IsSuccess) ?? parts[0] with
            {
                Bars = parts.SelectMany(p => p.Bars).ToList(),
                Dividends = parts.SelectMany(p => p.Dividends).ToList(),
                Splits = parts.SelectMany(p => p.Splits).ToList(),
                CapitalGains = parts.SelectMany(p => p.CapitalGains).ToList(),
                DroppedRows = parts.SelectMany(p => p.DroppedRows).ToList(),
                Metadata = parts[^1].Metadata ?? parts[0].Metadata,
            };
}
