using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Prometheus;
using StockData.Core;
using StockData.Hosting;
using StockData.Ingest;
using StockData.Ingest.Sources;
using StockData.Storage;
using StockData.Storage.Postgres;
using StockData.Upstream.Redis;
using StockData.Yahoo;
using StockData.Yahoo.Client;

namespace StockData.Pipeline.Cli;

/// <summary>
/// <c>stockdata replay FILE</c>: runs a symbol list through the ingest pipeline once, with live progress and a closing
/// summary. Exit 0 when every valid symbol was handled (not found counts as handled), 1 when any failed, 2 for usage or
/// configuration errors.
/// </summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "Symbol list: one symbol per line (# comments), or CSV with a header symbol[,interval][,from][,to]; '-' reads stdin." };
        var interval = new Option<string>("--interval") { Description = "Default interval for lines that name none.", DefaultValueFactory = _ => "1d" };
        interval.Validators.Add(r =>
        {
            if (!BarInterval.TryParse(r.GetValueOrDefault<string>(), out _))
            {
                r.AddError($"--interval must be one of {string.Join(", ", BarInterval.Tokens)}.");
            }
        });
        var from = DateOption("--from", "Fetch from this date (ISO-8601) instead of the watermark.");
        var to = DateOption("--to", "Fetch up to this date (ISO-8601; default now).");
        var concurrency = new Option<int?>("--concurrency") { Description = "Upstream requests in flight at once (StockData:Ingest:FetchConcurrency)." };
        concurrency.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1 or > 256) { r.AddError("--concurrency must be 1-256."); } });
        var batchSize = new Option<int?>("--batch-size") { Description = "Rows per write batch (StockData:Writer:BatchSize)." };
        batchSize.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1 or > 1_000_000) { r.AddError("--batch-size must be 1-1000000."); } });
        var baseUrl = new Option<string?>("--base-url") { Description = "Chart API base URL, e.g. the simulator's (StockData:Yahoo:BaseUrl; also used as the fallback)." };
        baseUrl.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                r.AddError("--base-url must be an absolute http(s) URL.");
            }
        });
        var rate = new Option<double?>("--rate") { Description = "Requests per second for the shared limiter (StockData:RateLimit:PermitsPerSecond)." };
        rate.Validators.Add(r => { if (r.GetValueOrDefault<double?>() is <= 0) { r.AddError("--rate must be > 0."); } });
        var burst = new Option<int?>("--burst") { Description = "Limiter burst (StockData:RateLimit:Burst)." };
        var metricsPort = new Option<int?>("--metrics-port") { Description = "Serve Prometheus metrics on 127.0.0.1:PORT/metrics during the replay." };
        metricsPort.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1 or > 65535) { r.AddError("--metrics-port must be 1-65535."); } });

        var command = new Command("replay", "Fetch and store the bars of every symbol in a file, then print a summary.")
        {
            file, interval, from, to, concurrency, batchSize, baseUrl, rate, burst, metricsPort,
        };
        command.SetAction((parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (path != "-" && !File.Exists(path))
            {
                Console.Error.WriteLine($"stockdata: no such file: {path}");
                return Task.FromResult(ExitCodes.Usage);
            }

            var overrides = new Dictionary<string, string?>();
            if (parse.GetValue(concurrency) is { } c)
            {
                overrides[$"{IngestOptions.SectionName}:{nameof(IngestOptions.FetchConcurrency)}"] = c.ToString(CultureInfo.InvariantCulture);
            }

            if (parse.GetValue(batchSize) is { } b)
            {
                overrides[$"{BarWriterOptions.SectionName}:{nameof(BarWriterOptions.BatchSize)}"] = b.ToString(CultureInfo.InvariantCulture);
            }

            if (parse.GetValue(baseUrl) is { } url)
            {
                overrides[$"{YahooOptions.SectionName}:{nameof(YahooOptions.BaseUrl)}"] = url;
                overrides[$"{YahooOptions.SectionName}:{nameof(YahooOptions.FallbackBaseUrl)}"] = url;
            }

            if (parse.GetValue(rate) is { } r)
            {
                overrides[$"{RateLimitOptions.SectionName}:{nameof(RateLimitOptions.PermitsPerSecond)}"] = r.ToString(CultureInfo.InvariantCulture);
            }

            if (parse.GetValue(burst) is { } bu)
            {
                overrides[$"{RateLimitOptions.SectionName}:{nameof(RateLimitOptions.Burst)}"] = bu.ToString(CultureInfo.InvariantCulture);
            }

            var settings = new ReplaySettings(path, BarInterval.Parse(parse.GetValue(interval)!), parse.GetValue(from), parse.GetValue(to),
                parse.GetValue(metricsPort));
            return StockDataVerb.RunAsync((host, _) => RunAsync(host.Services, settings), ct,
                builder => builder.Configuration.AddInMemoryCollection(overrides));
        });
        return command;
    }

    private static Option<DateTimeOffset?> DateOption(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            DateTimeOffset? value = null;
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (!SymbolFileReader.TryDate(text, ref value, out var error))
            {
                result.AddError($"{name}: {error}");
            }

            return value;
        },
    };

    private sealed record ReplaySettings(string Path, BarInterval Interval, DateTimeOffset? From, DateTimeOffset? To, int? MetricsPort);

    private static async Task<int> RunAsync(IServiceProvider services, ReplaySettings settings)
    {
        using var signals = new ShutdownSignals();
        var time = services.GetRequiredService<TimeProvider>();
        await services.GetRequiredService<SchemaMigrator>().MigrateAsync(signals.Abort);
        using var metricServer = settings.MetricsPort is { } port ? new KestrelMetricServer("127.0.0.1", port).Start() : null;
        PrintSettings(services, settings);

        var stats = new IngestStats();
        var pipeline = services.GetRequiredService<IngestPipeline>();
        var refetch = new FullRefetchCollector();
        var started = time.GetTimestamp();
        var progress = new ReplayProgress(stats, time);
        await using (var input = settings.Path == "-" ? Console.OpenStandardInput() : File.OpenRead(settings.Path))
        {
            var source = ReadAsync(input, settings, stats, signals.Stop);
            var run = pipeline.RunAsync(source, stats, refetch, signals.Stop, signals.Abort);
            try
            {
                await Task.WhenAll(run, progress.RunAsync(run));
            }
            catch (IngestFatalException ex)
            {
                await Console.Error.WriteLineAsync($"stockdata: the run stopped: {FirstLine(ex.Message)}");
                ReplaySummary.Table(stats, time.GetElapsedTime(started)).Print();
                return ExitCodes.Failed;
            }
        }

        // A split or dividend newer than the stored history means Yahoo back-adjusted it: fetch those symbols whole.
        if (refetch.Requests.Count > 0 && !signals.Stop.IsCancellationRequested)
        {
            Diagnostics.PipelineLog.FullRefetchPass(services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<IngestPipeline>>(),
                refetch.Requests.Count);
            services.GetRequiredService<SymbolStateReader>().Reset();
            var again = refetch.Requests.Select(r => r with { From = null, To = null }).ToList();
            var secondPass = new IngestStats();
            await pipeline.RunAsync(again.ToAsyncEnumerable(), secondPass, null, signals.Stop, signals.Abort);
            stats.Rows(secondPass.RowsInserted, secondPass.RowsUpdated, secondPass.RowsUnchanged);
        }

        ReplaySummary.Table(stats, time.GetElapsedTime(started)).Print();
        if (signals.Stop.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("stockdata: stopped before the end of the input; run again to resume from the watermarks");
            return ExitCodes.Failed;
        }

        return stats.SymbolsFailed > 0 ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private static async IAsyncEnumerable<SymbolRequest> ReadAsync(Stream input, ReplaySettings settings, IngestStats stats,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var name = settings.Path == "-" ? "stdin" : settings.Path;
        var total = 0L;
        await foreach (var line in SymbolFileReader.ReadAsync(input, name, settings.Interval, settings.From, settings.To, YahooSymbol.Problem,
                           cancellationToken))
        {
            if (line.Error is not null)
            {
                // A line the source reads but can never turn into a request: a source-stage failure, counted as one.
                stats.InputError();
                Diagnostics.PipelineMetrics.StageItemsIn.WithLabels(Diagnostics.PipelineMetrics.Stages.Source).Inc();
                Diagnostics.PipelineMetrics.StageItemsFailed.WithLabels(Diagnostics.PipelineMetrics.Stages.Source).Inc();
                await Console.Error.WriteLineAsync(line.ToString());
                continue;
            }

            total++;
            yield return line.Request! with { Purpose = RequestPurpose.Replay };
        }

        stats.SymbolsTotal = total;
    }

    private static void PrintSettings(IServiceProvider services, ReplaySettings settings)
    {
        var ingest = services.GetRequiredService<IOptions<IngestOptions>>().Value;
        var writer = services.GetRequiredService<IOptions<BarWriterOptions>>().Value;
        var limit = services.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var yahoo = services.GetRequiredService<IOptions<YahooOptions>>().Value;
        var shared = services.GetRequiredService<RedisConnectionProvider>().IsConfigured ? "shared via Redis" : "in-process";
        var metrics = settings.MetricsPort is { } p ? $", metrics on http://127.0.0.1:{p}/metrics" : "";
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"replay: {settings.Path}, interval {settings.Interval}, upstream {yahoo.BaseUrl}, limiter {limit.PermitsPerSecond} req/s burst {limit.Burst} ({shared}), fetch concurrency {ingest.FetchConcurrency}, parse {ingest.EffectiveParseConcurrency}, batch {writer.BatchSize} rows, write concurrency {ingest.WriteConcurrency}{metrics}"));
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    /// <summary>Collects the requests whose commit left a full re-fetch pending.</summary>
    private sealed class FullRefetchCollector : IngestCallbacks
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), SymbolRequest> _requests = new();

        public IReadOnlyCollection<SymbolRequest> Requests => (IReadOnlyCollection<SymbolRequest>)_requests.Values;

        public override ValueTask CommittedAsync(SymbolRequest request, FetchCommit commit)
        {
            if (commit.FullRefetchPending)
            {
                _requests.TryAdd((request.Symbol, request.Interval.Token), request);
            }

            return ValueTask.CompletedTask;
        }
    }
}
