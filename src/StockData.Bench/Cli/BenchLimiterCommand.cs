using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using StockData.Bench.Benchmarks;
using StockData.Hosting;
using StockData.Upstream.Redis;

namespace StockData.Bench.Cli;

/// <summary>
/// <c>stockdata-bench limiter</c>: the shared token bucket under load. Starts the simulator with a global limit of
/// <c>--rate</c> (burst = the client bucket's), runs <c>--replicas</c> workers, each its own OS process with its own Redis
/// connection, sharing one bucket for <c>--seconds</c>, then reports utilization = 200 responses in the window ÷
/// (rate × seconds + burst) from the simulator's own log, the 429s it served and the limiter's overhead per acquisition
/// (time in the acquisition not spent waiting for the reserved slot), p50 and p99.
/// </summary>
/// <remarks>Needs Redis (<c>ConnectionStrings__Redis</c>, or <c>--redis-cluster</c> for a private three-master cluster); its keys get a fresh prefix per run. Target: utilization ≥ 0.95 with no 429.</remarks>
internal static class BenchLimiterCommand
{
    private const string SimulatorNow = "2026-11-27T21:00:00Z";
    private static readonly TimeSpan StartDelay = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan PerReplicaStartDelay = TimeSpan.FromSeconds(0.5);

    /// <summary>
    /// How much longer than warm-up + window the replicas send. The window opens at the simulator's first arrival,
    /// which comes 0.3–1.5 s after the replicas' common start (cold processes: JIT, connections, the first attempt
    /// going alone); replicas stopping at start + warm-up + window left that much of the window's end empty
    /// (measured: 4 arrivals in its last second instead of 39, 1.5 % of the figure lost at load 7).
    /// </summary>
    private static readonly TimeSpan TailSlack = TimeSpan.FromSeconds(5);

