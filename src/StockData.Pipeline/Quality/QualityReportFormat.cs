using System.Globalization;
using System.Text;
using System.Text.Json;
using StockData.Storage.Postgres.Quality;

namespace StockData.Pipeline.Quality;

/// <summary>
/// <c>quality report</c>'s output: totals, per exchange (name and zone) and per symbol — gaps found, repaired,
/// confirmed missing, still open (open or being repaired) and suspicious responses — as a table or as JSON.
/// </summary>
internal static class QualityReportFormat
{
    private sealed record Line(string Name, string Zone, int Symbols, int Found, int Repaired, int Confirmed, int Pending, int Suspicious);

    public static string Json(IReadOnlyList<QualityReportRow> rows)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("totals");
            WriteCounts(writer, Total(rows), null);
            writer.WriteStartArray("exchanges");
            foreach (var exchange in Exchanges(rows))
            {
                WriteCounts(writer, exchange, w =>
                {
                    w.WriteString("exchange", exchange.Name);
                    w.WriteString("timezone", exchange.Zone);
                    w.WriteNumber("symbols", exchange.Symbols);
                });
            }

            writer.WriteEndArray();
            writer.WriteStartArray("symbols");
            foreach (var row in rows)
            {
                WriteCounts(writer, Of(row), w =>
                {
                    w.WriteString("symbol", row.Symbol);
                    w.WriteString("exchange", row.Exchange);
                });
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static string Table(IReadOnlyList<QualityReportRow> rows)
    {
        var text = new StringBuilder();
        var total = Total(rows);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"gaps found {total.Found:N0}, repaired {total.Repaired:N0}, confirmed missing {total.Confirmed:N0}, open {total.Pending:N0}; suspicious responses {total.Suspicious:N0}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{"EXCHANGE",-12} {"TIME ZONE",-22} {"SYMBOLS",7} {"GAPS",8} {"REPAIRED",8} {"CONFIRMED",9} {"OPEN",6} {"SUSPICIOUS",10}");
        foreach (var e in Exchanges(rows))
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{e.Name,-12} {e.Zone,-22} {e.Symbols,7:N0} {e.Found,8:N0} {e.Repaired,8:N0} {e.Confirmed,9:N0} {e.Pending,6:N0} {e.Suspicious,10:N0}");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{"SYMBOL",-14} {"EXCHANGE",-12} {"GAPS",6} {"REPAIRED",8} {"CONFIRMED",9} {"OPEN",6} {"SUSPICIOUS",10}");
        foreach (var r in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{r.Symbol,-14} {r.Exchange,-12} {r.GapsFound,6:N0} {r.Repaired,8:N0} {r.ConfirmedMissing,9:N0} {r.Pending,6:N0} {r.SuspiciousResponses,10:N0}");
        }

        return text.ToString().TrimEnd();
    }

    private static Line Of(QualityReportRow r) =>
        new(r.Symbol, r.TimeZone, 1, r.GapsFound, r.Repaired, r.ConfirmedMissing, r.Pending, r.SuspiciousResponses);

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

    private static void WriteCounts(Utf8JsonWriter writer, Line line, Action<Utf8JsonWriter>? names)
    {
        writer.WriteStartObject();
        names?.Invoke(writer);
        writer.WriteNumber("gaps_found", line.Found);
        writer.WriteNumber("repaired", line.Repaired);
        writer.WriteNumber("confirmed_missing", line.Confirmed);
        writer.WriteNumber("open", line.Pending);
        writer.WriteNumber("suspicious_responses", line.Suspicious);
        writer.WriteEndObject();
    }
}
