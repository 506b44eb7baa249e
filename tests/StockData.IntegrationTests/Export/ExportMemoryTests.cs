using System.Globalization;
using StockData.IntegrationTests.Infrastructure;
using StockData.IntegrationTests.Ingest;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Export;

/// <summary>
/// The export streams: an export whose rows alone would fill more memory than its process is allowed finishes within
/// that limit (a GC heap hard limit below the size of the rows' values), and its peak resident memory grows by far less
/// than the data does. Bars are seeded straight into the store (one-minute bars, one symbol each), so the sizes are
/// exact. Both exports run with the same fixed generation-0 budget (<see cref="ProcessMemory"/>), so the comparison
/// holds on any CPU.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ExportMemoryTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    /// <summary>The exports' GC heap limit: 64 MiB, well below the large export's 104 MB of values.</summary>
    private const long HeapLimit = 64L << 20;

    [Theory]
    [InlineData("parquet")]
    [InlineData("csv")]
    public async Task PeakMemory_DoesNotScaleWithTheExport(string format)
    {
        postgres.EnsureAvailable();
        await using var sim = await SimulatorProcess.StartAsync("--now", ReplayHarness.Now, "--null-rows", "0");
        var replay = new ReplayHarness(postgres, sim);
        var migrated = await ProcessRunner.RunStockDataAsync(["migrate"], replay.Environment(), TimeSpan.FromMinutes(2));
        Assert.True(migrated.ExitCode == 0, migrated.ToString());
        // Both span several row groups (65,536 rows each), so pools and buffers are warm in both.
        const int small = 130_000, large = 1_300_000;
        await replay.ScalarAsync<int>($"""
            INSERT INTO symbols (symbol, currency) VALUES ('MEMS', 'USD'), ('MEML', 'USD');
            INSERT INTO intraday_bars (symbol, interval, ts, trade_date, open, high, low, close, adj_close, volume)
            SELECT s.symbol, '1m', t, t::date, 100 + i % 7, 101 + i % 7, 99 + i % 7, 100.5 + i % 7, NULL, 1000 + i
            FROM (VALUES ('MEMS', {small}), ('MEML', {large})) s(symbol, n),
                 LATERAL generate_series(1, s.n) i,
                 LATERAL (SELECT timestamptz '2020-01-01 00:00Z' + i * interval '1 minute' AS t) ts;
            SELECT 1
            """);
        using var harness = new ExportHarness(replay);

        async Task<(long Peak, long Bytes)> ExportAsync(string symbol)
        {
            var dir = harness.NewDirectory();
            var file = ReplayHarness.WriteSymbolFile([symbol]);
            // A hard limit on the GC heap, below the large export's values (1.3 M rows x 10 x 8 bytes = 104 MB): a buffering
            // export fails with OutOfMemoryException, a streaming one never comes near it. Unlike peak RSS, which on a
            // busy machine grows with how far the background GC lags the allocations, the limit's verdict does not
            // depend on the load (peak RSS grew by 46 MB of its 47 MB allowance under load 10, with the limit unmet).
            var environment = ProcessMemory.WithFixedGen0Budget();
            environment["DOTNET_GCHeapHardLimit"] = "0x" + HeapLimit.ToString("x", CultureInfo.InvariantCulture);
            await using var export = harness.StartExport(environment,
                "--symbols", file, "--interval", "1m", "--format", format, "--out", dir);
            long peak = 0;
            while (!export.HasExited)
            {
                peak = Math.Max(peak, ProcessMemory.PeakResidentBytes(export.Id));
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }

            var result = await export.WaitAsync(TimeSpan.FromMinutes(3));
            Assert.True(result.ExitCode == 0, result.ToString());
            return (peak, new FileInfo(Path.Combine(dir, "bars", "1m", $"{symbol}.{format}")).Length);
        }

        var smallRun = await ExportAsync("MEMS");
        var largeRun = await ExportAsync("MEML");
        var growth = largeRun.Peak - smallRun.Peak;
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"peak {smallRun.Peak >> 20} MB for {small} rows ({smallRun.Bytes >> 20} MB file), {largeRun.Peak >> 20} MB for {large} rows ({largeRun.Bytes >> 20} MB file)");
        TestContext.Current.TestOutputHelper?.WriteLine($"{format}: {detail}");
        Assert.True(smallRun.Peak > 0 && largeRun.Peak > 0, detail);
        Assert.True(HeapLimit < large * 80L, "the heap limit must be below the large export's values");
        // Ten times the rows: a buffering export holds at least the ten values of each extra row (80 bytes); a
        // streaming one grows by GC and pool slack only, which the heap limit bounds.
        Assert.True(growth < (large - small) * 80L, detail);
    }
}
