using System.Globalization;
using StockData.Pipeline.Ingest;

namespace StockData.Pipeline.Cli;

/// <summary>The table printed when a replay ends.</summary>
internal static class ReplaySummary
{
    public static string Format(IngestStats stats, TimeSpan elapsed)
    {
        var seconds = Math.Max(elapsed.TotalSeconds, 0.001);
        var rows = new (string Name, string Value)[]
        {
            ("symbols ok", N(stats.SymbolsOk)),
            ("symbols not found", N(stats.SymbolsNotFound)),
            ("symbols failed", N(stats.SymbolsFailed)),
            ("input lines rejected", N(stats.InputErrors)),
            ("rows inserted", N(stats.RowsInserted)),
            ("rows updated", N(stats.RowsUpdated)),
            ("rows unchanged", N(stats.RowsUnchanged)),
            ("requests", N(stats.Requests)),
            ("429s", N(stats.RateLimited)),
            ("elapsed", elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"),
            ("rows/s", (stats.RowsWritten / seconds).ToString("N0", CultureInfo.InvariantCulture)),
        };
        var width = rows.Max(r => r.Name.Length);
        var valueWidth = rows.Max(r => r.Value.Length);
        var line = "+" + new string('-', width + 2) + "+" + new string('-', valueWidth + 2) + "+";
        var text = new System.Text.StringBuilder().AppendLine(line);
        foreach (var (name, value) in rows)
        {
            text.Append("| ").Append(name.PadRight(width)).Append(" | ").Append(value.PadLeft(valueWidth)).AppendLine(" |");
        }

        return text.Append(line).ToString();

        static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
    }
}
