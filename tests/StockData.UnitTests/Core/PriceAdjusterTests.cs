using StockData.Core;

namespace StockData.UnitTests.Core;

/// <summary>The adjustment math on hand-computed cases: splits, reverse splits, dividends at the edges, write times.</summary>
public sealed class PriceAdjusterTests
{
    private static readonly DateOnly Day1 = new(2024, 3, 4);
    private static readonly DateTimeOffset LongAgo = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Daily bars from <see cref="Day1"/>, one per day, all four prices <paramref name="prices"/>[i], volume 1,000 + i.</summary>
    private static Bar[] Bars(params double[] prices) => [.. prices.Select((p, i) => new Bar(
        new DateTimeOffset(Day1.AddDays(i).ToDateTime(new TimeOnly(14, 30)), TimeSpan.Zero), Day1.AddDays(i), p, p + 2, p - 2, p, p, 1000 + i))];

    private static SplitAdjustment Split(int day, double numerator, double denominator) =>
        new(Day1.AddDays(day), numerator / denominator, new DateTimeOffset(Day1.AddDays(day).ToDateTime(new TimeOnly(14, 30)), TimeSpan.Zero));

    private static Bar[] Apply(PriceAdjuster adjuster, Bar[] bars, DateTimeOffset? writtenAt = null) => [.. bars.Select(b => adjuster.Apply(b, writtenAt))];

    private static void AssertPrices(double[] expected, Bar[] bars)
    {
        Assert.Equal(expected.Length, bars.Length);
        for (var i = 0; i < bars.Length; i++)
        {
            Assert.Equal(expected[i], bars[i].Close, 1e-9);
            Assert.Equal(expected[i], bars[i].Open, 1e-9);
        }
    }

    [Fact]
    public void FourForOneSplit_EarlierPricesQuartered_VolumesQuadrupled_LaterBarsUntouched()
    {
        var bars = Bars(400, 404, 101, 102);
        var adjuster = PriceAdjuster.Create(PriceAdjustment.Splits, [Split(2, 4, 1)], []);

        var adjusted = Apply(adjuster, bars);

        AssertPrices([100, 101, 101, 102], adjusted);
        Assert.Equal((402 / 4.0, 398 / 4.0), (adjusted[0].High, adjusted[0].Low));
        Assert.Equal([4000L, 4004, 1002, 1003], adjusted.Select(b => b.Volume!.Value));
        Assert.Equal(bars[2..], adjusted[2..]);
    }

    [Fact]
    public void TwoForOneAfterThreeForTwo_FactorsMultiplyBeforeBoth()
    {
        // 3:2 on day 2, 2:1 on day 4: a share before both is 3 shares today.
        var bars = Bars(300, 300, 200, 200, 100, 100);
        var adjuster = PriceAdjuster.Create(PriceAdjustment.Splits, [Split(4, 2, 1), Split(2, 3, 2)], []);

        var adjusted = Apply(adjuster, bars);

        AssertPrices([100, 100, 100, 100, 100, 100], adjusted);
        Assert.Equal([3000L, 3003, 2004, 2006, 1004, 1005], adjusted.Select(b => b.Volume!.Value));
    }

    [Fact]
    public void ReverseSplit_OneForEight_EarlierPricesTimesEight_VolumesDividedRounded()
    {
        var bars = Bars(1.25, 1.5, 12, 12.5);
        var adjuster = PriceAdjuster.Create(PriceAdjustment.All, [Split(2, 1, 8)], []);

        var adjusted = Apply(adjuster, bars);

        AssertPrices([10, 12, 12, 12.5], adjusted);
        // 1000 / 8 = 125; 1001 / 8 = 125.125 → 125.
        Assert.Equal([125L, 125, 1002, 1003], adjusted.Select(b => b.Volume!.Value));
    }

