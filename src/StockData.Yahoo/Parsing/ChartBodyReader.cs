using System.Buffers.Text;
using System.Text.Json;

namespace StockData.Yahoo.Parsing;

/// <summary>
/// One forward pass of <see cref="Utf8JsonReader"/> over a chart body into a <see cref="ChartBody"/>. Invalid JSON
/// (truncation, HTML, bare NaN tokens) throws <see cref="JsonException"/>. A valid JSON value of the wrong type where
/// the schema fixes one is recorded as <see cref="ChartBody.ShapeProblem"/> and skipped, so that an error object
/// later in the body is still seen (R14 checks it before R10). Unknown keys are skipped at every level (R13).
/// </summary>
public static class ChartBodyReader
{
    // Epoch seconds that DateTimeOffset can hold (years 1 to 9999), less two days so that any local date and the
    // day spans around it stay representable too; anything else cannot be a bar time.
    private const long MinEpoch = -62_135_596_800 + 172_800;
    private const long MaxEpoch = 253_402_300_799 - 172_800;

    // 2^63, the first double past long's range.
    private const double TwoPow63 = 9.223372036854775808e18;

    /// <summary>Reads the body; with <paramref name="readResult"/> false only the error objects are looked at.</summary>
    public static void Read(ref Utf8JsonReader reader, ChartBody body, bool readResult)
    {
        if (!reader.Read())
        {
            throw new JsonException("The body is empty.");
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            body.AddShapeProblem($"the body is a JSON {Describe(reader.TokenType)}, not an object");
            reader.Skip();
        }
        else
        {
            while (NextProperty(ref reader))
            {
                var isChart = reader.ValueTextEquals("chart"u8);
                var isFinance = !isChart && reader.ValueTextEquals("finance"u8);
                reader.Read();
                if (isChart || isFinance)
                {
                    ReadEnvelope(ref reader, body, isChart && readResult);
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        // Anything but whitespace after the top-level value makes the reader throw here.
        if (reader.Read())
        {
            throw new JsonException("Unexpected data after the top-level JSON value.");
        }
    }

    private static void ReadEnvelope(ref Utf8JsonReader reader, ChartBody body, bool readResult)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                ReadError(ref reader, body);
            }
            else if (readResult && reader.ValueTextEquals("result"u8))
            {
                reader.Read();
                ReadResultArray(ref reader, body);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ReadError(ref Utf8JsonReader reader, ChartBody body)
    {
        // Only an error object counts (R14 step 4); the first one wins when both chart and finance carry one.
        if (reader.TokenType != JsonTokenType.StartObject || body.HasErrorObject)
        {
            reader.Skip();
            return;
        }

        body.HasErrorObject = true;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("code"u8))
            {
                reader.Read();
                body.ErrorCode = ReadOptionalString(ref reader);
            }
            else if (reader.ValueTextEquals("description"u8))
            {
                reader.Read();
                body.ErrorDescription = ReadOptionalString(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ReadResultArray(ref Utf8JsonReader reader, ChartBody body)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            body.AddShapeProblem($"chart.result is a JSON {Describe(reader.TokenType)}, not an array");
            reader.Skip();
            return;
        }

        // One symbol per request, so one element; any further ones are not ours to read.
        var first = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (first && reader.TokenType == JsonTokenType.StartObject)
            {
                body.HasResult = true;
                ReadResult(ref reader, body);
            }
            else
            {
                if (first)
                {
                    body.AddShapeProblem($"chart.result[0] is a JSON {Describe(reader.TokenType)}, not an object");
                }

                reader.Skip();
            }

            first = false;
        }
    }

    private static void ReadResult(ref Utf8JsonReader reader, ChartBody body)
    {
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("timestamp"u8))
            {
                reader.Read();
                ReadTimestamps(ref reader, body);
            }
            else if (reader.ValueTextEquals("indicators"u8))
            {
                reader.Read();
                ReadIndicators(ref reader, body);
            }
            else if (reader.ValueTextEquals("meta"u8))
            {
                reader.Read();
                ReadMeta(ref reader, body);
            }
            else if (reader.ValueTextEquals("events"u8))
            {
                reader.Read();
                ReadEvents(ref reader, body);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ReadTimestamps(ref Utf8JsonReader reader, ChartBody body)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            body.AddShapeProblem($"timestamp is a JSON {Describe(reader.TokenType)}, not an array");
            reader.Skip();
            return;
        }

        body.Timestamps.Begin(Math.Max(body.Close.Count, 256));
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.Number && TryGetEpoch(ref reader, out var epoch))
            {
                body.Timestamps.Add(epoch);
                continue;
            }

            body.AddShapeProblem($"timestamp[{body.Timestamps.Count}] is not an epoch second in range " +
                                 $"(a JSON {Describe(reader.TokenType)})");
            reader.Skip();
            body.Timestamps.Add(0);
        }
    }

    private static void ReadIndicators(ref Utf8JsonReader reader, ChartBody body)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            SkipUnlessNull(ref reader, body, "indicators");
            return;
        }

        while (NextProperty(ref reader))
        {
            var isQuote = reader.ValueTextEquals("quote"u8);
            var isAdjClose = !isQuote && reader.ValueTextEquals("adjclose"u8);
            reader.Read();
            if (!isQuote && !isAdjClose)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                SkipUnlessNull(ref reader, body, isQuote ? "indicators.quote" : "indicators.adjclose");
                continue;
            }

            var first = true;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (first && reader.TokenType == JsonTokenType.StartObject)
                {
                    if (isQuote)
                    {
                        ReadQuote(ref reader, body);
                    }
                    else
                    {
                        ReadAdjCloseBlock(ref reader, body);
                    }
                }
                else
                {
                    reader.Skip();
                }

                first = false;
            }
        }
    }

    private static void ReadQuote(ref Utf8JsonReader reader, ChartBody body)
    {
        // Key order inside quote[0] varies between responses, so each array is matched by name.
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("open"u8))
            {
                reader.Read();
                ReadPrices(ref reader, body, ref body.Open, "open");
            }
            else if (reader.ValueTextEquals("high"u8))
            {
                reader.Read();
                ReadPrices(ref reader, body, ref body.High, "high");
            }
            else if (reader.ValueTextEquals("low"u8))
            {
                reader.Read();
                ReadPrices(ref reader, body, ref body.Low, "low");
            }
            else if (reader.ValueTextEquals("close"u8))
            {
                reader.Read();
                ReadPrices(ref reader, body, ref body.Close, "close");
            }
            else if (reader.ValueTextEquals("volume"u8))
            {
                reader.Read();
                ReadVolumes(ref reader, body);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ReadAdjCloseBlock(ref Utf8JsonReader reader, ChartBody body)
    {
        while (NextProperty(ref reader))
        {
            var isAdjClose = reader.ValueTextEquals("adjclose"u8);
            reader.Read();
            if (isAdjClose)
            {
                ReadPrices(ref reader, body, ref body.AdjClose, "adjclose");
            }
            else
            {
                reader.Skip();
            }
        }
    }

    /// <summary>
    /// A price array. Cells: the number, <see cref="ChartBody.NullPrice"/> for null and
    /// <see cref="ChartBody.NonFinitePrice"/> for anything that is not a finite number: the strings "NaN",
    /// "Infinity" and "-Infinity" Yahoo has sent (R2), any other string, or a number beyond double's range.
    /// </summary>
    private static void ReadPrices(ref Utf8JsonReader reader, ChartBody body, ref PooledColumn<double> column, string name)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            SkipUnlessNull(ref reader, body, name);
            return;
        }

        column.Begin(Math.Max(body.Timestamps.Count, 256));
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    column.Add(reader.TryGetDouble(out var value) && double.IsFinite(value) ? value : ChartBody.NonFinitePrice);
                    break;
                case JsonTokenType.Null:
                    column.Add(ChartBody.NullPrice);
                    break;
                case JsonTokenType.String:
                    column.Add(ChartBody.NonFinitePrice);
                    break;
                case JsonTokenType.EndArray:
                    return;
                default:
                    body.AddShapeProblem($"{name}[{column.Count}] is a JSON {Describe(reader.TokenType)}");
                    reader.Skip();
                    column.Add(ChartBody.NullPrice);
                    break;
            }
        }
    }

    /// <summary>
    /// The volume array as int64 (R4: volumes pass 2^31). A null, a string (including "NaN") or a number that is
    /// not a finite value in range is a missing volume, which never invalidates the row.
    /// </summary>
    private static void ReadVolumes(ref Utf8JsonReader reader, ChartBody body)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            SkipUnlessNull(ref reader, body, "volume");
            return;
        }

        body.Volume.Begin(Math.Max(body.Timestamps.Count, 256));
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    body.Volume.Add(TryGetVolume(ref reader, out var volume) ? volume : ChartBody.NullVolume);
                    break;
                case JsonTokenType.Null:
                case JsonTokenType.String:
                    body.Volume.Add(ChartBody.NullVolume);
                    break;
                case JsonTokenType.EndArray:
                    return;
                default:
                    body.AddShapeProblem($"volume[{body.Volume.Count}] is a JSON {Describe(reader.TokenType)}");
                    reader.Skip();
                    body.Volume.Add(ChartBody.NullVolume);
                    break;
            }
        }
    }

    private static void ReadMeta(ref Utf8JsonReader reader, ChartBody body)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            SkipUnlessNull(ref reader, body, "meta");
            return;
        }

        // Meta gains keys over time (docs/yahoo-chart-api.md §2); only these are kept, and a wrong type reads as missing.
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("currency"u8))
            {
                reader.Read();
                body.Currency = ReadOptionalString(ref reader);
            }
            else if (reader.ValueTextEquals("symbol"u8))
            {
                reader.Read();
                body.Symbol = ReadOptionalString(ref reader);
            }
            else if (reader.ValueTextEquals("exchangeName"u8))
            {
                reader.Read();
                body.ExchangeName = ReadOptionalString(ref reader);
            }
            else if (reader.ValueTextEquals("instrumentType"u8))
            {
                reader.Read();
                body.InstrumentType = ReadOptionalString(ref reader);
            }
            else if (reader.ValueTextEquals("exchangeTimezoneName"u8))
            {
                reader.Read();
                body.ExchangeTimezoneName = ReadOptionalString(ref reader);
            }
            else if (reader.ValueTextEquals("dataGranularity"u8))
            {
                reader.Read();
                body.DataGranularity = ReadOptionalString(ref reader);
            }
            else if (reader.ValueTextEquals("firstTradeDate"u8))
            {
                reader.Read();
                body.FirstTradeDate = ReadOptionalEpoch(ref reader);
            }
            else if (reader.ValueTextEquals("regularMarketTime"u8))
            {
                reader.Read();
                body.RegularMarketTime = ReadOptionalEpoch(ref reader);
            }
            else if (reader.ValueTextEquals("currentTradingPeriod"u8))
            {
                reader.Read();
                body.RegularSessionEnd = ReadRegularSessionEnd(ref reader) ?? body.RegularSessionEnd;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary><c>currentTradingPeriod.regular.end</c>, or null.</summary>
    private static long? ReadRegularSessionEnd(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        long? end = null;
        while (NextProperty(ref reader))
        {
            var isRegular = reader.ValueTextEquals("regular"u8);
            reader.Read();
            if (!isRegular || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (NextProperty(ref reader))
            {
                var isEnd = reader.ValueTextEquals("end"u8);
                reader.Read();
                if (isEnd)
                {
                    end = ReadOptionalEpoch(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        return end;
    }

    private static void ReadEvents(ref Utf8JsonReader reader, ChartBody body)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("dividends"u8))
            {
                reader.Read();
                body.Dividends = ReadEventMap(ref reader, isSplit: false);
            }
            else if (reader.ValueTextEquals("splits"u8))
            {
                reader.Read();
                body.Splits = ReadEventMap(ref reader, isSplit: true);
            }
            else if (reader.ValueTextEquals("capitalGains"u8))
            {
                reader.Read();
                body.CapitalGains = ReadEventMap(ref reader, isSplit: false);
            }
            else
            {
                // Unknown event types (earnings, …) are ignored (R11).
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>
    /// An event map keyed by epoch strings. The key is only a fallback for a missing <c>date</c>: R11 says the
    /// event's own date wins (they differ in the VFINX 3mo recording). Entries without a usable amount or ratio are
    /// left out.
    /// </summary>
    private static List<RawEvent>? ReadEventMap(ref Utf8JsonReader reader, bool isSplit)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        var events = new List<RawEvent>();
        while (NextProperty(ref reader))
        {
            long? key = !reader.ValueIsEscaped && Utf8Parser.TryParse(reader.ValueSpan, out long parsed, out var consumed) &&
                        consumed == reader.ValueSpan.Length
                ? parsed
                : null;
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            long? date = null;
            double first = double.NaN, second = double.NaN;
            while (NextProperty(ref reader))
            {
                if (reader.ValueTextEquals("date"u8))
                {
                    reader.Read();
                    date = ReadOptionalEpoch(ref reader);
                }
                else if (reader.ValueTextEquals(isSplit ? "numerator"u8 : "amount"u8))
                {
                    reader.Read();
                    first = ReadFlexibleDouble(ref reader);
                }
                else if (isSplit && reader.ValueTextEquals("denominator"u8))
                {
                    reader.Read();
                    second = ReadFlexibleDouble(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            var when = date ?? key;
            var usable = isSplit ? first > 0 && second > 0 && double.IsFinite(first) && double.IsFinite(second) : double.IsFinite(first);
            if (when is { } epoch && usable)
            {
                events.Add(new RawEvent(epoch, first, second));
            }
        }

        return events;
    }

    private static bool NextProperty(ref Utf8JsonReader reader) =>
        reader.Read() && reader.TokenType == JsonTokenType.PropertyName;

    private static void SkipUnlessNull(ref Utf8JsonReader reader, ChartBody body, string name)
    {
        if (reader.TokenType != JsonTokenType.Null)
        {
            body.AddShapeProblem($"{name} is a JSON {Describe(reader.TokenType)}");
        }

        reader.Skip();
    }

    private static string? ReadOptionalString(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            // The reader checks UTF-8 only when a string is decoded; a body that is not UTF-8 is not JSON (RFC 8259).
            try
            {
                return reader.GetString();
            }
            catch (InvalidOperationException ex)
            {
                throw new JsonException("A string is not valid UTF-8.", ex);
            }
        }

        reader.Skip();
        return null;
    }

    private static long? ReadOptionalEpoch(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number && TryGetEpoch(ref reader, out var epoch))
        {
            return epoch;
        }

        reader.Skip();
        return null;
    }

    /// <summary>A number given as a JSON int, a float or a numeric string (yf-rs accepts all three for splits).</summary>
    private static double ReadFlexibleDouble(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetDouble(out var value):
                return value;
            case JsonTokenType.String when !reader.ValueIsEscaped &&
                                           Utf8Parser.TryParse(reader.ValueSpan, out double parsed, out var consumed) &&
                                           consumed == reader.ValueSpan.Length:
                return parsed;
            default:
                reader.Skip();
                return double.NaN;
        }
    }

    /// <summary>An int64, or a finite float in range truncated toward zero (Yahoo writes whole volumes).</summary>
    private static bool TryGetVolume(ref Utf8JsonReader reader, out long volume)
    {
        if (reader.TryGetInt64(out volume))
        {
            return true;
        }

        if (reader.TryGetDouble(out var real) && double.IsFinite(real) && real >= long.MinValue && real < TwoPow63)
        {
            volume = (long)real;
            return volume != ChartBody.NullVolume;
        }

        volume = 0;
        return false;
    }

    private static bool TryGetEpoch(ref Utf8JsonReader reader, out long epoch) =>
        TryGetWholeNumber(ref reader, out epoch) && epoch is >= MinEpoch and <= MaxEpoch;

    /// <summary>An integer token, or a float token holding a whole value in range (<c>1598880600.0</c>).</summary>
    private static bool TryGetWholeNumber(ref Utf8JsonReader reader, out long value)
    {
        if (reader.TryGetInt64(out value))
        {
            return true;
        }

        if (reader.TryGetDouble(out var real) && double.IsFinite(real) && real == Math.Floor(real) &&
            real >= long.MinValue && real < TwoPow63)
        {
            value = (long)real;
            return true;
        }

        value = 0;
        return false;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
