using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using StockData.Bench.Benchmarks;
using StockData.Hosting;
using StockData.Upstream.Budget;

namespace StockData.Bench.Cli;

/// <summary><c>stockdata-bench …</c>: measurements that run against the configured database.</summary>
internal static class BenchCommand
{
    public static RootCommand Create()
    {
        var command = new RootCommand("stockdata-bench: benchmarks of stockdata against the configured database (each in a scratch schema of its own).");
        command.Subcommands.Add(CreateWriter());
        command.Subcommands.Add(CreatePipeline());
        command.Subcommands.Add(BenchLimiterCommand.Create());
        command.Subcommands.Add(BenchLimiterWorkerCommand.Create());
        command.Subcommands.Add(CreateWriterIntraday());
        command.Subcommands.Add(CreateWriterFetch());
        command.Subcommands.Add(CreateRead());
        command.Subcommands.Add(BenchDaemonCommand.Create());
        return command;
    }

    /// <summary>
    /// <c>bench writer</c>. The schema is fixed when the process builds its services, so the benchmark process is
    /// configured with <c>StockData:Storage:Schema</c> = a fresh <c>bench_…</c> schema before its host is built: the
    /// writer, the migrator and the benchmark's own statements all name that schema (SchemaSql), and the configured
    /// schema is never touched. The scratch schema is dropped at the end (also on failure).
    /// </summary>
    private static Command CreateWriter()
    {
        var symbols = PositiveOption("--symbols", "Symbols to write.", 500, 100_000);
        var bars = PositiveOption("--bars", "Daily bars per symbol (2,520 = 10 years).", 2520, 100_000);
        var rounds = PositiveOption("--rounds", "Rounds: every figure is measured once per round, each pass right after a raw-COPY sample.", 3, 20);
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the figures instead of the table." };
        var writeConcurrency = WriteConcurrencyOption();
        var command = new Command("writer", "The COPY-merge writer against raw COPY and the old per-symbol way: six figures, each over several rounds.")
        {
            symbols, bars, rounds, writeConcurrency, json,
        };
        command.SetAction((parse, ct) =>
        {
            var schema = "bench_" + Guid.NewGuid().ToString("N")[..12];
            var asJson = parse.GetValue(json);
            return VerbRunner.RunAsync(async (host, token) =>
            {
                var benchmark = ActivatorUtilities.CreateInstance<WriterBenchmark>(host.Services);
                try
                {
                    var result = await benchmark.RunAsync(parse.GetValue(symbols), parse.GetValue(bars), parse.GetValue(rounds),
                        parse.GetValue(writeConcurrency), line => Console.Error.WriteLine($"bench writer: {line}"), token);
                    Console.WriteLine(asJson ? result.ToJson() : result.ToTable());
                    return ExitCodes.Ok;
                }
                finally
                {
                    await DropSchemaAsync(host.Services.GetRequiredService<NpgsqlDataSource>(), schema);
                }
            }, ct, builder => ConfigureBench(builder, schema));
        });
        return command;
    }

    /// <summary>
    /// <c>bench writer-intraday</c>: the writer's passes on 1m bars before and after intraday_bars is partitioned, in one
    /// run on one scratch schema (dropped at the end, also on failure).
    /// </summary>
    private static Command CreateWriterIntraday()
    {
        var symbols = PositiveOption("--symbols", "Symbols to write.", 100, 10_000);
        var days = PositiveOption("--days", "Business days of 1m bars per symbol (390 bars a day).", 20, 60);
        var rounds = PositiveOption("--rounds", "Rounds per layout.", 3, 20);
        var writeConcurrency = WriteConcurrencyOption();
        var command = new Command("writer-intraday",
            "The writer on 1m bars: fresh, unchanged and changed passes against raw COPY, on the unpartitioned intraday_bars and after migration 0011 partitions it.")
        {
            symbols, days, rounds, writeConcurrency,
        };
        command.SetAction((parse, ct) =>
        {
            var schema = "bench_" + Guid.NewGuid().ToString("N")[..12];
            return VerbRunner.RunAsync(async (host, token) =>
            {
                var benchmark = ActivatorUtilities.CreateInstance<IntradayWriterBenchmark>(host.Services);
                try
                {
                    var result = await benchmark.RunAsync(parse.GetValue(symbols), parse.GetValue(days), parse.GetValue(rounds),
                        parse.GetValue(writeConcurrency), line => Console.Error.WriteLine($"bench writer-intraday: {line}"), token);
                    Console.WriteLine(result.ToTable());
                    return ExitCodes.Ok;
                }
                finally
                {
                    await DropSchemaAsync(host.Services.GetRequiredService<NpgsqlDataSource>(), schema);
                }
            }, ct, builder => ConfigureBench(builder, schema));
        });
        return command;
    }

