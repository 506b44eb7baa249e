using System.Text.Json;
using StockData.Core;

namespace StockData.Pipeline.Output;

/// <summary>
/// One bar as the JSON object <c>{"ts","date","open","high","low","close","adj_close","volume"}</c>, the same bytes as
/// the writer's own <c>WriteString(name, DateTime)</c>, <c>WriteString(name, "yyyy-MM-dd")</c> and <c>WriteNumber</c>
/// calls (with adjusted prices rounded first), written with the property names encoded once and the timestamp, date
/// and prices formatted by <see cref="Utf8Text"/>, as the CSV answer does: the writer's own double and date formatting
/// and a date string per bar were most of the JSON answer's cost.
/// </summary>
internal static class BarJson
{
    /// <summary>Room <see cref="Write"/> needs in its scratch buffer: a timestamp (20 bytes) or a price (at most 24).</summary>
    public const int ScratchBytes = 64;

    private static readonly JsonEncodedText Ts = JsonEncodedText.Encode("ts");
    private static readonly JsonEncodedText Date = JsonEncodedText.Encode("date");
    private static readonly JsonEncodedText Open = JsonEncodedText.Encode("open");
    private static readonly JsonEncodedText High = JsonEncodedText.Encode("high");
    private static readonly JsonEncodedText Low = JsonEncodedText.Encode("low");
    private static readonly JsonEncodedText Close = JsonEncodedText.Encode("close");
    private static readonly JsonEncodedText AdjClose = JsonEncodedText.Encode("adj_close");
    private static readonly JsonEncodedText Volume = JsonEncodedText.Encode("volume");

    /// <param name="json">The writer, inside an array.</param>
    /// <param name="scaled">The bar as the adjuster left it (or <see cref="ScaledBar.Unscaled"/>).</param>
    /// <param name="scratch">At least <see cref="ScratchBytes"/> bytes, reused from bar to bar.</param>
    public static void Write(Utf8JsonWriter json, in ScaledBar scaled, Span<byte> scratch)
    {
        var bar = scaled.Values;
        json.WriteStartObject();
        var utc = bar.Timestamp.UtcDateTime;
        // The writer leaves out a zero fraction of a second and writes any other; Utf8Text has no fraction. Yahoo's
        // timestamps are whole seconds, so the fallback is for completeness.
        if (utc.Ticks % TimeSpan.TicksPerSecond == 0 && Utf8Text.TryFormatTimestamp(utc, scratch, out var n))
        {
            json.WriteString(Ts, scratch[..n]);
        }
        else
        {
            json.WriteString(Ts, utc);
        }

        Utf8Text.TryFormatDate(bar.TradeDate, scratch, out n);
        json.WriteString(Date, scratch[..n]);
        Price(json, Open, bar.Open, scaled.PricesScaled, scratch);
        Price(json, High, bar.High, scaled.PricesScaled, scratch);
        Price(json, Low, bar.Low, scaled.PricesScaled, scratch);
        Price(json, Close, bar.Close, scaled.PricesScaled, scratch);
        if (bar.AdjClose is { } adjClose)
        {
            Price(json, AdjClose, adjClose, scaled.AdjCloseScaled, scratch);
        }
        else
        {
            json.WriteNull(AdjClose);
        }

        if (bar.Volume is { } volume)
        {
            json.WriteNumber(Volume, volume);
        }
        else
        {
            json.WriteNull(Volume);
        }

        json.WriteEndObject();
    }

    private static void Price(Utf8JsonWriter json, JsonEncodedText name, double value, bool scaled, Span<byte> scratch)
    {
        // Not finite: the writer's own call, which refuses it as it always did (JSON has no NaN).
        if (double.IsFinite(value) && BarCsv.TryFormatPrice(value, scaled, scratch, out var n))
        {
            json.WritePropertyName(name);
            json.WriteRawValue(scratch[..n], skipInputValidation: true);
        }
        else
        {
            json.WriteNumber(name, scaled ? PriceAdjuster.Significant(value) : value);
        }
    }
}
