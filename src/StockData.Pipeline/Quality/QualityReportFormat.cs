using System.Globalization;
using System.Text;
using System.Text.Json;
using StockData.Pipeline.Output;
using StockData.Storage.Postgres.Quality;

namespace StockData.Pipeline.Quality;

/// <summary>
/// <c>quality report</c>'s output: totals, per exchange (name and zone) and per symbol — gaps found, repaired,
/// confirmed missing, still open (open or being repaired) and suspicious responses — as tables or as JSON.
/// </summary>
internal static class QualityReportFormat
{
    private sealed record Line(string Name, string Zone, int Symbols, int Found, int Repaired, int Confirmed, int Pending, int Suspicious);

    public static string Json(IReadOnlyList<QualityReportRow> rows)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            JsonSerializer.Serialize(writer, Document(rows), QualityJsonContext.Default.QualityReportDocument);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static QualityReportDocument Document(IReadOnlyList<QualityReportRow> rows)
    {
        var total = Total(rows);
        return new QualityReportDocument(
            new QualityTotals(total.Found, total.Repaired, total.Confirmed, rows.Sum(r => r.ConfirmedNoData), total.Pending, total.Suspicious),
            Exchanges(rows).Select(e => new ExchangeQuality(e.Name, e.Zone, e.Symbols, e.Found, e.Repaired, e.Confirmed, e.Pending, e.Suspicious)).ToList(),
            rows.Select(r => new SymbolQuality(r.Symbol, r.Exchange, r.GapsFound, r.Repaired, r.ConfirmedMissing, r.ConfirmedNoData, r.Pending,
                r.SuspiciousResponses)).ToList());
    }

    /// <summary>Prints the totals line and the two tables (Spectre tables on a terminal).</summary>
    public static void Print(IReadOnlyList<QualityReportRow> rows)
    {
        if (!TextTable.IsTerminal)
        {
            Console.WriteLine(PlainText(rows));
            return;
        }

        Console.WriteLine(Summary(rows));
        ExchangeTable(rows).Print();
        SymbolTable(rows).Print();
    }

    /// <summary>The report as plain text: the totals line, a blank line, the exchanges, a blank line, the symbols.</summary>
    public static string PlainText(IReadOnlyList<QualityReportRow> rows) =>
        string.Join(Environment.NewLine + Environment.NewLine, Summary(rows), ExchangeTable(rows).ToPlainText(), SymbolTable(rows).ToPlainText())
            .TrimEnd();

    private static string Summary(IReadOnlyList<QualityReportRow> rows)
    {
        var total = Total(rows);
        return string.Create(CultureInfo.InvariantCulture,
            $"gaps found {total.Found:N0}, repaired {total.Repaired:N0}, confirmed missing {total.Confirmed:N0} (upstream sends no data {rows.Sum(r => r.ConfirmedNoData):N0}), open {total.Pending:N0}; suspicious responses {total.Suspicious:N0}");
    }

    private static TextTable ExchangeTable(IReadOnlyList<QualityReportRow> rows)
    {
        var table = new TextTable(new TextColumn("EXCHANGE", 12), new TextColumn("TIME ZONE", 22), Count("SYMBOLS", 7), Count("GAPS", 8),
            Count("REPAIRED", 8), Count("CONFIRMED", 9), Count("OPEN", 6), Count("SUSPICIOUS", 10));
        foreach (var e in Exchanges(rows))
        {
            table.Add(e.Name, e.Zone, N(e.Symbols), N(e.Found), N(e.Repaired), N(e.Confirmed), N(e.Pending), N(e.Suspicious));
        }

        return table;
    }

    private static TextTable SymbolTable(IReadOnlyList<QualityReportRow> rows)
    {
        var table = new TextTable(new TextColumn("SYMBOL", 14), new TextColumn("EXCHANGE", 12), Count("GAPS", 6), Count("REPAIRED", 8),
            Count("CONFIRMED", 9), Count("OPEN", 6), Count("SUSPICIOUS", 10));
        foreach (var r in rows)
        {
            table.Add(r.Symbol, r.Exchange, N(r.GapsFound), N(r.Repaired), N(r.ConfirmedMissing), N(r.Pending), N(r.SuspiciousResponses));
        }

        return table;
    }

    private static TextColumn Count(string header, int width) => new(header, width, AlignRight: true);

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static Line Sum(string name, string zone, IEnumerable<QualityReportRow> rows)
    {
        var list = rows.ToList();
        return new Line(name, zone, list.Count, list.Sum(r => r.GapsFound), list.Sum(r => r.Repaired), list.Sum(r => r.ConfirmedMissing),
            list.Sum(r => r.Pending), list.Sum(r => r.SuspiciousResponses));
    }

    private static Line Total(IReadOnlyList<QualityReportRow> rows) => Sum("", "", rows);

    private static IEnumerable<Line> Exchanges(IReadOnlyList<QualityReportRow> rows) =>
        rows.GroupBy(r => (r.Exchange, r.TimeZone)).OrderBy(g => g.Key.Exchange, StringComparer.Ordinal)
            .ThenBy(g => g.Key.TimeZone, StringComparer.Ordinal).Select(g => Sum(g.Key.Exchange, g.Key.TimeZone, g));
}
