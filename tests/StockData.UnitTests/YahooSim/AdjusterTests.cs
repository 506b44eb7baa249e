using StockData.YahooSim.Market;

namespace StockData.UnitTests.YahooSim;

public sealed class AdjusterTests
{
    private static readonly DateOnly Today = new(2025, 10, 29);

    [Fact]
    public void Prices_BeforeASplit_DividedByItsRatio_VolumesMultiplied()
    {
        var history = FirstWith(h => h.Splits.Length > 0);
        var (index, numerator, denominator) = history.Splits[^1];
        var ratio = (double)numerator / denominator;
        var adjuster = new Adjuster(history, history.Count - 1);

        Assert.Equal(history.Close[index], adjuster.Close(index), 9);
        Assert.Equal(history.Close[index - 1] / ratio, adjuster.Close(index - 1), 9);
        Assert.Equal((long)Math.Round(history.Volume[index - 1] * ratio), adjuster.Volume(index - 1));
        // As of the day before the ex-date the split has not happened: nothing is adjusted for it.
        var before = new Adjuster(history, index - 1);
        Assert.Equal(history.Close[index - 1] / Later(history, index - 1, index - 1), before.Close(index - 1), 9);
    }

    [Fact]
    public void AdjClose_IsCloseTimesProductOfLaterDividendMultipliers()
    {
        var history = FirstWith(h => h.Dividends.Length >= 3 && h.Splits.Length == 0);
        var adjuster = new Adjuster(history, history.Count - 1);
        var last = history.Dividends[^1];
        var previous = history.Dividends[^2];

        Assert.Equal(adjuster.Close(history.Count - 1), adjuster.AdjClose(history.Count - 1));
        Assert.Equal(adjuster.Close(last.Index), adjuster.AdjClose(last.Index));
        Assert.Equal(adjuster.Close(last.Index - 1) * last.Multiplier, adjuster.AdjClose(last.Index - 1), 9);
        Assert.Equal(adjuster.Close(previous.Index - 1) * previous.Multiplier * last.Multiplier, adjuster.AdjClose(previous.Index - 1), 9);
        Assert.Equal(1 - last.Amount / history.Close[last.Index - 1], last.Multiplier, 12);
    }

    [Fact]
    public void DividendAmount_InTodaysShares()
    {
        var history = FirstWith(h => h.Splits.Length > 0 && h.Dividends.Any(d => d.Index < h.Splits[^1].Index));
        var split = history.Splits[^1];
        var k = Array.FindLastIndex(history.Dividends, d => d.Index < split.Index);
        var adjuster = new Adjuster(history, history.Count - 1);

        var expected = history.Dividends[k].Amount / Later(history, history.Dividends[k].Index, history.Count - 1);
        Assert.Equal(Math.Round(expected, 6), adjuster.DividendAmount(k));
    }

    private static double Later(RawHistory history, int index, int asOf) =>
        history.Splits.Where(s => s.Index > index && s.Index <= asOf).Aggregate(1.0, (f, s) => f * s.Numerator / s.Denominator);

    private static RawHistory FirstWith(Func<RawHistory, bool> predicate)
    {
        for (var i = 0; i < 500; i++)
        {
            var history = HistoryGenerator.Generate(SymbolProfile.For($"ADJ{i}"), Today);
            if (predicate(history))
            {
                return history;
            }
        }

        throw new InvalidOperationException("No generated symbol matches; the generator's parameters changed.");
    }
}
