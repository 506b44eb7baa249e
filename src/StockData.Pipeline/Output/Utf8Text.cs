using System.Buffers.Text;
using System.Globalization;
using StockData.Core;

namespace StockData.Pipeline.Output;

/// <summary>
/// UTF-8 formatting of the values a bar row holds, byte-identical to the invariant-culture <c>TryFormat</c> calls
/// they replace (<c>"R"</c> doubles, <c>yyyy-MM-ddTHH:mm:ssZ</c>, <c>yyyy-MM-dd</c>), without their general machinery:
/// in a profile of <c>GET /bars</c> as CSV the shortest-round-trip search for doubles and the custom date patterns
/// took about half of the worker's CPU.
/// </summary>
internal static class Utf8Text
{
    /// <summary>
    /// Decimal places the fast path tries. A stored price has at most six; an adjusted one has ten significant digits
    /// (PriceAdjuster.Significant), so an adjusted price from 0.01 up has at most eleven.
    /// </summary>
    private const int MaxDecimals = 12;

    /// <summary>Below this, value × 10^12 is under 2^52 (4096 × 10^12 ≈ 4.1e15 &lt; 4.5e15).</summary>
    private const double OneShotLimit = 4096;

    /// <summary>Integers up to here are held exactly by a double (2^53), so m and the division above are exact.</summary>
    private const double MaxExact = 9_007_199_254_740_992d;

