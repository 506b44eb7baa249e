using System.Globalization;
using System.Text;
using System.Text.Json;

namespace StockData.Bench.Benchmarks;

/// <summary>
/// The figures of one <c>bench writer</c> run (every round), the writer's targets, and their two printed forms. Each
/// ratio is the median over the rounds of (pass rate ÷ the raw-COPY rate measured right before that pass).
/// </summary>
internal sealed record WriterBenchmarkResult(
    int Symbols,
    int BarsPerSymbol,
    int BatchSize,
    int WriteConcurrency,
    bool KeepRevisions,
    BenchServer Server,
    WriterBenchmarkSamples Samples)
{
    public const double FreshTarget = 0.6;
    public const double UnchangedTarget = 0.4;
    public const double ChangedTarget = 0.2;
    public const double FreshOverOldWayTarget = 4;
    public const double RefreshSpeedupTarget = 50;

    public int Rows => Symbols * BarsPerSymbol;

    public int Rounds => Samples.Fresh.Times.Count;

    /// <summary>Every raw-COPY sample of the run: figure (1).</summary>
    public Spread RawCopy => Spread.Of(Samples.RawCopy.Select(t => Rows / t.TotalSeconds));

    public Spread PackedRawCopy => Spread.Of(Samples.PackedRawCopy.Select(t => Rows / t.TotalSeconds));

    public Spread Fresh => Samples.Fresh.Rates(Rows);

    /// <summary>Rows read and compared per second, nothing written: a check rate, not a write rate.</summary>
    public Spread UnchangedChecked => Samples.Unchanged.Rates(Rows);

    public Spread Changed => Samples.Changed.Rates(Rows);

    public Spread OldWay => Samples.OldWay.Rates(Rows);

    public Spread Refresh => Spread.Of(Samples.Refresh.Select(t => t.TotalSeconds));

    public Spread OldWayRefresh => Spread.Of(Samples.OldWayRefresh.Select(t => t.TotalSeconds));

    /// <summary>Per round: fresh rate ÷ old-way rate of the same round.</summary>
    public Spread FreshOverOldWay => Spread.Of(Samples.Fresh.Times.Zip(Samples.OldWay.Times, (fresh, old) => old / fresh));

    /// <summary>Per round: how many times faster the writer's refresh pass was than the old way's.</summary>
    public Spread RefreshSpeedup => Spread.Of(Samples.Refresh.Zip(Samples.OldWayRefresh, (writer, old) => old / writer));

    public bool FreshMet => Samples.Fresh.Ratios.Median >= FreshTarget;

    public bool UnchangedMet => Samples.Unchanged.Ratios.Median >= UnchangedTarget && Samples.UnchangedTuplesWritten == 0;

    public bool ChangedMet => Samples.Changed.Ratios.Median >= ChangedTarget;

    public bool FreshOverOldWayMet => FreshOverOldWay.Median >= FreshOverOldWayTarget;

    public bool RefreshMet => RefreshSpeedup.Median >= RefreshSpeedupTarget;

    public bool AllMet => FreshMet && UnchangedMet && ChangedMet && FreshOverOldWayMet && RefreshMet;

    /// <summary>
    /// The medians under the keys the writer's targets name ("unchanged" as rows checked per second: that pass writes
    /// nothing), the ratios, every figure's spread, and the server's durability settings.
    /// </summary>
    public string ToJson()
    {
        var figures = new Dictionary<string, object>
        {
            ["rows"] = Rows,
            ["rounds"] = Rounds,
            ["write_concurrency"] = WriteConcurrency,
            ["raw_copy_rows_per_s"] = Math.Round(RawCopy.Median),
            ["fresh_rows_per_s"] = Math.Round(Fresh.Median),
            ["unchanged_rows_checked_per_s"] = Math.Round(UnchangedChecked.Median),
            ["changed_rows_per_s"] = Math.Round(Changed.Median),
            ["old_way_rows_per_s"] = Math.Round(OldWay.Median),
            ["unchanged_tuples_written"] = Samples.UnchangedTuplesWritten,
            ["refresh_seconds"] = Math.Round(Refresh.Median, 4),
            ["old_way_refresh_seconds"] = Math.Round(OldWayRefresh.Median, 4),
            ["fresh_ratio"] = Math.Round(Samples.Fresh.Ratios.Median, 3),
            ["unchanged_checked_ratio"] = Math.Round(Samples.Unchanged.Ratios.Median, 3),
            ["changed_ratio"] = Math.Round(Samples.Changed.Ratios.Median, 3),
            ["fresh_over_old_way"] = Math.Round(FreshOverOldWay.Median, 2),
            ["refresh_speedup"] = Math.Round(RefreshSpeedup.Median, 1),
            ["fresh_batches"] = Samples.Batches,
            ["fresh_fast_path_batches"] = Samples.FastPathBatches,
            ["spread"] = new Dictionary<string, object>
            {
                ["raw_copy_rows_per_s"] = RawCopy.ToJson(0),
                ["packed_raw_copy_rows_per_s"] = PackedRawCopy.ToJson(0),
                ["fresh_rows_per_s"] = Fresh.ToJson(0),
                ["unchanged_rows_checked_per_s"] = UnchangedChecked.ToJson(0),
                ["changed_rows_per_s"] = Changed.ToJson(0),
                ["old_way_rows_per_s"] = OldWay.ToJson(0),
                ["refresh_seconds"] = Refresh.ToJson(4),
                ["old_way_refresh_seconds"] = OldWayRefresh.ToJson(4),
                ["fresh_ratio"] = Samples.Fresh.Ratios.ToJson(3),
                ["unchanged_checked_ratio"] = Samples.Unchanged.Ratios.ToJson(3),
                ["changed_ratio"] = Samples.Changed.Ratios.ToJson(3),
                ["fresh_over_old_way"] = FreshOverOldWay.ToJson(2),
                ["refresh_speedup"] = RefreshSpeedup.ToJson(1),
            },
            ["server"] = Server.ToJson(),
        };
        return JsonSerializer.Serialize(figures);
    }

    public string ToTable()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"stockdata bench writer: {Symbols:N0} symbols × {BarsPerSymbol:N0} daily bars = {Rows:N0} rows; " +
                           $"batch {BatchSize:N0} rows, {WriteConcurrency} batch(es) written at once, revisions {(KeepRevisions ? "on" : "off")}; " +
                           $"{Rounds} rounds, each pass after a CHECKPOINT and right after a raw-COPY sample");
        text.AppendLine(c, $"server: {Server}");
        text.AppendLine();
        text.AppendLine(c, $"{"figure",-52} {"rows/s: median (min–max)",-28} {"× (1): median (min–max)",-24} target");
        text.AppendLine(c, $"{"(1) raw binary COPY into an empty copy (the limit)",-52} {RawCopy.Format("N0"),-28} " +
                           $"{"",-24} {RawCopy.Count} samples, one before every pass");
        var packed = PackedRawCopy.Median;
        text.AppendLine(c, $"{"(1p) the same into a packed copy (fillfactor 100)",-52} {PackedRawCopy.Format("N0"),-28} " +
                           $"{"",-24} for reference; medians against it: fresh {Fresh.Median / packed:0.00}, " +
                           $"unchanged {UnchangedChecked.Median / packed:0.00}, changed {Changed.Median / packed:0.00}");
        Row($"(2) writer, fresh history ({Samples.FastPathBatches}/{Samples.Batches} batches fast path)", Fresh, Samples.Fresh.Ratios,
            Target(FreshTarget, FreshMet));
        Row("(3) writer, same rows again: rows checked/s", UnchangedChecked, Samples.Unchanged.Ratios,
            Target(UnchangedTarget, UnchangedMet) +
            $"; nothing written: {Samples.UnchangedTuplesWritten:N0} tuples (xmin), {Samples.UnchangedStatTuplesWritten:N0} (pg_stat_user_tables)");
        Row("(4) writer, every close changed", Changed, Samples.Changed.Ratios,
            Target(ChangedTarget, ChangedMet) + $"; {Samples.ChangedRevisions:N0} revisions kept");
        Row("(6) old way: data source per symbol, 500-row INSERT", OldWay, Samples.OldWay.Ratios,
            $"fresh ÷ old way {FreshOverOldWay.Format("0.0")}× (≥ {FreshOverOldWayTarget}×) {Verdict(FreshOverOldWayMet)}");
        text.AppendLine(c, $"{$"(5) refresh: {Symbols:N0} symbols × 5 new bars, one pass",-52} {Refresh.Format("0.000") + " s",-28} " +
                           $"{"",-24} old way {OldWayRefresh.Format("0.000")} s: writer {RefreshSpeedup.Format("0")}× faster " +
                           $"(≥ {RefreshSpeedupTarget}×) {Verdict(RefreshMet)}");
        text.AppendLine();
        text.AppendLine(AllMet ? "all targets met (medians)" : "some targets missed (medians)");
        return text.ToString();

        void Row(string name, Spread rates, Spread ratios, string target) =>
            text.AppendLine(c, $"{name,-52} {rates.Format("N0"),-28} {ratios.Format("0.00"),-24} {target}");
    }

    private static string Target(double target, bool met) =>
        string.Create(CultureInfo.InvariantCulture, $"≥ {target:0.00} {Verdict(met)}");

    private static string Verdict(bool met) => met ? "met" : "MISSED";
}
