using System.Globalization;
using System.Text;
using StockData.Core;

namespace StockData.Pipeline.Output;

/// <summary>The CSV form of bars, one format for the HTTP API and the <c>bars</c> verb.</summary>
internal static class BarCsv
{
    public const string Header = "symbol,interval,ts,trade_date,open,high,low,close,adj_close,volume";

    /// <summary>
    /// Room one line takes at most: a symbol and an interval (at most 32 and 3 characters, ASCII after validation;
    /// <see cref="MaxLineBytes(int)"/> counts them), a timestamp (20), a date (10), five doubles (at most 24 each in
    /// round-trip form), a long (20) and nine separators and the line end.
    /// </summary>
    private const int FixedLineBytes = 20 + 10 + 5 * 24 + 20 + 10;

    /// <summary>One CSV row: invariant culture, round-trip doubles, ISO-8601 UTC timestamps, empty for null.</summary>
    public static string Line(string symbol, string interval, Bar bar) => string.Create(CultureInfo.InvariantCulture,
        $"{symbol},{interval},{bar.Timestamp.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ},{bar.TradeDate:yyyy-MM-dd},{bar.Open:R},{bar.High:R},{bar.Low:R},{bar.Close:R},{bar.AdjClose:R},{bar.Volume}");

    /// <summary>The most bytes <see cref="TryWriteUtf8(Span{byte}, ReadOnlySpan{byte}, in Bar, out int)"/> writes for a line whose symbol and interval take <paramref name="prefixBytes"/>.</summary>
    public static int MaxLineBytes(int prefixBytes) => prefixBytes + FixedLineBytes;

    /// <summary>
    /// <paramref name="prefix"/> (the UTF-8 of <c>symbol,interval,</c>) and the rest of <see cref="Line"/>'s row with its
    /// <c>\n</c>, formatted straight into <paramref name="destination"/> as UTF-8: the same bytes, without a string per
    /// row or a char-to-byte pass. False (nothing usable written) when the span is too small.
    /// </summary>
    public static bool TryWriteUtf8(Span<byte> destination, ReadOnlySpan<byte> prefix, in Bar bar, out int written) =>
        TryWriteUtf8(destination, prefix, ScaledBar.Unscaled(bar), out written);

    /// <summary>
    /// An adjusted row (<see cref="PriceAdjuster.Scale"/>): the same bytes as <see cref="TryWriteUtf8(Span{byte}, ReadOnlySpan{byte}, in Bar, out int)"/>
    /// of <see cref="ScaledBar.Rounded"/>, each scaled price rounded while it is formatted (<see cref="Utf8Text.TryFormatSignificant"/>).
    /// </summary>
    public static bool TryWriteUtf8(Span<byte> destination, ReadOnlySpan<byte> prefix, in ScaledBar scaled, out int written)
    {
        var bar = scaled.Values;
        var prices = scaled.PricesScaled;
        written = 0;
        if (!prefix.TryCopyTo(destination))
        {
            return false;
        }

        var at = prefix.Length;
        if (!Utf8Text.TryFormatTimestamp(bar.Timestamp.UtcDateTime, destination[at..], out var n)
            || !Separator(destination, ref at, n)
            || !Utf8Text.TryFormatDate(bar.TradeDate, destination[at..], out n)
            || !Separator(destination, ref at, n)
            || !TryFormatPrice(bar.Open, prices, destination[at..], out n)
            || !Separator(destination, ref at, n)
            || !TryFormatPrice(bar.High, prices, destination[at..], out n)
            || !Separator(destination, ref at, n)
            || !TryFormatPrice(bar.Low, prices, destination[at..], out n)
            || !Separator(destination, ref at, n)
            || !TryFormatPrice(bar.Close, prices, destination[at..], out n)
            || !Separator(destination, ref at, n))
        {
            return false;
        }

        n = 0;
        if (bar.AdjClose is { } adjClose && !TryFormatPrice(adjClose, scaled.AdjCloseScaled, destination[at..], out n))
        {
            return false;
        }

        if (!Separator(destination, ref at, n))
        {
            return false;
        }

        n = 0;
        if (bar.Volume is { } volume && !Utf8Text.TryFormatInteger(volume, destination[at..], out n))
        {
            return false;
        }

        at += n;
        if (at >= destination.Length)
        {
            return false;
        }

        destination[at++] = (byte)'\n';
        written = at;
        return true;
    }

    /// <summary>A price as a row writes it: a scaled one rounded to ten significant digits as it is formatted.</summary>
    internal static bool TryFormatPrice(double value, bool scaled, Span<byte> destination, out int written) =>
        scaled ? Utf8Text.TryFormatSignificant(value, destination, out written) : Utf8Text.TryFormatDouble(value, destination, out written);

    /// <summary>The UTF-8 of <c>symbol,interval,</c>, the start every row of one symbol shares.</summary>
    public static byte[] Utf8Prefix(string symbol, string interval) => Encoding.UTF8.GetBytes($"{symbol},{interval},");

    /// <summary>Moves past <paramref name="formatted"/> bytes and writes a comma after them.</summary>
    private static bool Separator(Span<byte> destination, ref int at, int formatted)
    {
        at += formatted;
        if (at >= destination.Length)
        {
            return false;
        }

        destination[at++] = (byte)',';
        return true;
    }
}
