using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StockData.Bench.Benchmarks;
using StockData.Hosting;
using StockData.Storage;

namespace StockData.Bench.Cli;

/// <summary>
/// <c>bench daemon</c>: the capacity curve. M symbols due at once, refreshed by 1, 2, 4, … real <c>stockdata run</c>
/// replicas in turn (one run per count, side by side in one invocation), in a scratch schema, against a simulator
/// process of its own with no rate limit and the replicas' shared limiter raised out of the way.
/// </summary>
internal static class BenchDaemonCommand
{
    public static Command Create()
    {
        var symbols = BenchCommand.PositiveOption("--symbols", "Symbols in the universe, all due at once.", 1000, 100_000);
        var replicas = new Option<string>("--replicas")
        {
            Description = "Replica counts, one run each, e.g. 1,2,4. Default 1,2,4.",
            DefaultValueFactory = _ => "1,2,4",
        };
        replicas.Validators.Add(result =>
        {
            if (ParseCounts(result.GetValueOrDefault<string>()) is null)
            {
                result.AddError("--replicas must be a comma-separated list of counts between 1 and 32, e.g. 1,2,4.");
            }
        });
        var historyDays = BenchCommand.PositiveOption("--history-days", "Calendar days of daily bars every symbol holds before the runs.", 365, 36_500, min: 10);
        var newBars = BenchCommand.PositiveOption("--new-bars", "Trading days each run's refresh must add per symbol (removed before every run).", 2, 5);
        var maxLeases = BenchCommand.PositiveOption("--max-leases",
            "StockData:Daemon:MaxLeases of every replica (the daemon's default, 24, paces a replica for Yahoo, not for the store).", 256, 10_000);
        var claimBatch = BenchCommand.PositiveOption("--claim-batch", "StockData:Daemon:ClaimBatchSize of every replica (default 8 in the daemon).", 32, 1000);
        var batchAge = BenchCommand.PositiveOption("--max-batch-age-ms",
            "StockData:Ingest:MaxBatchAge of every replica in ms (default 2,000 in the daemon: a lease waits that long for its batch).", 250, 10_000, min: 10);
        var timeout = BenchCommand.PositiveOption("--timeout-minutes", "The longest one run may take.", 30, 600);
        var json = new Option<bool>("--json") { Description = "Print one JSON object per run (one a line) instead of the table." };
        var stockdata = new Option<string?>("--stockdata") { Description = "The stockdata the replicas run: stockdata.dll or the native binary (default: the stockdata.dll built beside this binary, as the container image runs)." };
        var simulator = new Option<string?>("--simulator") { Description = "Path to StockData.YahooSim.dll (default: the one built beside this binary)." };
        var command = new Command("daemon",
            "Capacity: M symbols due at once, refreshed by R real stockdata daemons; time, claims and renewals/s, backends, PostgreSQL CPU per symbol.")
        {
            symbols, replicas, historyDays, newBars, maxLeases, claimBatch, batchAge, timeout, json, stockdata, simulator,
        };
        command.SetAction(async (parse, ct) =>
        {
            var stockDataDll = parse.GetValue(stockdata) ?? BenchCommand.DefaultStockDataPath();
            var simulatorDll = parse.GetValue(simulator) ?? BenchCommand.DefaultSimulatorPath();
            foreach (var (path, what) in new[] { (stockDataDll, "stockdata.dll (build src/StockData.Pipeline or pass --stockdata)"),
                         (simulatorDll, "the simulator (build src/StockData.YahooSim or pass --simulator)") })
            {
                if (!File.Exists(path))
                {
                    await Console.Error.WriteLineAsync($"stockdata-bench: {what} not found at {path}");
                    return ExitCodes.Usage;
                }
            }

            if (parse.GetValue(claimBatch) > parse.GetValue(maxLeases))
            {
                // The daemon refuses to start with this (DaemonOptionsValidator): say so before anything is started.
                await Console.Error.WriteLineAsync("stockdata-bench: --claim-batch must not exceed --max-leases");
                return ExitCodes.Usage;
            }

            var settings = new DaemonBenchmarkSettings(parse.GetValue(symbols), ParseCounts(parse.GetValue(replicas))!, parse.GetValue(historyDays),
                parse.GetValue(newBars), stockDataDll, TimeSpan.FromMinutes(parse.GetValue(timeout)), parse.GetValue(maxLeases), parse.GetValue(claimBatch),
                parse.GetValue(batchAge));
            // SIGTERM and Ctrl-C cancel the run instead of ending the process at once: the replicas and the simulator it
            // started are stopped and the scratch schema dropped, never left running.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            void Cancel(PosixSignalContext context)
            {
                context.Cancel = true;
                stop.Cancel();
            }

            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
            ct = stop.Token;

            // The history of 20,000 symbols is a few hundred MB of generated responses: the simulator keeps them all,
            // so a run measures the store, not the simulator generating histories again.
            await using var sim = await BenchSimulator.StartAsync(simulatorDll, ct, cacheMegabytes: 1024);
            var schema = "bench_" + Guid.NewGuid().ToString("N")[..12];
            var asJson = parse.GetValue(json);
            return await VerbRunner.RunAsync(async (host, token) =>
            {
                var benchmark = ActivatorUtilities.CreateInstance<DaemonBenchmark>(host.Services);
                var environment = ReplicaEnvironment(host.Services, sim.BaseUrl);
                environment["StockData__Daemon__MaxLeases"] = settings.MaxLeases.ToString(CultureInfo.InvariantCulture);
                environment["StockData__Daemon__ClaimBatchSize"] = settings.ClaimBatch.ToString(CultureInfo.InvariantCulture);
                environment["StockData__Ingest__MaxBatchAge"] = TimeSpan.FromMilliseconds(settings.MaxBatchAgeMs).ToString("c", CultureInfo.InvariantCulture);
                Console.Error.WriteLine(
                    $"bench daemon: simulator {sim.BaseUrl} (no latency, no rate limit, --now {BenchSimulator.Now}); replicas: stockdata run from " +
                    $"{stockDataDll}, limiter {Unlimited} req/s ({(string.IsNullOrEmpty(environment["ConnectionStrings__Redis"]) ? "in-process buckets: no Redis configured" : "the shared Redis bucket")}), " +
                    $"poll interval {PollInterval}, max leases {environment["StockData__Daemon__MaxLeases"]}, claim batch {environment["StockData__Daemon__ClaimBatchSize"]}, " +
                    $"max batch age {environment["StockData__Ingest__MaxBatchAge"]}, quality checks off, other settings the defaults; scratch schema {schema}; " +
                    $"{Environment.ProcessorCount} cores");
                try
                {
                    var results = await benchmark.RunAsync(settings, sim, environment, line => Console.Error.WriteLine($"bench daemon: {line}"), token);
                    Console.WriteLine(asJson ? string.Join('\n', results.Select(r => r.ToJson())) : DaemonBenchmarkResult.ToTable(results));
                    return ExitCodes.Ok;
                }
                finally
                {
                    await BenchCommand.DropSchemaAsync(host.Services.GetRequiredService<NpgsqlDataSource>(), schema);
                }
            }, ct, builder =>
            {
                // Under the configured prefix (a shared Redis may hold a fleet's keys), one of this invocation's own.
                var prefix = $"{builder.Configuration["StockData:RateLimit:KeyPrefix"] ?? "stockdata:rl:"}bench:{schema}:";
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["StockData:Storage:Schema"] = schema,
                    ["StockData:Storage:ApplicationName"] = schema,
                    ["StockData:Yahoo:BaseUrl"] = sim.BaseUrl,
                    ["StockData:Yahoo:FallbackBaseUrl"] = sim.BaseUrl,
                    ["StockData:RateLimit:PermitsPerSecond"] = Unlimited,
                    ["StockData:RateLimit:Burst"] = Unlimited,
                    ["StockData:RateLimit:KeyPrefix"] = prefix,
                    ["StockData:Cache:KeyPrefix"] = prefix + "cache:",
                    ["StockData:Ingest:FetchConcurrency"] = "8",
                });
                BenchCommand.ConfigureLogging(builder);
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
            });
        });
        return command;
    }

    private const string Unlimited = "100000";

    /// <summary>
    /// One second, not the default five: all symbols become due at one instant, and an idle replica's first look would
    /// otherwise add up to five seconds to a run (a third of a 1,000-symbol run).
    /// </summary>
    private const string PollInterval = "00:00:01";

    /// <summary>
    /// What every replica gets on top of the inherited environment: this process's database, schema and Redis, the
    /// simulator as upstream, and the limiter raised so the store (not the upstream budget) is the bottleneck. The
    /// quality checks are off: their scans would be a second workload on the database the figures are divided by.
    /// </summary>
    private static Dictionary<string, string?> ReplicaEnvironment(IServiceProvider services, string upstream)
    {
        var storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var configuration = services.GetRequiredService<IConfiguration>();
        return new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = storage.PostgresConnectionString,
            ["ConnectionStrings__Redis"] = configuration.GetConnectionString("Redis") ?? "",
            ["StockData__Storage__Schema"] = storage.Schema,
            ["StockData__Storage__Pooler"] = configuration["StockData:Storage:Pooler"] ?? "None",
            ["StockData__Yahoo__BaseUrl"] = upstream,
            ["StockData__Yahoo__FallbackBaseUrl"] = upstream,
            ["StockData__RateLimit__PermitsPerSecond"] = Unlimited,
            ["StockData__RateLimit__Burst"] = Unlimited,
            ["StockData__Daemon__PollInterval"] = PollInterval,
            ["StockData__Quality__Enabled"] = "false",
            ["StockData__Http__Url"] = "http://127.0.0.1:0",
        };
    }

    /// <summary>"1,2,4" as counts (each 1 to 32); null when malformed.</summary>
    internal static IReadOnlyList<int>? ParseCounts(string? text)
    {
        var counts = new List<int>();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > 32)
            {
                return null;
            }

            counts.Add(count);
        }

        return counts.Count == 0 ? null : counts;
    }
}
