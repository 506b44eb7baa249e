using StockData.Storage.Quality;

namespace StockData.UnitTests.Quality;

public sealed class TradingDateRuleTests
{
    private static readonly GapRules Rules = new(Share: 0.8, MinPeers: 5, EdgeDays: 10, MaxAttempts: 3, DividendStep: 1e-4);
    private static readonly ExchangeKey Nyse = new("1d", "America/New_York", "NMS");
    private static readonly DateOnly Monday = new(2026, 10, 5);

    [Fact]
    public void TradingDates_ShareOfPeersWithABar_AtOrAboveTheShare()
    {
        var ranges = Peers(10, Monday, Monday.AddDays(4));
        var bars = new Dictionary<DateOnly, int>
        {
            [Monday] = 10, [Monday.AddDays(1)] = 8, [Monday.AddDays(2)] = 7, [Monday.AddDays(3)] = 1, [Monday.AddDays(4)] = 9,
        };

        var dates = TradingDateRule.TradingDates(ranges, bars, Rules);

        // 8 of 10 is 80 %: a trading date; 7 of 10 and a lone symbol's bar (a holiday everyone else kept) are not.
        Assert.Equal([Monday, Monday.AddDays(1), Monday.AddDays(4)], dates);
    }

    [Fact]
    public void TradingDates_FewerPeersThanTheMinimum_NoDate()
    {
        var ranges = Peers(4, Monday, Monday.AddDays(1));

        var dates = TradingDateRule.TradingDates(ranges, new Dictionary<DateOnly, int> { [Monday] = 4, [Monday.AddDays(1)] = 4 }, Rules);

        Assert.Empty(dates);
    }

    [Fact]
    public void TradingDates_ALaterListing_IsNoPeerBeforeItsFirstBar()
    {
        // Ten symbols since Monday, five more listed on Thursday: Monday's 10 bars are 10 of 10 peers, not 10 of 15.
        var ranges = Peers(10, Monday, Monday.AddDays(4)).Concat(Peers(5, Monday.AddDays(3), Monday.AddDays(4), "NEW")).ToList();
        var bars = new Dictionary<DateOnly, int> { [Monday] = 10, [Monday.AddDays(3)] = 12, [Monday.AddDays(4)] = 15 };

        var dates = TradingDateRule.TradingDates(ranges, bars, Rules);

        // Thursday: 12 of 15 peers = 80 %.
        Assert.Equal([Monday, Monday.AddDays(3), Monday.AddDays(4)], dates);
    }

    [Fact]
    public void TradingDates_SevenDayExchange_WeekendDatesCountLikeAnyOther()
    {
        // Six crypto symbols over Monday to Sunday: all six trade the weekend; one lacks Saturday (5 of 6 is above 80 %).
        var ranges = Peers(6, Monday, Monday.AddDays(6));
        var bars = Enumerable.Range(0, 7).ToDictionary(d => Monday.AddDays(d), d => d == 5 ? 5 : 6);

        var dates = TradingDateRule.TradingDates(ranges, bars, Rules);

        // Every calendar day, Saturday and Sunday too: the rule knows no weekday calendar, only what the peers traded.
        Assert.Equal(Enumerable.Range(0, 7).Select(d => Monday.AddDays(d)), dates);
        Assert.Equal(DayOfWeek.Saturday, Monday.AddDays(5).DayOfWeek);
    }

    [Fact]
    public void Window_LostFirstBar_WidenedBackToTheExchangeStart()
    {
        var range = Range(Monday.AddDays(1), Monday.AddDays(20), listed: new DateOnly(2001, 1, 2));

        Assert.Equal((Monday, Monday.AddDays(20)), TradingDateRule.Window(range, Monday, Monday.AddDays(20), Rules));
    }

    [Fact]
    public void Window_NewListingAfterTheExchangeStart_WidenedOnlyToItsListingDate()
    {
        var range = Range(Monday.AddDays(8), Monday.AddDays(20), listed: Monday.AddDays(7));

        Assert.Equal((Monday.AddDays(7), Monday.AddDays(20)), TradingDateRule.Window(range, Monday, Monday.AddDays(20), Rules));
    }

    [Fact]
    public void Window_HistoryFetchedFromALaterDate_NotWidened()
    {
        // Far from the exchange's first date: a later start chosen by whoever fetched it, not a lost bar.
        var range = Range(Monday.AddDays(60), Monday.AddDays(90), listed: new DateOnly(2001, 1, 2));

        Assert.Equal((Monday.AddDays(60), Monday.AddDays(90)), TradingDateRule.Window(range, Monday, Monday.AddDays(90), Rules));
    }

    [Fact]
    public void Window_LostLastBar_WidenedOnlyWhenFetchedAfterThatDate()
    {
        var fetchedLater = Range(Monday, Monday.AddDays(3), fetched: Monday.AddDays(5));
        var fetchedThatDay = Range(Monday, Monday.AddDays(3), fetched: Monday.AddDays(4));
        var neverFetched = Range(Monday, Monday.AddDays(3));

        Assert.Equal(Monday.AddDays(4), TradingDateRule.Window(fetchedLater, Monday, Monday.AddDays(4), Rules).To);
        // The schedule has not fetched it since that session: nothing to say yet.
        Assert.Equal(Monday.AddDays(3), TradingDateRule.Window(fetchedThatDay, Monday, Monday.AddDays(4), Rules).To);
        Assert.Equal(Monday.AddDays(3), TradingDateRule.Window(neverFetched, Monday, Monday.AddDays(4), Rules).To);
    }

    [Fact]
    public void Window_DelistedLongAgo_NotWidened()
    {
        var range = Range(Monday, Monday.AddDays(3), fetched: Monday.AddDays(60));

        Assert.Equal(Monday.AddDays(3), TradingDateRule.Window(range, Monday, Monday.AddDays(50), Rules).To);
    }

    private static List<StoredRange> Peers(int count, DateOnly first, DateOnly last, string prefix = "S") =>
        [.. Enumerable.Range(0, count).Select(i => new StoredRange($"{prefix}{i}", Nyse, first, last, null, null))];

    private static StoredRange Range(DateOnly first, DateOnly last, DateOnly? listed = null, DateOnly? fetched = null) =>
        new("AAA", Nyse, first, last, listed, fetched);
}
