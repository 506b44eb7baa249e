using StockData.YahooSim.Configuration;
using StockData.YahooSim.Faults;
using StockData.YahooSim.Market;

namespace StockData.UnitTests.YahooSim;

public sealed class FaultInjectorTests
{
    private static FaultInjector CreateSut(SimulatorOptions options) => new(Microsoft.Extensions.Options.Options.Create(options));

    [Fact]
    public void Pick_SharesFollowTheProbabilities()
    {
        var sut = CreateSut(new SimulatorOptions { Fault429 = 0.05, Fault500 = 0.10, FaultReset = 0.01 });
        var counts = new Dictionary<FaultKind, int>();
        for (var symbol = 0; symbol < 200; symbol++)
        {
            var seed = SplitMix64.HashString($"S{symbol}");
            for (var n = 1; n <= 100; n++)
            {
                var kind = sut.Pick(seed, n);
                counts[kind] = counts.GetValueOrDefault(kind) + 1;
            }
        }

        Assert.InRange(counts[FaultKind.TooManyRequests], 800, 1200);
        Assert.InRange(counts[FaultKind.InternalServerError], 1700, 2300);
        Assert.InRange(counts[FaultKind.Reset], 120, 300);
        Assert.False(counts.ContainsKey(FaultKind.Slow));
    }

    [Fact]
    public void Pick_SameSeedSymbolAndNumber_SameFault_OtherSeedDiffers()
    {
        var a = CreateSut(new SimulatorOptions { Fault500 = 0.5, FaultSeed = 1 });
        var b = CreateSut(new SimulatorOptions { Fault500 = 0.5, FaultSeed = 1 });
        var c = CreateSut(new SimulatorOptions { Fault500 = 0.5, FaultSeed = 2 });
        var seed = SplitMix64.HashString("AAPL");

        var first = Enumerable.Range(1, 64).Select(n => a.Pick(seed, n)).ToList();

        Assert.Equal(first, Enumerable.Range(1, 64).Select(n => b.Pick(seed, n)));
        Assert.NotEqual(first, Enumerable.Range(1, 64).Select(n => c.Pick(seed, n)));
    }

    [Fact]
    public void HaltList_ParsesAndRejects()
    {
        Assert.True(HaltList.TryParse("aapl:2025-10-27; MSFT:2024-01-02", out var halts, out _));
        Assert.Contains(("AAPL", new DateOnly(2025, 10, 27).DayNumber), halts);
        Assert.Contains(("MSFT", new DateOnly(2024, 1, 2).DayNumber), halts);
        Assert.False(HaltList.TryParse("AAPL-2025-10-27", out _, out var error));
        Assert.Contains("SYMBOL:yyyy-MM-dd", error, StringComparison.Ordinal);
    }
}
