using StockData.Bench.Benchmarks;

namespace StockData.UnitTests.Bench.Benchmarks;

public sealed class SpreadTests
{
    [Fact]
    public void Of_OddCount_MedianIsTheMiddleSample_MinAndMaxTheEnds()
    {
        var spread = Spread.Of([0.37, 0.26, 0.38]);

        Assert.Equal(new Spread(0.26, 0.37, 0.38, 3), spread);
    }

    [Fact]
    public void Of_EvenCount_MedianIsTheMeanOfTheTwoMiddleSamples()
    {
        var spread = Spread.Of([4.0, 1.0, 3.0, 2.0]);

        Assert.Equal(2.5, spread.Median);
        Assert.Equal(4, spread.Count);
    }

    [Fact]
    public void Format_PrintsMedianThenRange_InvariantCulture()
    {
        Assert.Equal("87,752 (39,511–210,145)", new Spread(39_511, 87_752, 210_145, 12).Format("N0"));
    }

    [Fact]
    public void ToJson_RoundsAndCarriesTheSampleCount()
    {
        var json = new Spread(0.2571, 0.3691, 0.3772, 3).ToJson(2);

        Assert.Equal(new Dictionary<string, object> { ["min"] = 0.26, ["median"] = 0.37, ["max"] = 0.38, ["samples"] = 3 }, json);
    }

    [Fact]
    public void Of_NoSamples_IsAllZero()
    {
        Assert.Equal(new Spread(0, 0, 0, 0), Spread.Of([]));
    }
}
