using System.Globalization;
using System.Text;
using System.Text.Json;

namespace StockData.Pipeline.Benchmarks;

/// <summary>The figures of one <c>bench writer</c> run, the writer's targets, and their two printed forms.</summary>
internal sealed record WriterBenchmarkResult(
    int Symbols,
    int BarsPerSymbol,
    int BatchSize,
    bool KeepRevisions,
    string Server,
    IReadOnlyList<TimeSpan> RawCopySamples,
    IReadOnlyList<TimeSpan> PackedRawCopySamples,
    TimeSpan Fresh,
    int FreshFastPathBatches,
    int FreshBatches,
    TimeSpan Unchanged,
    long UnchangedTuplesWritten,
    long UnchangedStatTuplesWritten,
    TimeSpan Changed,
    long ChangedRevisions,
    TimeSpan OldWay,
    int RefreshRows,
    TimeSpan Refresh,
    TimeSpan OldWayRefresh)
{
    public const double FreshTarget = 0.6;
    public const double UnchangedTarget = 0.4;
    public const double ChangedTarget = 0.2;
    public const double FreshOverOldWayTarget = 4;
    public const double RefreshSpeedupTarget = 50;

    public int Rows => Symbols * BarsPerSymbol;

    /// <summary>The median of the interleaved raw-COPY samples: figure (1).</summary>
    public TimeSpan RawCopy => Median(RawCopySamples);

    /// <summary>The median of the raw-COPY samples into a packed table (fillfactor 100), printed for reference.</summary>
    public TimeSpan PackedRawCopy => Median(PackedRawCopySamples);

    public double RawCopyRate => Rate(Rows, RawCopy);

    public double FreshRate => Rate(Rows, Fresh);

    public double UnchangedRate => Rate(Rows, Unchanged);

    public double ChangedRate => Rate(Rows, Changed);

    public double OldWayRate => Rate(Rows, OldWay);

    public double RefreshRate => Rate(RefreshRows, Refresh);

    public double OldWayRefreshRate => Rate(RefreshRows, OldWayRefresh);

    public bool FreshMet => FreshRate / RawCopyRate >= FreshTarget;

    public bool UnchangedMet => UnchangedRate / RawCopyRate >= UnchangedTarget && UnchangedTuplesWritten == 0;

    public bool ChangedMet => ChangedRate / RawCopyRate >= ChangedTarget;

    public bool FreshOverOldWayMet => FreshRate / OldWayRate >= FreshOverOldWayTarget;

    public bool RefreshMet => OldWayRefresh / Refresh >= RefreshSpeedupTarget;

    public bool AllMet => FreshMet && UnchangedMet && ChangedMet && FreshOverOldWayMet && RefreshMet;

    /// <summary>The <c>--json</c> form: the figures and verdicts under fixed keys, so runs can be compared.</summary>
    public string ToJson()
    {
        var figures = new Dictionary<string, object>
        {
            ["rows"] = Rows,
            ["raw_copy_rows_per_s"] = Math.Round(RawCopyRate),
            ["fresh_rows_per_s"] = Math.Round(FreshRate),
            ["unchanged_rows_per_s"] = Math.Round(UnchangedRate),
            ["changed_rows_per_s"] = Math.Round(ChangedRate),
            ["old_way_rows_per_s"] = Math.Round(OldWayRate),
            ["unchanged_tuples_written"] = UnchangedTuplesWritten,
            ["refresh_seconds"] = Math.Round(Refresh.TotalSeconds, 4),
            ["old_way_refresh_seconds"] = Math.Round(OldWayRefresh.TotalSeconds, 4),
        };
        return JsonSerializer.Serialize(figures);
    }

    public string ToTable()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"stockdata bench writer: {Symbols:N0} symbols × {BarsPerSymbol:N0} daily bars = {Rows:N0} rows; " +
                           $"batch {BatchSize:N0} rows, 1 writer connection, revisions {(KeepRevisions ? "on" : "off")}");
        text.AppendLine(c, $"server: {Server}");
        text.AppendLine();
        text.AppendLine(c, $"{"figure",-50} {"rows",11} {"seconds",9} {"rows/s",10} {"× (1)",7}  target");
        Row("(1) raw binary COPY into an empty copy (the limit)", Rows, RawCopy,
            $"median of {RawCopySamples.Count} runs interleaved with the others: " +
            $"{Rate(Rows, RawCopySamples.Max()):N0}–{Rate(Rows, RawCopySamples.Min()):N0} rows/s");
        var packed = Rate(Rows, PackedRawCopy);
        Row("(1p) the same into a packed copy (fillfactor 100)", Rows, PackedRawCopy,
            $"for reference, median of {PackedRawCopySamples.Count}; against it: fresh {FreshRate / packed:0.00}, " +
            $"unchanged {UnchangedRate / packed:0.00}, changed {ChangedRate / packed:0.00}");
        Row($"(2) writer, fresh history ({FreshFastPathBatches}/{FreshBatches} batches fast path)", Rows, Fresh,
            Target(FreshTarget, FreshMet));
        Row("(3) writer, same rows again (unchanged)", Rows, Unchanged,
            Target(UnchangedTarget, UnchangedMet) +
            $"; tuples written {UnchangedTuplesWritten:N0} (xmin), {UnchangedStatTuplesWritten:N0} (pg_stat_user_tables)");
        Row("(4) writer, every close changed", Rows, Changed,
            Target(ChangedTarget, ChangedMet) + $"; {ChangedRevisions:N0} revisions kept");
        Row("(6) old way: data source per symbol, 500-row INSERT", Rows, OldWay,
            $"fresh ÷ old way = {FreshRate / OldWayRate:0.0}× (≥ {FreshOverOldWayTarget}×) {Verdict(FreshOverOldWayMet)}");
        Row($"(5) refresh: {Symbols:N0} symbols × 5 new bars, one pass", RefreshRows, Refresh, "");
        Row("(5) refresh, the old way", RefreshRows, OldWayRefresh,
            $"writer {OldWayRefresh / Refresh:0}× faster (≥ {RefreshSpeedupTarget}×) {Verdict(RefreshMet)}");
        text.AppendLine();
        text.AppendLine(AllMet ? "all targets met" : "some targets missed");
        return text.ToString();

        void Row(string name, int rows, TimeSpan elapsed, string target)
        {
            var rate = Rate(rows, elapsed);
            text.AppendLine(c, $"{name,-50} {rows,11:N0} {elapsed.TotalSeconds,9:0.000} {rate,10:N0} {rate / RawCopyRate,7:0.00}  {target}");
        }
    }

    private static string Target(double target, bool met) =>
        string.Create(CultureInfo.InvariantCulture, $"≥ {target:0.00} {Verdict(met)}");

    private static string Verdict(bool met) => met ? "met" : "MISSED";

    private static double Rate(int rows, TimeSpan elapsed) => elapsed > TimeSpan.Zero ? rows / elapsed.TotalSeconds : 0;

    private static TimeSpan Median(IReadOnlyList<TimeSpan> samples)
    {
        var sorted = samples.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