    [Fact]
    public void DividendOnTheLastBar_EarlierPricesScaledByOneMinusAmountOverPreviousClose()
    {
        var bars = Bars(48, 49, 50, 49.5);
        // Paid on day 3 (the last bar); the close before it is day 2's 50: multiplier 1 - 1/50 = 0.98.
        var adjuster = PriceAdjuster.Create(PriceAdjustment.All, [], [new CashAdjustment(Day1.AddDays(3), 1, 50)]);

        var adjusted = Apply(adjuster, bars);

        AssertPrices([48 * 0.98, 49 * 0.98, 50 * 0.98, 49.5], adjusted);
        Assert.Equal(bars.Select(b => b.Volume), adjusted.Select(b => b.Volume));
        // adj_close is Yahoo's own: already dividend-adjusted, only split-scaled.
        Assert.Equal(bars.Select(b => b.AdjClose), adjusted.Select(b => b.AdjClose));
    }

    [Fact]
    public void DividendOnTheFirstBar_NoEarlierBar_NothingChanges()
    {
        var bars = Bars(48, 49, 50);
        // No bar before the ex-date: no previous close (NaN as the store reads a missing one), and no bar to scale.
        var adjuster = PriceAdjuster.Create(PriceAdjustment.All, [], [new CashAdjustment(Day1, 1, double.NaN)]);

        Assert.Equal(bars, Apply(adjuster, bars));
        Assert.True(adjuster.IsIdentity);
        // With a previous close known (a bar before the range read), the first bar is on the ex-date: unchanged too.
        var known = PriceAdjuster.Create(PriceAdjustment.All, [], [new CashAdjustment(Day1, 1, 47)]);
        Assert.Equal(bars, Apply(known, bars));
    }

    [Fact]
    public void All_SplitAndDividend_Combine_SplitsMode_IgnoresCash_NoneMode_Identity()
    {
        var bars = Bars(200, 200, 100, 100, 100);
        SplitAdjustment[] splits = [Split(2, 2, 1)];
        // A dividend of 2 on day 4, after the split; previous close 100: 0.98 for days 0-3.
        CashAdjustment[] cash = [new(Day1.AddDays(4), 2, 100)];

        AssertPrices([98, 98, 98, 98, 100], Apply(PriceAdjuster.Create(PriceAdjustment.All, splits, cash), bars));
        AssertPrices([100, 100, 100, 100, 100], Apply(PriceAdjuster.Create(PriceAdjustment.Splits, splits, cash), bars));
        Assert.True(PriceAdjuster.Create(PriceAdjustment.None, splits, cash).IsIdentity);
        Assert.True(PriceAdjuster.Create(PriceAdjustment.All, splits, cash).NeedsWriteTimes);
        Assert.False(PriceAdjuster.Create(PriceAdjustment.All, [], cash).NeedsWriteTimes);
        Assert.Equal(bars, Apply(PriceAdjuster.Create(PriceAdjustment.None, splits, cash), bars));
    }

    [Fact]
    public void ValuesWrittenAfterTheSplitTookEffect_AreAlreadyAdjusted_NotDividedAgain()
    {
        var split = Split(2, 4, 1);
        var adjuster = PriceAdjuster.Create(PriceAdjustment.Splits, [split], []);
        var raw = Bars(400, 400, 100);
        var refetched = Bars(100, 100, 100);

        var before = Apply(adjuster, raw, split.EffectiveAt.AddDays(-1));
        var after = Apply(adjuster, refetched, split.EffectiveAt);

        AssertPrices([100, 100, 100], before);
        Assert.Equal(refetched, after);
    }

    [Fact]
    public void MixedWriteTimes_OnlyTheSplitsAValuePredatesCount()
    {
        SplitAdjustment first = Split(2, 2, 1), second = Split(4, 3, 1);
        var adjuster = PriceAdjuster.Create(PriceAdjustment.Splits, [first, second], []);
        var bar = Bars(600)[0];

        // Written between the two: adjusted for the first by Yahoo already, not for the second.
        Assert.Equal(200, adjuster.Apply(bar, first.EffectiveAt.AddHours(1)).Close, 1e-12);
        Assert.Equal(100, adjuster.Apply(bar, LongAgo).Close, 1e-12);
        Assert.Equal(600, adjuster.Apply(bar, second.EffectiveAt).Close, 1e-12);
    }