    /// <summary><c>bench writer-fetch</c> (hidden): one fetch in batches, optionally pausing to be killed (the kill test).</summary>
    private static Command CreateWriterFetch()
    {
        var symbol = new Option<string>("--symbol") { Description = "The symbol.", DefaultValueFactory = _ => "KILLME" };
        var bars = PositiveOption("--bars", "Bars in the fetch.", 100, 1_000_000);
        var batchSize = PositiveOption("--batch-size", "Rows per batch.", 20, 1_000_000);
        var pauseAfter = new Option<int>("--pause-after")
        {
            Description = "After this many committed batches print 'paused' and wait to be killed (0: never).",
            DefaultValueFactory = _ => 0,
        };
        var command = new Command("writer-fetch", "Write one synthetic fetch in batches (test support).")
        {
            symbol, bars, batchSize, pauseAfter,
        };
        command.Hidden = true;
        command.SetAction((parse, ct) => VerbRunner.RunAsync(
            (host, token) => ActivatorUtilities.CreateInstance<WriterFetchProbe>(host.Services).RunAsync(
                parse.GetValue(symbol)!, parse.GetValue(bars), parse.GetValue(batchSize), parse.GetValue(pauseAfter), Console.Out, token),
            ct, builder => ConfigureLogging(builder)));
        return command;
    }

    /// <summary>
    /// <c>bench pipeline</c>: the replay code path against a simulator process of its own (zero latency, no rate limit,
    /// fixed <c>--now</c>), in a scratch schema, with the client limiter raised to unlimited (printed).
    /// </summary>
    private static Command CreatePipeline()
    {
        var symbols = PositiveOption("--symbols", "Symbols to replay.", 500, 100_000);
        var years = PositiveOption("--years", "Years of daily bars per symbol.", 10, 60);
        var warmup = PositiveOption("--warmup", "Symbols replayed (other names, same code path) before the timed run, untimed; 0: none.", 50, 10_000, min: 0);
        var rounds = PositiveOption("--rounds", "Timed replays (other symbol names each), each followed by a raw-COPY sample.", 3, 9);
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the figures instead of the table." };
        var simulator = new Option<string?>("--simulator") { Description = "Path to StockData.YahooSim.dll (default: the one built beside this binary)." };
        var command = new Command("pipeline", "End-to-end replay rows/s against raw COPY of the same rows; peak RSS; most backends.")
        {
            symbols, years, warmup, rounds, json, simulator,
        };
        command.SetAction(async (parse, ct) =>
        {
            var simulatorDll = parse.GetValue(simulator) ?? DefaultSimulatorPath();
            if (!File.Exists(simulatorDll))
            {
                await Console.Error.WriteLineAsync($"stockdata: simulator not found at {simulatorDll} (build src/StockData.YahooSim or pass --simulator)");
                return ExitCodes.Usage;
            }

            await using var sim = await BenchSimulator.StartAsync(simulatorDll, ct);
            var schema = "bench_" + Guid.NewGuid().ToString("N")[..12];
            var asJson = parse.GetValue(json);
            var settings = new Dictionary<string, string?>
            {
                ["StockData:Storage:Schema"] = schema,
                ["StockData:Storage:ApplicationName"] = schema,
                ["StockData:Yahoo:BaseUrl"] = sim.BaseUrl,
                ["StockData:Yahoo:FallbackBaseUrl"] = sim.BaseUrl,
                ["StockData:RateLimit:PermitsPerSecond"] = "100000",
                ["StockData:RateLimit:Burst"] = "100000",
                ["StockData:Ingest:FetchConcurrency"] = "8",
                // Not shared with any other process: a benchmark must not spend a fleet's Redis bucket.
                ["ConnectionStrings:Redis"] = "",
            };
            Console.Error.WriteLine($"bench pipeline: simulator {sim.BaseUrl} (no latency, no rate limit, --now {BenchSimulator.Now}); " +
                                    "limiter 100000 req/s in-process, fetch concurrency 8, scratch schema " + schema);
            return await VerbRunner.RunAsync(async (host, token) =>
            {
                var benchmark = ActivatorUtilities.CreateInstance<PipelineBenchmark>(host.Services);
                try
                {
                    var result = await benchmark.RunAsync(parse.GetValue(symbols), parse.GetValue(years), parse.GetValue(warmup), parse.GetValue(rounds),
                        line => Console.Error.WriteLine($"bench pipeline: {line}"), token);
                    Console.WriteLine(asJson ? result.ToJson() : result.ToTable());
                    return ExitCodes.Ok;
                }
                finally
                {
                    // The replays' request counts go to the ledger now, while its table exists: the host's own last
                    // flush comes after the scratch schema is dropped.
                    await host.Services.GetRequiredService<UpstreamRequestCounter>().FlushAsync(CancellationToken.None);
                    await DropSchemaAsync(host.Services.GetRequiredService<NpgsqlDataSource>(), schema);
                }
            }, ct, builder =>
            {
                builder.Configuration.AddInMemoryCollection(settings);
                ConfigureLogging(builder);
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
            });
        });
        return command;
    }

