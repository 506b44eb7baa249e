using StockData.YahooSim.Market;

namespace StockData.UnitTests.YahooSim;

public sealed class HistoryGeneratorTests
{
    private static readonly DateOnly Today = new(2025, 10, 29);

    [Fact]
    public void Generate_SameSymbol_SameHistory()
    {
        var a = HistoryGenerator.Generate(SymbolProfile.For("AAPL"), Today);
        var b = HistoryGenerator.Generate(SymbolProfile.For("AAPL"), Today);

        Assert.Equal(a.Days, b.Days);
        Assert.Equal(a.Close, b.Close);
        Assert.Equal(a.Dividends, b.Dividends);
        Assert.Equal(a.Splits, b.Splits);
        Assert.NotEqual(a.Close, HistoryGenerator.Generate(SymbolProfile.For("AAPM"), Today).Close);
    }

    [Fact]
    public void Generate_LaterHorizon_ExtendsWithoutRewritingThePast()
    {
        var earlier = HistoryGenerator.Generate(SymbolProfile.For("MSFT"), Today.AddDays(-400));
        var later = HistoryGenerator.Generate(SymbolProfile.For("MSFT"), Today);

        Assert.True(later.Count > earlier.Count);
        Assert.Equal(earlier.Days, later.Days[..earlier.Count]);
        Assert.Equal(earlier.Open, later.Open[..earlier.Count]);
        Assert.Equal(earlier.Close, later.Close[..earlier.Count]);
        Assert.Equal(earlier.Volume, later.Volume[..earlier.Count]);
    }

    [Theory]
    [InlineData("AAPL")]
    [InlineData("VOD.L")]
    [InlineData("BTC-USD")]
    [InlineData("EURUSD=X")]
    [InlineData("^GSPC")]
    [InlineData("0700.HK")]
    public void Generate_EveryBar_ValidOhlcAndPositive(string symbol)
    {
        var history = HistoryGenerator.Generate(SymbolProfile.For(symbol), Today);

        Assert.True(history.Count > 1000);
        for (var i = 0; i < history.Count; i++)
        {
            Assert.True(history.Low[i] > 0);
            Assert.True(history.Low[i] <= Math.Min(history.Open[i], history.Close[i]));
            Assert.True(history.High[i] >= Math.Max(history.Open[i], history.Close[i]));
            Assert.True(history.Volume[i] >= 0);
        }
    }

    [Fact]
    public void Generate_Equity_SkipsWeekendsAndHolidays_CryptoTradesDaily()
    {
        var equity = HistoryGenerator.Generate(SymbolProfile.For("AAPL"), Today);
        var crypto = HistoryGenerator.Generate(SymbolProfile.For("ETH-USD"), Today);

        var days = equity.Days.Select(DateOnly.FromDayNumber).ToList();
        Assert.DoesNotContain(days, d => d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
        Assert.DoesNotContain(days, d => d is { Month: 12, Day: 25 } or { Month: 1, Day: 1 } or { Month: 7, Day: 4 });
        Assert.Equal(crypto.Days[^1] - crypto.Days[0] + 1, crypto.Count);
    }

    [Fact]
    public void Generate_ManySymbols_SomeSplitAndSomePayDividends_NeverOnTheSameDay()
    {
        var histories = Enumerable.Range(0, 60).Select(i => HistoryGenerator.Generate(SymbolProfile.For($"T{i}"), Today)).ToList();

        Assert.Contains(histories, h => h.Splits.Length > 0);
        Assert.Contains(histories, h => h.Dividends.Length > 0);
        Assert.Contains(histories, h => h.Dividends.Length == 0);
        foreach (var history in histories)
        {
            var splitDays = history.Splits.Select(s => s.Index).ToHashSet();
            Assert.DoesNotContain(history.Dividends, d => splitDays.Contains(d.Index));
            Assert.All(history.Dividends, d => Assert.InRange(d.Multiplier, 0.5, 1.0));
        }
    }

    [Fact]
    public void SimulatorSeed_ZeroKeepsTheSymbolOnlyHistory_SameSeedSameHistory_OtherSeedOtherHistory()
    {
        var unseeded = HistoryGenerator.Generate(SymbolProfile.For("AAPL"), Today);
        var zero = HistoryGenerator.Generate(SymbolProfile.For("AAPL", 0), Today);
        var seeded = HistoryGenerator.Generate(SymbolProfile.For("AAPL", 42), Today);
        var again = HistoryGenerator.Generate(SymbolProfile.For("AAPL", 42), Today);

        Assert.Equal(SplitMix64.HashString("AAPL"), SymbolProfile.SeedFor("AAPL", 0));
        Assert.Equal(unseeded.Close, zero.Close);
        Assert.Equal(seeded.Days, again.Days);
        Assert.Equal(seeded.Close, again.Close);
        Assert.NotEqual(zero.Days[0], seeded.Days[0]);
        Assert.NotEqual(zero.Close[^1], seeded.Close[^1]);
    }
}