    [Fact]
    public void Dividend_AmountAndPreviousCloseInDifferentShares_BroughtToTodaysShares()
    {
        // 2:1 on day 3. A dividend of 4 on day 2, previous close 200 (day 1): multiplier 1 - 4/200 = 0.98 whatever
        // side of the split each value was fetched on (Yahoo restates both: 2 and 100 after the split took effect).
        var split = Split(3, 2, 1);
        var before = split.EffectiveAt.AddDays(-1);
        var after = split.EffectiveAt.AddHours(1);
        var bar = Bars(200)[0];
        CashAdjustment[] variants =
        [
            new(Day1.AddDays(2), 4, 200, Day1.AddDays(1), before, before),
            new(Day1.AddDays(2), 2, 100, Day1.AddDays(1), after, after),
            new(Day1.AddDays(2), 4, 100, Day1.AddDays(1), before, after),
            new(Day1.AddDays(2), 2, 200, Day1.AddDays(1), after, before),
        ];

        foreach (var paid in variants)
        {
            var adjuster = PriceAdjuster.Create(PriceAdjustment.All, [split], [paid]);
            Assert.Equal(100 * 0.98, adjuster.Apply(bar, before).Close, 1e-12);
            Assert.Equal(200 * 0.98, adjuster.Apply(bar, after).Close, 1e-12);
        }
    }

    [Fact]
    public void SplitNotYetKnown_StillBringsARestatedAmountToTheCloseShares_ButLeavesTheBars()
    {
        // An as-of read before the 2:1 was recorded: the bars stay as they were, but the store now holds the dividend
        // restated (2 instead of 4) while the previous close it held then is the old 200.
        var split = Split(3, 2, 1);
        var before = split.EffectiveAt.AddDays(-1);
        CashAdjustment paid = new(Day1.AddDays(2), 2, 200, Day1.AddDays(1), split.EffectiveAt.AddHours(1), before);

        var adjuster = PriceAdjuster.Create(PriceAdjustment.All, [], [paid], shareSplits: [split]);
        var unaware = PriceAdjuster.Create(PriceAdjustment.All, [], [paid]);

        Assert.Equal(200 * 0.98, adjuster.Apply(Bars(200)[0], before).Close, 1e-12);
        Assert.Equal(200 * 0.99, unaware.Apply(Bars(200)[0], before).Close, 1e-12);
    }

    [Fact]
    public void DividendOnTheSplitsExDate_AmountInNewShares_PreviousCloseInOld()
    {
        // As Yahoo lists it: a payment on the split's own ex-date is per new share. 2:1 and a dividend of 1 on day 2;
        // day 1 closed at 200 old shares = 100 new: multiplier 1 - 1/100.
        var split = Split(2, 2, 1);
        var before = split.EffectiveAt.AddDays(-1);
        var adjuster = PriceAdjuster.Create(PriceAdjustment.All, [split], [new(Day1.AddDays(2), 1, 200, Day1.AddDays(1), before, before)]);

        Assert.Equal(200 * 0.99 / 2, adjuster.Apply(Bars(200)[0], before).Close, 1e-12);
    }

    [Fact]
    public void BarsOutOfOrder_SameAnswerAsInOrder()
    {
        var bars = Bars(400, 404, 101, 102, 103);
        var adjuster = PriceAdjuster.Create(PriceAdjustment.Splits, [Split(2, 4, 1), Split(4, 2, 1)], []);
        var inOrder = Apply(adjuster, bars);

        var shuffled = new[] { 4, 0, 3, 1, 2 }.Select(i => (i, adjuster.Apply(bars[i], null))).OrderBy(p => p.i).Select(p => p.Item2);

        Assert.Equal(inOrder, shuffled);
    }