    private static readonly double[] Pow10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];

    /// <summary>
    /// <paramref name="value"/> as <c>value.TryFormat(destination, out written, "R", InvariantCulture)</c> writes it.
    /// </summary>
    /// <remarks>
    /// A value that is an integer m over 10^k with k ≤ 12 (every stored price, and adjusted prices from 0.01 up) is written as m with k decimals, for the
    /// smallest such k. That is the shortest text that reads back as the same double: m / 10^k is one correctly
    /// rounded division of two exactly held numbers, so it equals the value exactly when parsing the text does; a
    /// shorter text would have fewer decimals and have been found first; and m, the nearest integer to value × 10^k,
    /// is the closest of the texts with k decimals, which is the one .NET's shortest round-trip picks. Outside
    /// [1e-4, 1e9), or with no such k, the runtime's own formatting writes it (it switches to exponents at 1e-5 and
    /// 1e15).
    /// </remarks>
    public static bool TryFormatDouble(double value, Span<byte> destination, out int written)
    {
        var magnitude = Math.Abs(value);
        if (magnitude is >= 1e-4 and < OneShotLimit)
        {
            // One try at twelve decimals instead of up to thirteen: below 4096, value × 10^12 stays under 2^52, where
            // a double's spacing is finer than 10^-12, so at most one twelve-decimal text reads back as the value. If
            // this m does, the shortest text is m without its trailing zeros (a shorter text with j decimals would be
            // that same text padded with zeros to twelve); if it does not, the loop below decides.
            var m12 = Math.Round(magnitude * 1e12);
            if (m12 / 1e12 == magnitude)
            {
                var digits = (long)m12;
                var decimals = 12;
                while (decimals > 0 && digits % 10 == 0)
                {
                    digits /= 10;
                    decimals--;
                }

                return TryWriteDigits(value < 0, (ulong)digits, decimals, destination, out written);
            }
        }

        if (magnitude is >= 1e-4 and < 1e9)
        {
            for (var k = 0; k <= MaxDecimals; k++)
            {
                var scaled = magnitude * Pow10[k];
                if (scaled >= MaxExact)
                {
                    break;
                }

                var m = Math.Round(scaled);
                if (m / Pow10[k] == magnitude)
                {
                    return TryWriteDigits(value < 0, (ulong)m, k, destination, out written);
                }
            }
        }

        return value.TryFormat(destination, out written, "R", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// <paramref name="value"/> rounded to <see cref="PriceAdjuster.SignificantDigits"/> significant digits and written as
    /// <see cref="TryFormatDouble"/> writes <c>PriceAdjuster.Significant(value)</c>, the same bytes, with one scaling
    /// instead of three: Significant multiplies by 10^s, rounds to an integer m and divides, and the formatter then
    /// finds m again. Here m is written directly.
    /// </summary>
    /// <remarks>
    /// m over 10^s, trailing zeros dropped, is the shortest text of Significant's double: that double is the one
    /// nearest m / 10^s, so the text reads back as it; and two different numbers of ten significant digits lie at
    /// least 1e-10 apart relative to their size, far more than a double's spacing (2.2e-16), so no shorter text reads
    /// back as the same double. An adjusted CSV row has four or five such prices: this took its formatting from about
    /// twice a stored row's cost to less than it. Outside [1e-3, 1e9) (s outside 1..12) Significant and
    /// TryFormatDouble do it.
    /// </remarks>
    public static bool TryFormatSignificant(double value, Span<byte> destination, out int written)
    {
        var magnitude = Math.Abs(value);
        if (magnitude is >= 1e-3 and < 1e9)
        {
            var shift = PriceAdjuster.SignificantDigits - 1 - PriceAdjuster.DecimalExponent(magnitude);
            if (shift is >= 1 and <= MaxDecimals)
            {
                var m = (ulong)Math.Round(magnitude * Pow10[shift], MidpointRounding.AwayFromZero);
                var decimals = shift;
                if (decimals >= 5 && m % 100_000 == 0)
                {
                    m /= 100_000;
                    decimals -= 5;
                }

                while (decimals > 0 && m % 10 == 0)
                {
                    m /= 10;
                    decimals--;
                }

                return TryWriteDigits(value < 0, m, decimals, destination, out written);
            }
        }

        return TryFormatDouble(PriceAdjuster.Significant(value), destination, out written);
    }

    /// <summary>
    /// <paramref name="m"/> with a point before its last <paramref name="decimals"/> digits (zeros after the point where
    /// m has fewer), as both formatters above end: right to left by constant divisions, no division by a variable power
    /// of ten and no general integer formatter.
    /// </summary>
    private static bool TryWriteDigits(bool negative, ulong m, int decimals, Span<byte> destination, out int written)
    {
        Span<byte> text = stackalloc byte[32];
        var at = text.Length;
        for (var i = 0; i < decimals; i++)
        {
            var quotient = m / 10;
            text[--at] = (byte)('0' + (m - (quotient * 10)));
            m = quotient;
        }

        if (decimals > 0)
        {
            text[--at] = (byte)'.';
        }

        do
        {
            var quotient = m / 10;
            text[--at] = (byte)('0' + (m - (quotient * 10)));
            m = quotient;
        }
        while (m != 0);

        if (negative)
        {
            text[--at] = (byte)'-';
        }

        written = text.Length - at;
        if (!text[at..].TryCopyTo(destination))
        {
            written = 0;
            return false;
        }

        return true;
    }

    /// <summary><paramref name="utc"/> as <c>yyyy-MM-ddTHH:mm:ssZ</c> (20 bytes).</summary>
    public static bool TryFormatTimestamp(DateTime utc, Span<byte> destination, out int written)
    {
        written = 0;
        if (destination.Length < 20)
        {
            return false;
        }

        utc.Deconstruct(out int year, out int month, out int day);
        WriteDate(destination, year, month, day);
        destination[10] = (byte)'T';
        Two(destination[11..], utc.Hour);
        destination[13] = (byte)':';
        Two(destination[14..], utc.Minute);
        destination[16] = (byte)':';
        Two(destination[17..], utc.Second);
        destination[19] = (byte)'Z';
        written = 20;
        return true;
    }

    /// <summary><paramref name="date"/> as <c>yyyy-MM-dd</c> (10 bytes).</summary>
    public static bool TryFormatDate(DateOnly date, Span<byte> destination, out int written)
    {
        written = 0;
        if (destination.Length < 10)
        {
            return false;
        }

        date.Deconstruct(out var year, out var month, out var day);
        WriteDate(destination, year, month, day);
        written = 10;
        return true;
    }

    /// <summary><paramref name="value"/> as invariant-culture decimal digits.</summary>
    public static bool TryFormatInteger(long value, Span<byte> destination, out int written) =>
        Utf8Formatter.TryFormat(value, destination, out written);

    private static void WriteDate(Span<byte> destination, int year, int month, int day)
    {
        Two(destination, year / 100);
        Two(destination[2..], year % 100);
        destination[4] = (byte)'-';
        Two(destination[5..], month);
        destination[7] = (byte)'-';
        Two(destination[8..], day);
    }

    private static void Two(Span<byte> destination, int value)
    {
        destination[1] = (byte)('0' + value % 10);
        destination[0] = (byte)('0' + value / 10);
    }
}