    public static Command Create()
    {
        var replicas = new Option<int>("--replicas") { DefaultValueFactory = _ => 3, Description = "Worker processes sharing the bucket." };
        replicas.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 32) { r.AddError("--replicas must be 1-32."); } });
        var rate = new Option<double>("--rate") { DefaultValueFactory = _ => 40, Description = "Requests per second: the bucket's and the simulator's limit." };
        rate.Validators.Add(r => { if (r.GetValueOrDefault<double>() is <= 0 or > 10_000) { r.AddError("--rate must be > 0 and at most 10000."); } });
        var burst = new Option<int?>("--burst") { Description = "The bucket's burst, also the simulator's (default StockData:RateLimit:Burst)." };
        burst.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1 or > 100_000) { r.AddError("--burst must be 1-100000."); } });
        var seconds = new Option<int>("--seconds") { DefaultValueFactory = _ => 60, Description = "How long the replicas send." };
        seconds.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 3600) { r.AddError("--seconds must be 1-3600."); } });
        var concurrency = new Option<int>("--concurrency") { DefaultValueFactory = _ => 8, Description = "Fetches in flight per replica." };
        concurrency.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 256) { r.AddError("--concurrency must be 1-256."); } });
        var headroom = new Option<double>("--headroom")
        {
            DefaultValueFactory = _ => 0.03,
            Description = "Share of --rate the bucket leaves unused (it runs at rate x (1 - headroom)): slack for the time between a granted slot and the request's arrival.",
        };
        headroom.Validators.Add(r => { if (r.GetValueOrDefault<double>() is < 0 or >= 0.5) { r.AddError("--headroom must be in [0, 0.5)."); } });
        var warmup = new Option<int>("--warmup")
        {
            // 10 s by default: the steady state is what the default figure is about. --warmup 0 measures a fleet's
            // cold start, which must be as polite (the bucket's instant burst, a warm simulator; docs/performance.md, Limiter).
            DefaultValueFactory = _ => 10,
            Description = "Seconds the replicas send before the measured window opens (cold-start transients excluded); 0 measures from the first request. Default 10.",
        };
        warmup.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 0 or > 600) { r.AddError("--warmup must be 0-600."); } });
        var json = new Option<bool>("--json")
        {
            Description = "Print {\"utilization\",\"responses_429\",\"acquire_p50_ms\",\"acquire_p99_ms\"} (and \"per_egress_utilization\" with --egresses).",
        };
        var egresses = new Option<int>("--egresses")
        {
            DefaultValueFactory = _ => 0,
            Description = "Run an egress pool of N tinyproxy instances (each binding 127.0.0.K) against the simulator's --rate-per-client --rate " +
                          "(no global limit): utilization against N x rate, and per egress. 0 (default): one direct egress, the simulator's global limit.",
        };
        egresses.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 0 or > 16) { r.AddError("--egresses must be 0-16."); } });
        var redisCluster = new Option<bool>("--redis-cluster")
        {
            Description = "Start a private three-master Redis Cluster (redis-server --cluster-enabled yes x 3) and share the bucket on it " +
                          "instead of ConnectionStrings__Redis (which may also list a cluster's nodes).",
        };
        var simulator = new Option<string?>("--simulator") { Description = "Path of StockData.YahooSim.dll (default: found from this binary's folder)." };
        var command = new Command("limiter", "Shared rate limiter benchmark: utilization, 429s and overhead with N replica processes.")
        {
            replicas, rate, burst, seconds, concurrency, headroom, warmup, json, simulator, egresses, redisCluster,
        };
        // The verb builds no host: this is its composition root, where the clock is chosen.
        command.SetAction((parse, ct) => RunAsync(TimeProvider.System, new Settings(parse.GetValue(replicas), parse.GetValue(rate), parse.GetValue(burst),
            parse.GetValue(seconds), parse.GetValue(concurrency), parse.GetValue(headroom), parse.GetValue(warmup), parse.GetValue(json), parse.GetValue(simulator))
        {
            Egresses = parse.GetValue(egresses),
            RedisCluster = parse.GetValue(redisCluster),
        }, ct));
        return command;
    }

    private sealed record Settings(int Replicas, double Rate, int? Burst, int Seconds, int Concurrency, double Headroom, int Warmup, bool Json, string? Simulator)
    {
        /// <summary>Egresses of the pool (0: none, the single direct egress).</summary>
        public int Egresses { get; init; }

        /// <summary>Run on a private three-master Redis Cluster instead of ConnectionStrings__Redis.</summary>
        public bool RedisCluster { get; init; }
    }

    private static async Task<int> RunAsync(TimeProvider time, Settings settings, CancellationToken cancellationToken)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
        await using var cluster = settings.RedisCluster ? await BenchRedisCluster.StartAsync(time, cancellationToken) : null;
        var redis = cluster?.ConnectionString ?? configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(redis))
        {
            await Console.Error.WriteLineAsync("stockdata: bench limiter needs Redis: set ConnectionStrings__Redis (e.g. 127.0.0.1:6379) or pass --redis-cluster");
            return ExitCodes.Usage;
        }

        var simulatorDll = settings.Simulator ?? FindSimulator();
        if (simulatorDll is null || !File.Exists(simulatorDll))
        {
            await Console.Error.WriteLineAsync("stockdata: StockData.YahooSim.dll not found: build src/StockData.YahooSim or pass --simulator PATH");
            return ExitCodes.Usage;
        }

        var burst = settings.Burst ?? configuration.GetValue($"{RateLimitOptions.SectionName}:Burst", new RateLimitOptions().Burst);
        var rate = settings.Rate.ToString(CultureInfo.InvariantCulture);
        await using var pool = await BenchEgressPool.StartAsync(settings.Egresses, time, cancellationToken);
        if (pool is null)
        {
            return ExitCodes.Usage;
        }

        // With a pool the simulator limits each client address (each egress) at the rate, as Yahoo limits each IP, and
        // has no global limit: the egresses' slots fall at the same instants now and then, which a global bucket of the
        // per-client burst would count as a burst no single client sent.
        string[] limits = settings.Egresses > 0
            ? ["--rate", "0", "--rate-per-client", rate, "--burst-per-client", burst.ToString(CultureInfo.InvariantCulture)]
            : ["--rate", rate, "--burst", burst.ToString(CultureInfo.InvariantCulture)];
        await using var sim = await ChildOf("dotnet", [simulatorDll, "--urls", "http://127.0.0.1:0", "--now", SimulatorNow, "--null-rows", "0",
            .. limits], null).StartAsync("YahooSim listening on ", cancellationToken);
        var baseUrl = sim.ReadyLine!["YahooSim listening on ".Length..].Trim().TrimEnd('/');

        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Redis"] = redis,
            ["StockData__RateLimit__PermitsPerSecond"] = (settings.Rate * (1 - settings.Headroom)).ToString(CultureInfo.InvariantCulture),
            ["StockData__RateLimit__Burst"] = burst.ToString(CultureInfo.InvariantCulture),
            ["StockData__RateLimit__Replicas"] = settings.Replicas.ToString(CultureInfo.InvariantCulture),
            ["StockData__RateLimit__KeyPrefix"] = $"bench:{Guid.NewGuid():N}:",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        pool.Configure(environment);
        // Every replica process must be up (host built, Redis connected) before the common start: on a 2-core machine ten
        // .NET processes starting at once take several seconds between them.
        var startAt = (time.GetUtcNow() + StartDelay + (PerReplicaStartDelay * settings.Replicas)).ToUnixTimeMilliseconds();
        var workers = new List<Child>();
        try
        {
            foreach (var _ in Enumerable.Range(0, settings.Replicas))
            {
                var (file, prefix) = Self();
                workers.Add(ChildOf(file, [.. prefix, BenchLimiterWorkerCommand.Name, "--base-url", baseUrl,
                    "--start-at", startAt.ToString(CultureInfo.InvariantCulture), "--seconds", (settings.Seconds + settings.Warmup + TailSlack.TotalSeconds).ToString(CultureInfo.InvariantCulture),
                    "--concurrency", settings.Concurrency.ToString(CultureInfo.InvariantCulture)], environment).Start());
            }

            var deadline = StartDelay + (PerReplicaStartDelay * settings.Replicas) + TailSlack + TimeSpan.FromSeconds(settings.Seconds + settings.Warmup) + TimeSpan.FromMinutes(2);
            var overheads = new List<double>();
            long repaced = 0;
            foreach (var worker in workers)
            {
                var exit = await worker.WaitAsync(deadline, cancellationToken);
                if (exit != 0)
                {
                    await Console.Error.WriteLineAsync($"stockdata: a worker failed (exit {exit}):\n{worker.Output}");
                    return ExitCodes.Failed;
                }

                using var report = JsonDocument.Parse(worker.LastStdoutLine ?? "{}");
                overheads.AddRange(report.RootElement.GetProperty("overhead_ms").EnumerateArray().Select(e => e.GetDouble()));
                repaced += report.RootElement.GetProperty("repaced").GetInt64();
            }

            using var http = new HttpClient();
            var statsText = await http.GetStringAsync(new Uri(baseUrl + "/sim/stats"), cancellationToken);
            if (Environment.GetEnvironmentVariable("STOCKDATA_BENCH_STATS_OUT") is { Length: > 0 } statsOut)
            {
                // For looking at the arrivals themselves (gaps, bunches) after a run.
                await File.WriteAllTextAsync(statsOut, statsText, cancellationToken);
            }

            using var stats = JsonDocument.Parse(statsText);
            var result = Measure(stats.RootElement, settings.Rate * Math.Max(1, settings.Egresses), burst * Math.Max(1, settings.Egresses),
                settings.Seconds, settings.Warmup, overheads) with
            {
                Repaced = repaced,
                PerEgress = pool.Utilization(stats.RootElement, settings.Rate, burst, settings.Seconds, settings.Warmup),
            };
            Print(settings, burst, result);
            return ExitCodes.Ok;
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    private sealed record Result(double Utilization, long Ok200, long Responses429, long TotalRequests, double P50, double P99, int Samples,
        IReadOnlyList<double> First429s, double UncoveredSeconds)
    {
        /// <summary>Slots the replicas gave up as too late (whole run, warm-up included).</summary>
        public long Repaced { get; init; }

        /// <summary>With <c>--egresses</c>: each egress's 200s in the window ÷ its own allowance, by egress id.</summary>
        public IReadOnlyDictionary<string, double>? PerEgress { get; init; }
    }

    private static Result Measure(JsonElement stats, double rate, int burst, int seconds, int warmup, List<double> overheads)
    {
        // The window opens --warmup seconds after the first request the simulator saw (all replicas start together)
        // and lasts --seconds; 429s and requests are counted in it too.
        var all = stats.GetProperty("arrivals").EnumerateArray().Select(a => (At: a[0].GetDouble(), Status: a[1].GetInt32())).ToList();
        var opens = (all.Count > 0 ? all.Min(a => a.At) : 0) + (warmup * 1000.0);
        var arrivals = all.Where(a => a.At >= opens && a.At <= opens + (seconds * 1000.0)).ToList();
        var first = opens;
        var uncovered = Math.Max(0, opens + (seconds * 1000.0) - (all.Count > 0 ? all.Max(a => a.At) : 0)) / 1000;
        var ok = arrivals.LongCount(a => a.Status == 200);
        overheads.Sort();
        return new Result(ok / (rate * seconds + burst), ok, arrivals.LongCount(a => a.Status == 429),
            arrivals.Count, Percentile(overheads, 0.50), Percentile(overheads, 0.99), overheads.Count,
            arrivals.Where(a => a.Status == 429).Select(a => Math.Round((a.At - first) / 1000, 3)).Take(10).ToList(), uncovered);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static void Print(Settings settings, int burst, Result r)
    {
        if (r.UncoveredSeconds > 0)
        {
            // The figure is then low for the harness's sake, not the limiter's: say so rather than report it plainly.
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"stockdata: warning: the replicas stopped {r.UncoveredSeconds:0.###} s before the measured window closed"));
        }

        if (settings.Json)
        {
            var document = new Dictionary<string, object>
            {
                ["utilization"] = Math.Round(r.Utilization, 4),
                ["responses_429"] = r.Responses429,
                ["acquire_p50_ms"] = Math.Round(r.P50, 3),
                ["acquire_p99_ms"] = Math.Round(r.P99, 3),
            };
            if (r.PerEgress is { } perEgress)
            {
                document["per_egress_utilization"] = perEgress.ToDictionary(p => p.Key, p => Math.Round(p.Value, 4));
            }

            Console.WriteLine(JsonSerializer.Serialize(document));
            return;
        }

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"replicas {settings.Replicas}, upstream limit {settings.Rate}/s burst {burst}, bucket {settings.Rate * (1 - settings.Headroom):0.##}/s burst {burst} (headroom {settings.Headroom:0.###}), {settings.Seconds} s measured after {settings.Warmup} s of warm-up, {settings.Concurrency} in flight per replica"));
        if (settings.RedisCluster)
        {
            Console.WriteLine("redis: a private three-master Redis Cluster (no replicas), the bucket's keys in one hash slot");
        }

        var n = Math.Max(1, settings.Egresses);
        if (settings.Egresses > 0)
        {
            Console.WriteLine(string.Create(inv, $"egress pool: {settings.Egresses} tinyproxy egresses, the simulator limiting each client address at {settings.Rate}/s burst {burst} (no global limit); each egress's bucket as above"));
        }

        Console.WriteLine(string.Create(inv, $"200 responses in the window: {r.Ok200} of {n * (settings.Rate * settings.Seconds + burst):0} possible ({(n > 1 ? n + " x " : "")}(rate x seconds + burst))"));
        Console.WriteLine(string.Create(inv, $"utilization:    {r.Utilization:0.000}"));
        foreach (var (egress, utilization) in r.PerEgress ?? new Dictionary<string, double>())
        {
            Console.WriteLine(string.Create(inv, $"  egress {egress}: {utilization:0.000} of its own allowance"));
        }
        var first429s = r.First429s.Count > 0 ? "; the first at window +" + string.Join(", +", r.First429s.Select(t => t.ToString(inv))) + " s" : "";
        Console.WriteLine(string.Create(inv, $"429s served:    {r.Responses429} (requests in the window: {r.TotalRequests}){first429s}"));
        Console.WriteLine(string.Create(inv, $"acquire overhead: p50 {r.P50:0.000} ms, p99 {r.P99:0.000} ms over {r.Samples} granted acquisitions (slot wait excluded)"));
        Console.WriteLine(string.Create(inv, $"late slots given up and re-reserved: {r.Repaced} (whole run)"));
    }

    /// <summary>How to start this binary again: the dotnet host with the dll, or the app host alone.</summary>
    private static (string File, string[] Prefix) Self()
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var dll = typeof(BenchLimiterCommand).Assembly.Location;
        return Path.GetFileNameWithoutExtension(host) == "dotnet" ? (host, [dll]) : (host, []);
    }

    /// <summary>The simulator built beside this binary: src/StockData.YahooSim/bin/CONFIG/net10.0 in a repository checkout.</summary>
    private static string? FindSimulator()
    {
        var here = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var beside = Path.Combine(here, "StockData.YahooSim.dll");
        if (File.Exists(beside))
        {
            return beside;
        }

        var framework = Path.GetFileName(here);
        var configuration = Path.GetFileName(Path.GetDirectoryName(here)!);
        var candidate = Path.GetFullPath(Path.Combine(here, "..", "..", "..", "..", "StockData.YahooSim", "bin", configuration, framework,
            "StockData.YahooSim.dll"));
        return File.Exists(candidate) ? candidate : null;
    }

    private static Child ChildOf(string file, IEnumerable<string> arguments, IDictionary<string, string?>? environment)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        return new Child(new Process { StartInfo = info });
    }

    /// <summary>A child process whose output is collected; disposing kills it if it still runs.</summary>
    private sealed class Child(Process process) : IAsyncDisposable
    {
        private readonly StringBuilder _output = new();
        private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private string? _readyPrefix;

        public string? ReadyLine { get; private set; }

        public string? LastStdoutLine { get; private set; }

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

        public Child Start()
        {
            process.OutputDataReceived += (_, e) => OnLine(e.Data, stdout: true);
            process.ErrorDataReceived += (_, e) => OnLine(e.Data, stdout: false);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return this;
        }

        public async Task<Child> StartAsync(string readyPrefix, CancellationToken cancellationToken)
        {
            _readyPrefix = readyPrefix;
            Start();
            ReadyLine = await _ready.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            return this;
        }

        public async Task<int> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            await process.WaitForExitAsync(deadline.Token);
            process.WaitForExit();
            return process.ExitCode;
        }

        public ValueTask DisposeAsync() => ChildProcesses.KillAndDisposeAsync(process);

        private void OnLine(string? line, bool stdout)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(line);
            }

            if (stdout)
            {
                LastStdoutLine = line;
                if (_readyPrefix is not null && line.StartsWith(_readyPrefix, StringComparison.Ordinal))
                {
                    _ready.TrySetResult(line);
                }
            }
        }
    }
}
