using NpgsqlTypes;
using StockData.Core;
using StockData.Storage.Postgres;

namespace StockData.UnitTests.Storage.Postgres;

public sealed class BarDiffTests
{
    private static readonly DateTimeOffset Start = new(2024, 1, 2, 14, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Same_EqualValues_IncludingNullAdjCloseAndVolume()
    {
        var bar = Bar(0) with { AdjClose = null, Volume = null };
        Assert.True(BarDiff.Same(bar, Stored(bar)));
    }

    [Theory]
    [InlineData("open")]
    [InlineData("high")]
    [InlineData("low")]
    [InlineData("close")]
    [InlineData("adj_close")]
    [InlineData("adj_close null")]
    [InlineData("volume")]
    [InlineData("volume null")]
    [InlineData("ts")]
    [InlineData("trade_date")]
    public void Same_AnyComparedColumnDiffers_IsAChange(string column)
    {
        var bar = Bar(0);
        var changed = column switch
        {
            "open" => bar with { Open = bar.Open + 0.0001 },
            "high" => bar with { High = bar.High + 0.0001 },
            "low" => bar with { Low = bar.Low - 0.0001 },
            "close" => bar with { Close = bar.Close + 0.0001 },
            "adj_close" => bar with { AdjClose = bar.AdjClose + 0.000001 },
            "adj_close null" => bar with { AdjClose = null },
            "volume" => bar with { Volume = bar.Volume + 1 },
            "volume null" => bar with { Volume = null },
            // A live bar replaced by the session's final one: same trade date, another timestamp.
            "ts" => bar with { Timestamp = bar.Timestamp.AddMinutes(-5) },
            _ => bar with { TradeDate = bar.TradeDate.AddDays(1) },
        };

        Assert.False(BarDiff.Same(changed, Stored(bar)));
    }

    [Fact]
    public void Same_FollowsPostgresFloatEquality_NaNEqualsNaN_ZeroEqualsMinusZero()
    {
        var bar = Bar(0) with { AdjClose = double.NaN, Open = 0.0 };
        Assert.True(BarDiff.Same(bar, Stored(bar with { Open = -0.0 })));
    }

    [Fact]
    public void Same_TimestampsCompareAtTheMicrosecondPostgresStores()
    {
        var bar = Bar(0) with { Timestamp = Start.AddTicks(7) }; // 700 ns: PostgreSQL keeps microseconds
        Assert.True(BarDiff.Same(bar, Stored(bar with { Timestamp = Start })));
        Assert.False(BarDiff.Same(bar with { Timestamp = Start.AddTicks(10) }, Stored(bar with { Timestamp = Start })));
    }

    [Fact]
    public void Changes_StagesOnlyNewAndChangedRows_InBatchOrder_WithTheStoredVersion()
    {
        var aaa = Enumerable.Range(0, 4).Select(Bar).ToArray();
        var bbb = Enumerable.Range(0, 3).Select(Bar).ToArray();
        BarGroup[] groups = [new("AAA", "1d", aaa), new("BBB", "1d", bbb)];
        var stored = new Dictionary<(int Group, long Key), StoredBar>
        {
            [(0, aaa[0].TradeDate.DayNumber)] = Stored(aaa[0]),                          // unchanged
            [(0, aaa[1].TradeDate.DayNumber)] = Stored(aaa[1] with { Close = 1 }, 7),      // changed
            [(0, aaa[3].TradeDate.DayNumber)] = Stored(aaa[3]),                          // unchanged; aaa[2] is new
            [(1, bbb[1].TradeDate.DayNumber)] = Stored(bbb[1] with { Volume = 5 }, 9),     // changed; bbb[0], bbb[2] new
            [(1, aaa[0].TradeDate.DayNumber - 1)] = Stored(bbb[0]),                      // stored, absent from the batch
        };

        var staged = BarDiff.Changes(groups, daily: true, stored);

        Assert.Equal(
            [("AAA", aaa[1], (ushort?)7), ("AAA", aaa[2], null), ("BBB", bbb[0], null), ("BBB", bbb[1], (ushort?)9), ("BBB", bbb[2], null)],
            staged.Select(s => (s.Symbol, s.Bar, s.Stored?.RowId.OffsetNumber)));
    }

    [Fact]
    public void Changes_Intraday_KeysByInstantNotByDate()
    {
        var bars = Enumerable.Range(0, 3).Select(i => Bar(0) with { Timestamp = Start.AddMinutes(5 * i) }).ToArray();
        var stored = new Dictionary<(int Group, long Key), StoredBar>
        {
            [(0, Microseconds(bars[1].Timestamp))] = Stored(bars[1]),
        };

        var staged = BarDiff.Changes([new BarGroup("AAA", "5m", bars)], daily: false, stored);

        Assert.Equal([bars[0], bars[2]], staged.Select(s => s.Bar));
        Assert.All(staged, s => Assert.Null(s.Stored));
    }

    private static Bar Bar(int day) =>
        new(Start.AddDays(day), DateOnly.FromDateTime(Start.AddDays(day).UtcDateTime), 100 + day, 101 + day, 99 + day, 100.5 + day,
            100.25 + day, 1_000_000 + day);

    private static StoredBar Stored(Bar bar, ushort offset = 1) =>
        new(new NpgsqlTid(42, offset), 1234, bar.TradeDate, bar.Timestamp.UtcDateTime, bar.Open, bar.High, bar.Low, bar.Close,
            bar.AdjClose, bar.Volume);

    private static long Microseconds(DateTimeOffset instant) => (instant.UtcTicks - DateTime.UnixEpoch.Ticks) / 10;
}
