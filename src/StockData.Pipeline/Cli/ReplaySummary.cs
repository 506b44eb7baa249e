using System.Globalization;
using StockData.Ingest;
using StockData.Pipeline.Output;

namespace StockData.Pipeline.Cli;

/// <summary>The table printed when a replay ends (tests and scripts read its plain form's <c>| name | value |</c> rows).</summary>
internal static class ReplaySummary
{
    public static TextTable Table(IngestStats stats, TimeSpan elapsed)
    {
        var seconds = Math.Max(elapsed.TotalSeconds, 0.001);
        return new TextTable(new TextColumn("figure"), new TextColumn("value", AlignRight: true)) { ShowHeaders = false, Layout = PlainLayout.Boxed }
            .Add("symbols ok", N(stats.SymbolsOk))
            .Add("symbols not found", N(stats.SymbolsNotFound))
            .Add("symbols failed", N(stats.SymbolsFailed))
            .Add("input lines rejected", N(stats.InputErrors))
            .Add("rows inserted", N(stats.RowsInserted))
            .Add("rows updated", N(stats.RowsUpdated))
            .Add("rows unchanged", N(stats.RowsUnchanged))
            .Add("requests", N(stats.Requests))
            .Add("429s", N(stats.RateLimited))
            .Add("elapsed", elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s")
            .Add("rows/s", (stats.RowsWritten / seconds).ToString("N0", CultureInfo.InvariantCulture));

        static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
    }
}
