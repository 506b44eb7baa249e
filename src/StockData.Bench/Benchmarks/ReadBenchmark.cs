using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Npgsql;
using StockData.Core;
using StockData.Storage;
using StockData.Storage.Postgres;

namespace StockData.Bench.Benchmarks;

/// <summary>
/// <c>stockdata-bench read</c>: what the store's users read per second, beside what PostgreSQL itself hands out. Loads
/// synthetic daily histories (with dividends, and splits on some symbols, so adjusted reads do real work) through the
/// product's writer into the process's scratch schema, starts a real <c>stockdata run</c> worker on it (HTTP only), and
/// per round times: <c>COPY (SELECT …) TO STDOUT</c> of every stored row as CSV (the reference), <c>GET /bars</c> for
/// all the symbols as CSV, as JSON and as CSV with <c>adjust=all</c> (each whole streamed body read), and a real
/// <c>stockdata export</c> process as Parquet and as CSV (the whole command, start-up included). Each figure's ratio is
/// to the reference of its own round.
/// </summary>
internal sealed class ReadBenchmark(
    NpgsqlDataSource dataSource,
    SchemaSql schemaSql,
    IBarWriter writer,
    FetchIdSequence fetchIds,
    SchemaMigrator migrator,
    IOptions<StorageOptions> storage)
{
    /// <summary>Trading days a year, as the synthetic histories count them.</summary>
    private const int BarsPerYear = 252;

    /// <summary>Symbols written per batch (one transaction of the writer).</summary>
    private const int SymbolsPerBatch = 10;

    // Every row of the scratch schema is the benchmark's: the reference reads them all, in the endpoint's order and
    // columns, as CSV with a header (what the CSV answer is).
    private const string CopyAll = """
        COPY (SELECT symbol, interval, ts, trade_date, open, high, low, close, adj_close, volume FROM sd_schema.daily_bars
              WHERE interval = '1d' ORDER BY symbol, trade_date) TO STDOUT (FORMAT csv, HEADER)
        """;

    public async Task<ReadBenchmarkResult> RunAsync(ReadBenchmarkSettings settings, Action<string> log, CancellationToken cancellationToken)
    {
        await migrator.MigrateAsync(cancellationToken);
        var server = await BenchServer.ReadAsync(dataSource, storage.Value.PostgresConnectionString, cancellationToken);
        log($"server: {server}");
        log($"stockdata: exports {settings.StockDataDll}, worker {settings.WorkerDll}");
        var symbols = Enumerable.Range(0, settings.Symbols).Select(SyntheticBars.Symbol).ToArray();
        var (rows, splits, dividends) = await LoadAsync(symbols, settings.Years * BarsPerYear, cancellationToken);
        log(string.Create(CultureInfo.InvariantCulture, $"loaded {rows:N0} rows of {symbols.Length} symbols through the writer ({splits} splits, {dividends:N0} dividends)"));
        await ExecuteAsync("VACUUM ANALYZE sd_schema.daily_bars", cancellationToken);

        var work = Directory.CreateTempSubdirectory("stockdata-bench-read-");
        try
        {
            var symbolFile = Path.Combine(work.FullName, "symbols.txt");
            await File.WriteAllLinesAsync(symbolFile, symbols, cancellationToken);
            var oneSymbolFile = Path.Combine(work.FullName, "one-symbol.txt");
            await File.WriteAllLinesAsync(oneSymbolFile, symbols[..1], cancellationToken);
            var oneSymbolRows = rows / symbols.Length;
            // HTTP only: no daemon fetching, no quality checks beside the reads.
            var workerEnvironment = new Dictionary<string, string?>(Environment())
            {
                ["StockData__Daemon__Enabled"] = "false",
                ["StockData__Quality__Enabled"] = "false",
                ["StockData__Http__Url"] = "http://127.0.0.1:0",
            };
            await using var worker = await StockDataProcess.StartRunAsync("worker", settings.WorkerDll, workerEnvironment, cancellationToken);
            log($"worker listening on {worker.BaseUrl}");
            var query = $"/bars?interval=1d&symbols={string.Join(',', symbols)}";

            // Untimed: the first request and the first export take the JIT's cold paths (both processes); an adjusted
            // read has cold paths of its own (the events' query, the adjuster), which left the first rounds of
            // adjust=all at about 0.6 of the unadjusted CSV and the rest at 0.8 when only the plain reads warmed up.
            await ReadBodyAsync(worker.Http, query, "text/csv", cancellationToken);
            await ReadBodyAsync(worker.Http, query, "application/json", cancellationToken);
            await ReadBodyAsync(worker.Http, query + "&adjust=all", "text/csv", cancellationToken);
            await ExportAsync(settings.StockDataDll, Environment(), symbolFile, "parquet", work.FullName, rows, cancellationToken);

            var samples = new ReadBenchmarkSamples();
            for (var round = 1; round <= settings.Rounds; round++)
            {
                samples.Copy.Add(rows / await TimeAsync(() => CopyAsync(rows, cancellationToken)));
                samples.Csv.Add(rows / await TimeAsync(() => ReadCsvAsync(worker.Http, query, rows, cancellationToken)));
                samples.Json.Add(rows / await TimeAsync(() => ReadBodyAsync(worker.Http, query, "application/json", cancellationToken)));
                samples.CsvAdjusted.Add(rows / await TimeAsync(() => ReadCsvAsync(worker.Http, query + "&adjust=all", rows, cancellationToken)));
                samples.Parquet.Add(rows / await TimeAsync(() =>
                    ExportAsync(settings.StockDataDll, Environment(), symbolFile, "parquet", work.FullName, rows, cancellationToken)));
                samples.ExportCsv.Add(rows / await TimeAsync(() =>
                    ExportAsync(settings.StockDataDll, Environment(), symbolFile, "csv", work.FullName, rows, cancellationToken)));
                // What an export costs whatever its size (process start, host, migration check, plan, manifest): one
                // symbol's Parquet export, so the figures above can be read as fixed cost plus rows.
                samples.ExportFixedSeconds.Add(await TimeAsync(() =>
                    ExportAsync(settings.StockDataDll, Environment(), oneSymbolFile, "parquet", work.FullName, oneSymbolRows, cancellationToken)));
                log(string.Create(CultureInfo.InvariantCulture,
                    $"round {round}/{settings.Rounds}: copy {samples.Copy[^1]:N0}, csv {samples.Csv[^1]:N0}, json {samples.Json[^1]:N0}, " +
                    $"csv adjust=all {samples.CsvAdjusted[^1]:N0}, export parquet {samples.Parquet[^1]:N0}, export csv {samples.ExportCsv[^1]:N0} rows/s; " +
                    $"one-symbol export {samples.ExportFixedSeconds[^1]:0.00} s"));
            }

            var stopped = await worker.StopAsync(cancellationToken);
            if (stopped != 0)
            {
                log($"worker exited {stopped} on SIGTERM");
            }

            return new ReadBenchmarkResult(rows, symbols.Length, settings.Years, samples, server);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Writes the histories as full fetches, <see cref="SymbolsPerBatch"/> symbols a batch: a dividend every quarter on
    /// every symbol, and a 2:1 split halfway through every fifth symbol's history (its later bars continue at half price).
    /// </summary>
    private async Task<(long Rows, int Splits, int Dividends)> LoadAsync(string[] symbols, int barsPerSymbol, CancellationToken cancellationToken)
    {
        long rows = 0;
        int splits = 0, dividends = 0;
        var chunks = new List<FetchChunk>();
        for (var i = 0; i < symbols.Length; i++)
        {
            var bars = SyntheticBars.History(i, barsPerSymbol);
            var paid = new List<Dividend>();
            for (var k = 63; k < bars.Length; k += 63)
            {
                paid.Add(new Dividend(bars[k].Timestamp, bars[k].TradeDate, Math.Round(bars[k - 1].Close * 0.005, 4)));
            }

            var split = new List<Split>();
            if (i % 5 == 0 && bars.Length > 2)
            {
                // Stored as Yahoo serves a history after a split: every bar already in new shares; the split only
                // tells the adjuster (and makes it read each bar's write time).
                var middle = bars[bars.Length / 2];
                split.Add(new Split(middle.Timestamp, middle.TradeDate, 2, 1));
            }

            splits += split.Count;
            dividends += paid.Count;
            rows += bars.Length;
            chunks.Add(new FetchChunk(fetchIds.Next(), symbols[i], BarInterval.Daily, true, 0, new BarSlice(bars), true,
                new FetchEvents(null, paid, split, [])));
            if (chunks.Count == SymbolsPerBatch || i == symbols.Length - 1)
            {
                await writer.WriteAsync(new WriteBatch(chunks), cancellationToken);
                chunks = [];
            }
        }

        return (rows, splits, dividends);
    }

    private async Task CopyAsync(long rows, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        using var reader = await connection.BeginTextExportAsync(schemaSql.Qualify(CopyAll), cancellationToken);
        var lines = await CountLinesAsync(reader, cancellationToken);
        Expect("the reference", rows, lines - 1);
    }

    private static async Task ReadCsvAsync(HttpClient http, string query, long rows, CancellationToken cancellationToken)
    {
        var lines = await ReadBodyAsync(http, query, "text/csv", cancellationToken);
        Expect("GET /bars as CSV", rows, lines - 1);
    }

    /// <summary>Reads the whole streamed body as text (the client's decoding counted too); returns its lines.</summary>
    private static async Task<long> ReadBodyAsync(HttpClient http, string query, string accept, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(query, UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET /bars ({accept}) answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        return await CountLinesAsync(reader, cancellationToken);
    }

    private static async Task<long> CountLinesAsync(TextReader reader, CancellationToken cancellationToken)
    {
        var buffer = new char[1 << 16];
        long lines = 0;
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count('\n');
        }

        return lines;
    }

    /// <summary>A real <c>stockdata export</c> of every symbol into a fresh directory, checked by its manifest's rows.</summary>
    private static async Task ExportAsync(string stockDataDll, Dictionary<string, string?> environment, string symbolFile, string format, string work, long rows,
        CancellationToken cancellationToken)
    {
        var output = Path.Combine(work, $"export-{Guid.NewGuid():N}");
        try
        {
            var (exit, text) = await StockDataProcess.RunVerbAsync(stockDataDll, environment,
                ["export", "--symbols", symbolFile, "--format", format, "--out", output], cancellationToken);
            if (exit != 0)
            {
                throw new InvalidOperationException($"stockdata export --format {format} exited {exit}:\n{text}");
            }

            using var manifest = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "manifest.json"), cancellationToken));
            var barRows = manifest.RootElement.GetProperty("files").EnumerateArray()
                .Where(f => f.GetProperty("kind").GetString() == "bars").Sum(f => f.GetProperty("rows").GetInt64());
            Expect($"stockdata export --format {format}", rows, barRows);
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    /// <summary>The child processes' settings: this process's database and scratch schema.</summary>
    private Dictionary<string, string?> Environment() => new()
    {
        ["ConnectionStrings__Postgres"] = storage.Value.PostgresConnectionString,
        ["StockData__Storage__Schema"] = storage.Value.Schema,
        ["StockData__Storage__ApplicationName"] = storage.Value.ApplicationName,
    };

    private static void Expect(string what, long expected, long actual)
    {
        if (expected != actual)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{what} gave {actual:N0} rows, the store holds {expected:N0}"));
        }
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var started = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
#pragma warning disable CA2100 // Constant statements of this file.
        await using var command = dataSource.CreateCommand(schemaSql.Qualify(sql));
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>The validated options of <c>bench read</c>.</summary>
/// <param name="StockDataDll">The stockdata the exports run (a short command: the native binary when built).</param>
/// <param name="WorkerDll">The stockdata that serves the HTTP reads (a long-running worker: the IL build).</param>
internal sealed record ReadBenchmarkSettings(int Symbols, int Years, int Rounds, string StockDataDll, string WorkerDll);

/// <summary>Rows per second of each figure, one sample per round.</summary>
internal sealed class ReadBenchmarkSamples
{
    public List<double> Copy { get; } = [];

    public List<double> Csv { get; } = [];

    public List<double> Json { get; } = [];

    public List<double> CsvAdjusted { get; } = [];

    public List<double> Parquet { get; } = [];

    public List<double> ExportCsv { get; } = [];

    /// <summary>Seconds of a one-symbol Parquet export: an export's cost that does not grow with its rows.</summary>
    public List<double> ExportFixedSeconds { get; } = [];
}
