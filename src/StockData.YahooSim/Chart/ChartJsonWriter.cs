using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using StockData.YahooSim.Market;

namespace StockData.YahooSim.Chart;

/// <summary>
/// Writes a 200 chart body shaped and typed like the real recordings (yfinance-rs verbatim bodies): integers for
/// epochs, offsets and price hints, float32-rounded prices printed as doubles, <c>timestamp</c> absent and
/// <c>quote:[{}]</c> when there are no rows, adjclose only for daily and longer intervals.
/// </summary>
internal static class ChartJsonWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        // Yahoo writes M&M.NS raw; the default encoder would send M\u0026M.NS.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    public static byte[] Write(ChartData data)
    {
        var buffer = new ArrayBufferWriter<byte>(1024 + data.Rows.Count * 110);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("chart");
            writer.WriteStartArray("result");
            writer.WriteStartObject();
            WriteMeta(writer, data);
            if (data.Rows.Count > 0)
            {
                writer.WriteStartArray("timestamp");
                foreach (var row in data.Rows)
                {
                    writer.WriteNumberValue(row.Timestamp);
                }

                writer.WriteEndArray();
            }

            WriteEvents(writer, data);
            WriteIndicators(writer, data);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteNull("error");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteMeta(Utf8JsonWriter writer, ChartData data)
    {
        var exchange = data.Profile.Exchange;
        var now = data.Now;
        var gmtoffset = exchange.GmtOffsetSeconds(now);
        var abbreviation = exchange.Abbreviation(now);
        writer.WriteStartObject("meta");
        writer.WriteString("currency", exchange.Currency);
        writer.WriteString("symbol", data.Profile.Symbol);
        writer.WriteString("exchangeName", exchange.ExchangeName);
        writer.WriteString("fullExchangeName", exchange.FullExchangeName);
        writer.WriteString("instrumentType", exchange.InstrumentType);
        if (data.FirstTradeDate is { } first)
        {
            writer.WriteNumber("firstTradeDate", first);
        }
        else
        {
            writer.WriteNull("firstTradeDate");
        }

        writer.WriteNumber("regularMarketTime", data.RegularMarketTime);
        writer.WriteBoolean("hasPrePostMarketData", exchange.HasPrePost);
        writer.WriteNumber("gmtoffset", gmtoffset);
        writer.WriteString("timezone", abbreviation);
        writer.WriteString("exchangeTimezoneName", exchange.TimeZoneId);
        writer.WriteNumber("regularMarketPrice", Round(data.RegularMarketPrice, data.PriceHint));
        writer.WriteNumber("fiftyTwoWeekHigh", Round(data.FiftyTwoWeekHigh, data.PriceHint));
        writer.WriteNumber("fiftyTwoWeekLow", Round(data.FiftyTwoWeekLow, data.PriceHint));
        writer.WriteNumber("regularMarketDayHigh", Round(data.DayHigh, data.PriceHint));
        writer.WriteNumber("regularMarketDayLow", Round(data.DayLow, data.PriceHint));
        writer.WriteNumber("regularMarketVolume", data.DayVolume);
        writer.WriteString("longName", data.Profile.LongName);
        writer.WriteString("shortName", data.Profile.LongName);
        writer.WriteNumber("chartPreviousClose", Round(data.ChartPreviousClose, data.PriceHint));
        if (data.PreviousClose is { } previousClose)
        {
            writer.WriteNumber("previousClose", Round(previousClose, data.PriceHint));
            writer.WriteNumber("scale", 3);
        }

        writer.WriteNumber("priceHint", data.PriceHint);
        writer.WriteStartObject("currentTradingPeriod");
        WritePeriod(writer, "pre", exchange, data.SessionDay, exchange.PreOpen, exchange.Open, abbreviation, gmtoffset);
        WritePeriod(writer, "regular", exchange, data.SessionDay, exchange.Open, exchange.Close, abbreviation, gmtoffset);
        WritePeriod(writer, "post", exchange, data.SessionDay, exchange.Close, exchange.PostClose, abbreviation, gmtoffset);
        writer.WriteEndObject();
        if (data.TradingPeriodDays is { } days)
        {
            WriteTradingPeriods(writer, data, days);
        }

        writer.WriteString("dataGranularity", data.Interval);
        writer.WriteString("range", data.Range);
        writer.WriteStartArray("validRanges");
        foreach (var range in ChartQuery.Ranges)
        {
            writer.WriteStringValue(range);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteTradingPeriods(Utf8JsonWriter writer, ChartData data, IReadOnlyList<DateOnly> days)
    {
        var exchange = data.Profile.Exchange;
        if (!data.IncludePrePost)
        {
            // Without pre/post Yahoo sends a list of one-element lists (AAPL 1m fixture).
            writer.WriteStartArray("tradingPeriods");
            WriteDays(writer, exchange, days, exchange.Open, exchange.Close);
            writer.WriteEndArray();
            return;
        }

        // With pre/post it is an object of three such lists (TSLA 30m fixture).
        writer.WriteStartObject("tradingPeriods");
        writer.WriteStartArray("pre");
        WriteDays(writer, exchange, days, exchange.PreOpen, exchange.Open);
        writer.WriteEndArray();
        writer.WriteStartArray("regular");
        WriteDays(writer, exchange, days, exchange.Open, exchange.Close);
        writer.WriteEndArray();
        writer.WriteStartArray("post");
        WriteDays(writer, exchange, days, exchange.Close, exchange.PostClose);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteDays(Utf8JsonWriter writer, Exchange exchange, IReadOnlyList<DateOnly> days, TimeSpan start, TimeSpan end)
    {
        foreach (var day in days)
        {
            var startAt = exchange.At(day, exchange.PeriodTime(start));
            writer.WriteStartArray();
            writer.WriteStartObject();
            writer.WriteString("timezone", exchange.Abbreviation(startAt));
            writer.WriteNumber("end", exchange.At(day, exchange.PeriodTime(end)).ToUnixTimeSeconds());
            writer.WriteNumber("start", startAt.ToUnixTimeSeconds());
            writer.WriteNumber("gmtoffset", exchange.GmtOffsetSeconds(startAt));
            writer.WriteEndObject();
            writer.WriteEndArray();
        }
    }

    private static void WritePeriod(Utf8JsonWriter writer, string name, Exchange exchange, DateOnly day, TimeSpan start, TimeSpan end,
        string abbreviation, int gmtoffset)
    {
        writer.WriteStartObject(name);
        writer.WriteString("timezone", abbreviation);
        writer.WriteNumber("start", exchange.At(day, exchange.PeriodTime(start)).ToUnixTimeSeconds());
        writer.WriteNumber("end", exchange.At(day, exchange.PeriodTime(end)).ToUnixTimeSeconds());
        writer.WriteNumber("gmtoffset", gmtoffset);
        writer.WriteEndObject();
    }

    private static void WriteEvents(Utf8JsonWriter writer, ChartData data)
    {
        if (data.Dividends.Count == 0 && data.Splits.Count == 0)
        {
            return;
        }

        writer.WriteStartObject("events");
        if (data.Dividends.Count > 0)
        {
            writer.WriteStartObject("dividends");
            foreach (var dividend in data.Dividends)
            {
                writer.WriteStartObject(dividend.Key.ToString(CultureInfo.InvariantCulture));
                writer.WriteNumber("amount", dividend.Amount);
                writer.WriteNumber("date", dividend.Date);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        if (data.Splits.Count > 0)
        {
            writer.WriteStartObject("splits");
            foreach (var split in data.Splits)
            {
                writer.WriteStartObject(split.Key.ToString(CultureInfo.InvariantCulture));
                writer.WriteNumber("date", split.Date);
                writer.WriteNumber("numerator", split.Numerator);
                writer.WriteNumber("denominator", split.Denominator);
                writer.WriteString("splitRatio", string.Create(CultureInfo.InvariantCulture, $"{split.Numerator}:{split.Denominator}"));
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteIndicators(Utf8JsonWriter writer, ChartData data)
    {
        var rows = data.Rows;
        writer.WriteStartObject("indicators");
        writer.WriteStartArray("quote");
        writer.WriteStartObject();
        if (rows.Count > 0)
        {
            // The key order of a real recording (BTC-USD fixture): parsers must not assume OHLC order.
            WritePrices(writer, "low", rows, static r => r.Low);
            WritePrices(writer, "close", rows, static r => r.Close);
            writer.WriteStartArray("volume");
            foreach (var row in rows)
            {
                if (row.IsNull)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    writer.WriteNumberValue(row.Volume);
                }
            }

            writer.WriteEndArray();
            WritePrices(writer, "open", rows, static r => r.Open);
            WritePrices(writer, "high", rows, static r => r.High);
        }

        writer.WriteEndObject();
        writer.WriteEndArray();
        if (data.HasAdjClose)
        {
            writer.WriteStartArray("adjclose");
            writer.WriteStartObject();
            if (rows.Count > 0)
            {
                writer.WriteStartArray("adjclose");
                foreach (var row in rows)
                {
                    if (row.IsNull || row.AdjClose is null)
                    {
                        writer.WriteNullValue();
                    }
                    else
                    {
                        writer.WriteNumberValue(Float32(row.AdjClose.Value));
                    }
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WritePrices(Utf8JsonWriter writer, string name, List<ChartRow> rows, Func<ChartRow, double> field)
    {
        writer.WriteStartArray(name);
        foreach (var row in rows)
        {
            if (row.IsNull)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteNumberValue(Float32(field(row)));
            }
        }

        writer.WriteEndArray();
    }

    /// <summary>Yahoo stores prices as float32 and prints them as doubles (1185.6600341796875).</summary>
    private static double Float32(double value) => (float)value;

    private static double Round(double value, int digits) => Math.Round(value, digits, MidpointRounding.AwayFromZero);
}
