using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace StockData.Pipeline.Http;

/// <summary>
/// The catalog's CSV bodies, as the bars' CSV: invariant culture, round-trip doubles, ISO-8601 UTC times with a Z,
/// empty fields for null, <c>\n</c> line ends. A page is at most a few thousand short lines, written in one piece.
/// </summary>
internal static class CatalogCsv
{
    public const string CoverageHeader =
        "symbol,interval,status,first_date,last_date,rows,watermark,last_fetch_at,last_success_at,next_fetch_at,scheduled,consecutive_failures,refetch_pending";

    public const string EventHeader = "symbol,type,ex_date,ts,amount,numerator,denominator,recorded_at";

    public static IResult Coverage(IEnumerable<CoverageItem> items)
    {
        var text = new StringBuilder(CoverageHeader).Append('\n');
        foreach (var i in items)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{i.Symbol},{i.Interval},{i.Status},{Date(i.FirstDate)},{Date(i.LastDate)},{i.Rows},{Time(i.Watermark)},{Time(i.LastFetchAt)},{Time(i.LastSuccessAt)},{Time(i.NextFetchAt)},{Bool(i.Scheduled)},{i.ConsecutiveFailures},{Bool(i.RefetchPending)}\n");
        }

        return Results.Text(text.ToString(), TableFormat.CsvContentType);
    }

    public static IResult Events(string symbol, IEnumerable<EventItem> events)
    {
        var text = new StringBuilder(EventHeader).Append('\n');
        foreach (var e in events)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{symbol},{e.Type},{Date(e.ExDate)},{Time(e.Ts)},{e.Amount:R},{e.Numerator:R},{e.Denominator:R},{Time(e.RecordedAt)}\n");
        }

        return Results.Text(text.ToString(), TableFormat.CsvContentType);
    }

    private static string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    /// <summary>Microseconds kept: a recorded_at is a valid as_of only if it is not rounded.</summary>
    private static string Time(DateTime? time) => time?.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFZ", CultureInfo.InvariantCulture) ?? "";

    private static string Bool(bool value) => value ? "true" : "false";
}
