using System.Globalization;
using System.Text;
using System.Text.Json;
using StockData.Core;
using StockData.Pipeline.Output;

namespace StockData.UnitTests.Output;

public sealed class BarJsonTests
{
    [Fact]
    public void Write_TheSameBytesAsTheWritersOwnCalls_StoredAdjustedAndEdgeValues()
    {
        var random = new Random(20261207);
        var bars = new List<ScaledBar>();
        double[] edges = [0.1 + 0.2, 185.1, 184.20000000000002, 16.502855716023433, 1e-7, -1.7e300, double.Epsilon,
            123456789012.5, 4.9406564584124654E-324, 0, -0.0, 1e15, 1e-5, 4095.999999999999, 4096, 0.0001, 999_999_999.9999];
        foreach (var edge in edges)
        {
            bars.Add(ScaledBar.Unscaled(Bar(edge, edge, 1000, new DateTimeOffset(2024, 1, 2, 14, 30, 0, TimeSpan.Zero))));
        }

        for (var i = 0; i < 20_000; i++)
        {
            // A stored price (four decimals), or any double of any size; null adj_close and volume now and then; the
            // timestamp sometimes off a whole second and the year sometimes below 1000.
            var close = i % 3 == 0 ? BitConverter.Int64BitsToDouble(random.NextInt64()) : random.NextInt64(1, 100_000_000) / 1e4;
            if (!double.IsFinite(close) || Math.Abs(close) > 1e300)
            {
                continue;
            }

            var ts = new DateTimeOffset(random.Next(1, 10_000), 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(random.Next(0, 31_000_000));
            if (i % 7 == 0)
            {
                ts = ts.AddTicks(random.Next(1, (int)TimeSpan.TicksPerSecond));
            }

            var bar = Bar(close, i % 5 == 0 ? null : close * 0.98, i % 11 == 0 ? null : random.NextInt64(), ts);
            var factor = random.NextDouble() * Math.Pow(10, random.Next(-4, 2));
            bars.Add((i % 4) switch
            {
                0 => ScaledBar.Unscaled(bar),
                1 => new ScaledBar(bar with { Open = bar.Open * factor, High = bar.High * factor, Low = bar.Low * factor, Close = bar.Close * factor }, true, false),
                2 => new ScaledBar(bar with { AdjClose = bar.AdjClose / 2 }, false, true),
                _ => new ScaledBar(bar with { Open = bar.Open * factor, High = bar.High * factor, Low = bar.Low * factor, Close = bar.Close * factor,
                    AdjClose = bar.AdjClose * factor }, true, true),
            });
        }

        Assert.Equal(Expected(bars), Written(bars));
    }

    private static Bar Bar(double close, double? adjClose, long? volume, DateTimeOffset ts) =>
        new(ts, DateOnly.FromDateTime(ts.UtcDateTime), close * 1.01, close * 1.03, close * 0.97, close, adjClose, volume);

    private static string Written(List<ScaledBar> bars)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            var scratch = new byte[BarJson.ScratchBytes];
            json.WriteStartArray();
            foreach (var bar in bars)
            {
                BarJson.Write(json, bar, scratch);
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>How the bars endpoint wrote a bar before BarJson: the writer's own calls on the rounded bar.</summary>
    private static string Expected(List<ScaledBar> bars)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartArray();
            foreach (var scaled in bars)
            {
                var bar = scaled.Rounded();
                json.WriteStartObject();
                json.WriteString("ts", bar.Timestamp.UtcDateTime);
                json.WriteString("date", bar.TradeDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                json.WriteNumber("open", bar.Open);
                json.WriteNumber("high", bar.High);
                json.WriteNumber("low", bar.Low);
                json.WriteNumber("close", bar.Close);
                if (bar.AdjClose is { } adjClose)
                {
                    json.WriteNumber("adj_close", adjClose);
                }
                else
                {
                    json.WriteNull("adj_close");
                }

                if (bar.Volume is { } volume)
                {
                    json.WriteNumber("volume", volume);
                }
                else
                {
                    json.WriteNull("volume");
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