    [Fact]
    public void NullVolumeAndAdjClose_StayNull()
    {
        var bar = Bars(400)[0] with { Volume = null, AdjClose = null };
        var adjusted = PriceAdjuster.Create(PriceAdjustment.Splits, [Split(1, 4, 1)], []).Apply(bar, null);

        Assert.Equal((100.0, (long?)null, (double?)null), (adjusted.Close, adjusted.Volume, adjusted.AdjClose));
    }

    [Theory]
    [InlineData("none", PriceAdjustment.None)]
    [InlineData("splits", PriceAdjustment.Splits)]
    [InlineData("all", PriceAdjustment.All)]
    public void Tokens_RoundTrip(string token, PriceAdjustment expected)
    {
        Assert.True(PriceAdjustments.TryParse(token, out var parsed));
        Assert.Equal(expected, parsed);
        Assert.Equal(token, parsed.Token());
    }

    [Theory]
    [InlineData("ALL")]
    [InlineData("dividends")]
    [InlineData("")]
    [InlineData(null)]
    public void Tokens_Unknown_Rejected(string? token) => Assert.False(PriceAdjustments.TryParse(token, out _));

    [Theory]
    [InlineData(16.502855716023433, "16.50285572")]
    [InlineData(0.00012345678912345, "0.0001234567891")]
    [InlineData(98.0, "98")]
    [InlineData(-2.4999999999999996, "-2.5")]
    [InlineData(123456789012.25, "123456789012.25")]
    [InlineData(0.0, "0")]
    public void Significant_TenDigits_ShortestText(double value, string expected) =>
        Assert.Equal(expected, PriceAdjuster.Significant(value).ToString("R", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Significant_WithinTenDigitsOfTheValue()
    {
        var random = new Random(17);
        for (var i = 0; i < 10_000; i++)
        {
            var value = Math.Pow(10, random.NextDouble() * 12 - 4) * (random.Next(2) * 2 - 1);
            Assert.True(Math.Abs(PriceAdjuster.Significant(value) - value) <= 5e-10 * Math.Abs(value), $"{value:R}");
        }
    }

    [Fact]
    public void DecimalExponent_TheFloorOfLog10()
    {
        for (var exponent = -20; exponent <= 25; exponent++)
        {
            // Exact powers from 1 up (below 1 the doubles nearest 10^k, which Math.Log10 puts at k too).
            Assert.Equal(exponent, PriceAdjuster.DecimalExponent(double.Parse($"1e{exponent}", System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal(exponent, PriceAdjuster.DecimalExponent(9.99 * Math.Pow(10, exponent)));
        }

        var random = new Random(5);
        for (var i = 0; i < 100_000; i++)
        {
            var value = Math.Pow(10, (random.NextDouble() * 30) - 16);
            Assert.Equal((int)Math.Floor(Math.Log10(value)), PriceAdjuster.DecimalExponent(value));
        }
    }

    [Fact]
    public void Scale_Rounded_IsApply()
    {
        var adjuster = PriceAdjuster.Create(PriceAdjustment.All, [new SplitAdjustment(new DateOnly(2024, 1, 10), 4, DateTimeOffset.MaxValue)],
            [new CashAdjustment(new DateOnly(2024, 1, 5), 0.5, 20.0661, new DateOnly(2024, 1, 4), DateTimeOffset.MinValue, DateTimeOffset.MinValue)]);
        for (var day = 1; day <= 12; day++)
        {
            var bar = new Bar(DateTimeOffset.UnixEpoch, new DateOnly(2024, 1, day), 20.0661, 21.5, 19.75, 20.0661, day % 2 == 0 ? 19.5 : null, day % 3 == 0 ? null : 1_234_567);

            var scaled = adjuster.Scale(bar, null);

            Assert.Equal(adjuster.Apply(bar, null), scaled.Rounded());
            // Before the split (ex-date the 10th) every value is scaled; from then on none is.
            Assert.Equal(day < 10, scaled.PricesScaled);
            Assert.Equal(day < 10 && bar.AdjClose is not null, scaled.AdjCloseScaled);
        }
    }
}
