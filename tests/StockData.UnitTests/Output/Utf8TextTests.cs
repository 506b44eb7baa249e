using System.Globalization;
using System.Text;
using StockData.Pipeline.Output;

namespace StockData.UnitTests.Output;

public sealed class Utf8TextTests
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(20.0661)]
    [InlineData(0.1 + 0.2)]
    [InlineData(184.20000000000002)]
    [InlineData(16.50285572)]
    [InlineData(16.502855716023433)]
    [InlineData(0.0001)]
    [InlineData(0.00001)]
    [InlineData(0.00012345678)]
    [InlineData(99999999.9999999)]
    [InlineData(999999999.5)]
    [InlineData(1e9)]
    [InlineData(123456789012.5)]
    [InlineData(1e15)]
    [InlineData(-1.5)]
    [InlineData(-0.07)]
    [InlineData(double.Epsilon)]
    [InlineData(double.MaxValue)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void TryFormatDouble_AsTheRuntimesRoundTripFormat(double value) => AssertSameAsRuntime(value);

    [Fact]
    public void TryFormatDouble_NegativeZero_AsTheRuntime() => AssertSameAsRuntime(-0.0);

    [Fact]
    public void TryFormatDouble_PricesOfZeroToEightDecimals_AsTheRuntimesRoundTripFormat()
    {
        var random = new Random(17);
        for (var i = 0; i < 200_000; i++)
        {
            var decimals = random.Next(0, 9);
            var units = random.NextInt64(0, 1_000_000_000_000L);
            var value = units / Math.Pow(10, decimals) * (random.Next(8) == 0 ? -1 : 1);
            AssertSameAsRuntime(value);
            // Arithmetic results (an adjusted price, a product) are rarely short decimals.
            AssertSameAsRuntime(value * 1.0123456789);
            AssertSameAsRuntime(value / 3);
        }
    }

    [Fact]
    public void TryFormatDouble_AdjustedPricesOfTenSignificantDigits_AsTheRuntimesRoundTripFormat()
    {
        // What an adjusted read prints: a stored price times a split and cash factor, rounded to ten significant
        // digits, from fractions of a cent to large prices (up to twelve decimals on the fast path).
        var random = new Random(29);
        for (var i = 0; i < 200_000; i++)
        {
            var product = StoredTimesFactor(random);
            AssertSameAsRuntime(StockData.Core.PriceAdjuster.Significant(product));
            AssertSameAsRuntime(-StockData.Core.PriceAdjuster.Significant(product));
        }
    }

    [Fact]
    public void TryFormatDouble_AnyBitPattern_AsTheRuntimesRoundTripFormat()
    {
        var random = new Random(71);
        Span<byte> bits = stackalloc byte[8];
        for (var i = 0; i < 200_000; i++)
        {
            random.NextBytes(bits);
            AssertSameAsRuntime(BitConverter.ToDouble(bits));
            // And the range prices live in, where the fast path runs.
            AssertSameAsRuntime(random.NextDouble() * Math.Pow(10, random.Next(-5, 10)));
        }
    }

    [Fact]
    public void TryFormatSignificant_TheBytesOfTryFormatDoubleOfSignificant()
    {
        // What the adjusted CSV writes (the product rounded while formatted) must be what it wrote before (rounded,
        // then formatted): stored prices times factors, values of every size in and around [1e-3, 1e9), both signs.
        var random = new Random(43);
        for (var i = 0; i < 200_000; i++)
        {
            var product = StoredTimesFactor(random);
            AssertSignificantAsBefore(product);
            AssertSignificantAsBefore(-product);
            AssertSignificantAsBefore(Math.Pow(10, (random.NextDouble() * 20) - 8));
        }

        for (var exponent = -15; exponent <= 12; exponent++)
        {
            // Powers of ten (where the leading digit's power changes) and the doubles beside them.
            var power = Math.Pow(10, exponent);
            foreach (var value in new[] { power, Math.BitDecrement(power), Math.BitIncrement(power), Math.BitDecrement(Math.BitDecrement(power)) })
            {
                AssertSignificantAsBefore(value);
                AssertSignificantAsBefore(-value);
            }

            // Halfway at the tenth digit: rounded away from zero, as Significant rounds.
            AssertSignificantAsBefore(1.0000000005 * power);
            AssertSignificantAsBefore(9.9999999995 * power);
        }

        foreach (var value in new[] { 0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, double.MaxValue })
        {
            AssertSignificantAsBefore(value);
        }
    }

    [Fact]
    public void TryFormatSignificant_TooSmall_False()
    {
        Assert.Equal("16.50285572", Encoding.ASCII.GetString(FormatSignificant(16.502855716023433)));
        Assert.False(Utf8Text.TryFormatSignificant(16.502855716023433, new byte[10], out _));
        Assert.True(Utf8Text.TryFormatSignificant(16.502855716023433, new byte[11], out var written));
        Assert.Equal(11, written);
    }

    /// <summary>A stored price (four decimals, up to 10,000) times a split and cash factor from 1e-4 to 10.</summary>
    private static double StoredTimesFactor(Random random) =>
        random.NextInt64(1, 100_000_000) / 1e4 * (random.NextDouble() * Math.Pow(10, random.Next(-4, 2)));

    private static byte[] FormatSignificant(double value)
    {
        var buffer = new byte[64];
        Assert.True(Utf8Text.TryFormatSignificant(value, buffer, out var written));
        return buffer[..written];
    }

    private static void AssertSignificantAsBefore(double value)
    {
        var buffer = new byte[64];
        Assert.True(Utf8Text.TryFormatDouble(StockData.Core.PriceAdjuster.Significant(value), buffer, out var written));
        var expected = Encoding.ASCII.GetString(buffer, 0, written);
        Assert.True(expected == Encoding.ASCII.GetString(FormatSignificant(value)), $"{value:R}: {expected}");
    }

    [Fact]
    public void TryFormatDouble_TooSmall_False()
    {
        Assert.False(Utf8Text.TryFormatDouble(20.0661, new byte[6], out _));
        Assert.True(Utf8Text.TryFormatDouble(20.0661, new byte[7], out var written));
        Assert.Equal(7, written);
        Assert.False(Utf8Text.TryFormatDouble(-20.0661, new byte[7], out _));
    }

    [Fact]
    public void TryFormatTimestampAndDate_AsTheRuntimesCustomFormats()
    {
        var random = new Random(3);
        var buffer = new byte[32];
        for (var i = 0; i < 100_000; i++)
        {
            var time = new DateTime(random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks), DateTimeKind.Utc);
            Assert.True(Utf8Text.TryFormatTimestamp(time, buffer, out var written));
            Assert.Equal(time.ToString("yyyy-MM-ddTHH:mm:ssZ", Invariant), Encoding.ASCII.GetString(buffer, 0, written));

            var date = DateOnly.FromDateTime(time);
            Assert.True(Utf8Text.TryFormatDate(date, buffer, out written));
            Assert.Equal(date.ToString("yyyy-MM-dd", Invariant), Encoding.ASCII.GetString(buffer, 0, written));
        }

        Assert.False(Utf8Text.TryFormatTimestamp(DateTime.UnixEpoch, new byte[19], out _));
        Assert.False(Utf8Text.TryFormatDate(DateOnly.MinValue, new byte[9], out _));
    }

    private static void AssertSameAsRuntime(double value)
    {
        var buffer = new byte[64];
        Assert.True(Utf8Text.TryFormatDouble(value, buffer, out var written));
        Assert.Equal(value.ToString("R", Invariant), Encoding.ASCII.GetString(buffer, 0, written));
    }
}
