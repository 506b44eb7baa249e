using System.Text.Json;
using StockData.TestSupport;

namespace StockData.Benchmarks;

/// <summary>
/// A 10-year daily AAPL-shaped response (2,520 trading days): the real meta of the recorded 6-month AAPL response,
/// bars at the New York open (13:30Z or 14:30Z with DST), float32-valued prices printed as doubles the way Yahoo
/// writes them (<c>127.58000183105469</c>), int64 volumes, an adjclose block and quarterly dividends.
/// </summary>
internal static class SyntheticChart
{
    private const int TradingDays = 2520;

    public static (byte[] Bytes, int Rows) TenYearDaily()
    {
        var random = new Random(20150102);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var timestamps = new List<long>(TradingDays);
        for (var day = new DateOnly(2015, 1, 2); timestamps.Count < TradingDays; day = day.AddDays(1))
        {
            if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                continue;
            }

            var open = day.ToDateTime(new TimeOnly(9, 30));
            timestamps.Add(new DateTimeOffset(open, zone.GetUtcOffset(open)).ToUnixTimeSeconds());
        }

        using var buffer = new MemoryStream(TradingDays * 160);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("chart");
            writer.WriteStartArray("result");
            writer.WriteStartObject();
            writer.WritePropertyName("meta");
            RealMeta().WriteTo(writer);
            writer.WriteStartArray("timestamp");
            foreach (var t in timestamps)
            {
                writer.WriteNumberValue(t);
            }

            writer.WriteEndArray();
            WriteDividends(writer, timestamps);
            WriteIndicators(writer, random);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteNull("error");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return (buffer.ToArray(), TradingDays);
    }

    private static JsonElement RealMeta()
    {
        var path = Path.Combine(RepoPaths.YahooFixtures, "aapl-1d-range-6mo-trailing-live-bar.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.GetProperty("chart").GetProperty("result")[0].GetProperty("meta").Clone();
    }

    private static void WriteDividends(Utf8JsonWriter writer, List<long> timestamps)
    {
        writer.WriteStartObject("events");
        writer.WriteStartObject("dividends");
        for (var i = 30; i < timestamps.Count; i += 63)
        {
            writer.WriteStartObject(timestamps[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteNumber("amount", 0.2 + (i / 63 * 0.005));
            writer.WriteNumber("date", timestamps[i]);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteIndicators(Utf8JsonWriter writer, Random random)
    {
        var open = new double[TradingDays];
        var high = new double[TradingDays];
        var low = new double[TradingDays];
        var close = new double[TradingDays];
        var adjClose = new double[TradingDays];
        var volume = new long[TradingDays];
        var price = 27.0;
        for (var i = 0; i < TradingDays; i++)
        {
            var o = price * (1 + ((random.NextDouble() - 0.5) * 0.01));
            var c = o * (1 + ((random.NextDouble() - 0.5) * 0.04));
            var h = Math.Max(o, c) * (1 + (random.NextDouble() * 0.01));
            var l = Math.Min(o, c) * (1 - (random.NextDouble() * 0.01));
            // Yahoo's prices are float32 values printed as doubles.
            (open[i], high[i], low[i], close[i]) = ((float)o, (float)h, (float)l, (float)c);
            adjClose[i] = (float)(c * (0.85 + (0.15 * i / TradingDays)));
            volume[i] = 20_000_000 + random.NextInt64(180_000_000);
            price = c;
        }

        writer.WriteStartObject("indicators");
        writer.WriteStartArray("quote");
        writer.WriteStartObject();
        WriteArray(writer, "open", open);
        WriteArray(writer, "high", high);
        WriteArray(writer, "low", low);
        WriteArray(writer, "close", close);
        writer.WriteStartArray("volume");
        foreach (var v in volume)
        {
            writer.WriteNumberValue(v);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteStartArray("adjclose");
        writer.WriteStartObject();
        WriteArray(writer, "adjclose", adjClose);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteArray(Utf8JsonWriter writer, string name, double[] values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteNumberValue(value);
        }

        writer.WriteEndArray();
    }
}