    /// <summary>
    /// <c>bench read</c>: rows/s of the read paths (GET /bars as CSV, JSON and adjusted CSV from a real worker; a real
    /// stockdata export as Parquet and CSV) beside COPY TO STDOUT of the same rows, in a scratch schema.
    /// </summary>
    private static Command CreateRead()
    {
        var symbols = PositiveOption("--symbols", "Symbols to load and read.", 100, 100);
        var years = PositiveOption("--years", "Years of daily bars per symbol.", 10, 60);
        var rounds = PositiveOption("--rounds", "Rounds: every figure is measured once per round, beside the reference of the same round.", 3, 20);
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the figures instead of the table." };
        var stockdata = new Option<string?>("--stockdata") { Description = "The stockdata the exports run: stockdata.dll or the native binary (default: the native binary when scripts/build-native.sh has built it, else the stockdata.dll built beside this binary)." };
        var worker = new Option<string?>("--worker") { Description = "The stockdata the HTTP reads are served by (`run`): stockdata.dll or the native binary (default: the stockdata.dll built beside this binary, as the container image runs)." };
        var command = new Command("read", "GET /bars (CSV, JSON, adjusted CSV) and stockdata export (Parquet, CSV) rows/s against COPY TO STDOUT of the same rows.")
        {
            symbols, years, rounds, json, stockdata, worker,
        };
        command.SetAction(async (parse, ct) =>
        {
            var stockDataDll = parse.GetValue(stockdata) ?? DefaultCommandPath();
            var workerDll = parse.GetValue(worker) ?? DefaultStockDataPath();
            foreach (var (path, option) in new[] { (stockDataDll, "--stockdata"), (workerDll, "--worker") })
            {
                if (!File.Exists(path))
                {
                    await Console.Error.WriteLineAsync($"stockdata-bench: stockdata not found at {path} (build src/StockData.Pipeline or pass {option})");
                    return ExitCodes.Usage;
                }
            }

            var schema = "bench_" + Guid.NewGuid().ToString("N")[..12];
            var asJson = parse.GetValue(json);
            var settings = new ReadBenchmarkSettings(parse.GetValue(symbols), parse.GetValue(years), parse.GetValue(rounds), stockDataDll, workerDll);
            return await VerbRunner.RunAsync(async (host, token) =>
            {
                var benchmark = ActivatorUtilities.CreateInstance<ReadBenchmark>(host.Services);
                try
                {
                    var result = await benchmark.RunAsync(settings, line => Console.Error.WriteLine($"bench read: {line}"), token);
                    Console.WriteLine(asJson ? result.ToJson() : result.ToTable());
                    return ExitCodes.Ok;
                }
                finally
                {
                    await DropSchemaAsync(host.Services.GetRequiredService<NpgsqlDataSource>(), schema);
                }
            }, ct, builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["StockData:Storage:Schema"] = schema,
                    ["StockData:Storage:ApplicationName"] = schema,
                });
                ConfigureLogging(builder);
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
            });
        });
        return command;
    }

    /// <summary>
    /// The IL build's stockdata.dll, beside this binary or in src/StockData.Pipeline/bin/CONFIG/net10.0: what the
    /// benchmarks run as a worker (<c>stockdata run</c>), as the container image does; the JIT's optimised code serves
    /// a long-running worker better than the native binary's (docs/performance.md, Read).
    /// </summary>
    internal static string DefaultStockDataPath()
    {
        var binary = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var beside = Path.Combine(binary.FullName, "stockdata.dll");
        return File.Exists(beside) ? beside : Path.GetFullPath(Path.Combine(binary.FullName, "..", "..", "..", "..", "StockData.Pipeline", "bin",
            binary.Parent!.Name, binary.Name, "stockdata.dll"));
    }

    /// <summary>
    /// The stockdata the benchmarks run as a short command (<c>export</c>): the native binary
    /// (src/StockData.Pipeline/bin/native/stockdata, made by scripts/build-native.sh) when it is at least as new as the
    /// IL build, else the IL build. A stale native binary would measure old code.
    /// </summary>
    internal static string DefaultCommandPath()
    {
        var il = DefaultStockDataPath();
        var native = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(il)!, "..", "..", "native", "stockdata"));
        return File.Exists(native) && File.GetLastWriteTimeUtc(native) >= File.GetLastWriteTimeUtc(il) ? native : il;
    }

    /// <summary>src/StockData.YahooSim/bin/CONFIG/net10.0 beside this binary's src/StockData.Pipeline/bin/CONFIG/net10.0.</summary>
    internal static string DefaultSimulatorPath()
    {
        var binary = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = binary.Parent!.Name;
        return Path.GetFullPath(Path.Combine(binary.FullName, "..", "..", "..", "..", "StockData.YahooSim", "bin", configuration,
            binary.Name, "StockData.YahooSim.dll"));
    }

    private static void ConfigureBench(HostApplicationBuilder builder, string schema)
    {
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["StockData:Storage:Schema"] = schema });
        ConfigureLogging(builder);
    }

    /// <summary>Logs go to stderr so stdout holds only the verb's output (the JSON object, the probe's lines).</summary>
    internal static void ConfigureLogging(HostApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    internal static async Task DropSchemaAsync(NpgsqlDataSource dataSource, string schema)
    {
        try
        {
            // The name is generated above (bench_ + hex), never input; DDL takes no parameters.
#pragma warning disable CA2100
            await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
#pragma warning restore CA2100
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException ex)
        {
            await Console.Error.WriteLineAsync($"bench writer: could not drop the scratch schema {schema}: {ex.Message.Split('\n')[0]}");
        }
    }

    /// <summary><c>--write-concurrency</c>: batches handed to the writer at once, by default as many as the pipeline's write stage.</summary>
    private static Option<int> WriteConcurrencyOption() =>
        PositiveOption("--write-concurrency", "Batches written at once (the default is the pipeline's default for StockData:Ingest:WriteConcurrency; that setting itself is not read here).",
            new Ingest.IngestOptions().WriteConcurrency, 8);

    internal static Option<int> PositiveOption(string name, string description, int defaultValue, int max, int min = 1)
    {
        var option = new Option<int>(name) { Description = $"{description} Default {defaultValue:N0}.", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value < min || value > max)
            {
                result.AddError($"{name} must be between {min} and {max:N0}, not {value}.");
            }
        });
        return option;
    }
}
