using System.Text;
using StockData.Core;
using StockData.Pipeline.Output;

namespace StockData.UnitTests.Output;

public sealed class BarCsvTests
{
    public static TheoryData<double, double?, long?> Values => new()
    {
        { 0.1 + 0.2, null, null },
        { 185.1, 184.20000000000002, 1000 },
        { 16.502855716023433, 1e-7, long.MaxValue },
        { -1.7976931348623157E+308, double.Epsilon, 0 },
        { 123456789012.5, 4.9406564584124654E-324, -1 },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void TryWriteUtf8_TheSameBytesAsLine(double close, double? adjClose, long? volume)
    {
        var bar = new Bar(new DateTimeOffset(2024, 1, 2, 9, 30, 0, TimeSpan.FromHours(-5)), new DateOnly(2024, 1, 2),
            close * 1.01, close * 1.03, close * 0.97, close, adjClose, volume);
        var buffer = new byte[BarCsv.MaxLineBytes(BarCsv.Utf8Prefix("BRK-B", "1d").Length)];

        Assert.True(BarCsv.TryWriteUtf8(buffer, BarCsv.Utf8Prefix("BRK-B", "1d"), bar, out var written));

        Assert.Equal(BarCsv.Line("BRK-B", "1d", bar) + "\n", Encoding.UTF8.GetString(buffer, 0, written));
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void TryWriteUtf8_Scaled_TheBytesOfTheRoundedBar(double close, double? adjClose, long? volume)
    {
        var bar = new Bar(new DateTimeOffset(2024, 1, 2, 14, 30, 0, TimeSpan.Zero), new DateOnly(2024, 1, 2),
            close * 1.01, close * 1.03, close * 0.97, close, adjClose, volume);
        var prefix = BarCsv.Utf8Prefix("BRK-B", "1d");
        var buffer = new byte[BarCsv.MaxLineBytes(prefix.Length)];
        foreach (var scaled in new[] { ScaledBar.Unscaled(bar), new ScaledBar(bar, true, false), new ScaledBar(bar, true, adjClose is not null), new ScaledBar(bar, false, true) })
        {
            Assert.True(BarCsv.TryWriteUtf8(buffer, prefix, scaled, out var written));

            Assert.Equal(BarCsv.Line("BRK-B", "1d", scaled.Rounded()) + "\n", Encoding.UTF8.GetString(buffer, 0, written));
        }
    }

    [Fact]
    public void TryWriteUtf8_TooSmall_False()
    {
        var bar = new Bar(new DateTimeOffset(2024, 1, 2, 14, 30, 0, TimeSpan.Zero), new DateOnly(2024, 1, 2), 1, 2, 0.5, 1.5, 1.25, 1000);
        var full = BarCsv.Line("AAPL", "1d", bar).Length + 1;

        Assert.False(BarCsv.TryWriteUtf8(new byte[full - 1], BarCsv.Utf8Prefix("AAPL", "1d"), bar, out _));
        Assert.True(BarCsv.TryWriteUtf8(new byte[full], BarCsv.Utf8Prefix("AAPL", "1d"), bar, out var written));
        Assert.Equal(full, written);
    }
}
