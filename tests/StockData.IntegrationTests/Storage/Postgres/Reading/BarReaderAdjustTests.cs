using Microsoft.Extensions.DependencyInjection;
using StockData.Core;
using StockData.IntegrationTests.Infrastructure;
using StockData.Storage.Postgres.Reading;
using StockData.TestSupport;
using static StockData.IntegrationTests.Infrastructure.TestBars;

namespace StockData.IntegrationTests.Storage.Postgres.Reading;

/// <summary>
/// Adjusted reads where no daily bars exist (the previous close falls back to the interval read), current and as_of,
/// and several symbols' adjusters from one query.
/// </summary>
public sealed class BarReaderAdjustTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateOnly ExDate = new(2024, 1, 3);

    private static async Task<DateTimeOffset> ClockAsync(WriterScope scope) =>
        new(DateTime.SpecifyKind(await scope.ScalarAsync<DateTime>("SELECT clock_timestamp()"), DateTimeKind.Utc));

    private static Task<List<Bar>> ReadAsync(BarReader reader, string symbol, string interval, PriceAdjustment adjust, DateTimeOffset? asOf = null) =>
        reader.ReadAsync(new BarQuery(symbol, BarInterval.Parse(interval), null, null, asOf, adjust), Ct).ToListAsync(Ct).AsTask();

    // Adjusted prices are served to ten significant digits (PriceAdjuster.Significant).
    private static Bar Scaled(Bar bar, double price, double volume = 1) => bar with
    {
        Open = PriceAdjuster.Significant(bar.Open * price), High = PriceAdjuster.Significant(bar.High * price),
        Low = PriceAdjuster.Significant(bar.Low * price), Close = PriceAdjuster.Significant(bar.Close * price),
        Volume = bar.Volume is { } v ? (long)Math.Round(v * volume) : null,
    };

    [Fact]
    public async Task Intraday_DividendFromTheIntradayClose_SplitOnlyOnceRecorded()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        // Two bars on 2 January (UTC dates), four on the 3rd; closes 50.5, 51.5, …
        var bars = Intraday(6, new DateTimeOffset(2024, 1, 2, 23, 0, 0, TimeSpan.Zero), minutes: 30);
        await scope.Writer.WriteAsync(Batch(Fetch("INT", bars, interval: "30m",
            events: new FetchEvents(null, [new Dividend(SessionOpen(ExDate), ExDate, 1)], [], []))), Ct);
        var beforeSplit = await ClockAsync(scope);
        await scope.Writer.WriteAsync(Batch(Fetch("INT", [], interval: "30m",
            events: new FetchEvents(null, [], [new Split(beforeSplit, ExDate.AddDays(1), 2, 1)], []))), Ct);
        var reader = scope.Services.GetRequiredService<BarReader>();
        var multiplier = 1 - (1 / bars[1].Close);

        var allBefore = await ReadAsync(reader, "INT", "30m", PriceAdjustment.All, beforeSplit);
        var splitsBefore = await ReadAsync(reader, "INT", "30m", PriceAdjustment.Splits, beforeSplit);
        var splitsNow = await ReadAsync(reader, "INT", "30m", PriceAdjustment.Splits);
        var allNow = await ReadAsync(reader, "INT", "30m", PriceAdjustment.All);

        Assert.Equal([Scaled(bars[0], multiplier), Scaled(bars[1], multiplier), .. bars[2..]], allBefore);
        Assert.Equal(bars, splitsBefore);
        // The bars were written before the split (ex-date the 4th, after them all) took effect: divided by 2 (adj_close
        // is null here and stays so). The dividend's amount and previous close are both in old shares: same multiplier.
        Assert.Equal(bars.Select(b => Scaled(b, 0.5, 2)), splitsNow);
        Assert.Equal([Scaled(bars[0], multiplier * 0.5, 2), Scaled(bars[1], multiplier * 0.5, 2), .. bars[2..].Select(b => Scaled(b, 0.5, 2))], allNow);
    }

    [Fact]
    public async Task Weekly_PreviousCloseFromTheWeeklyBars_WhenNoDailyOnes_AndOneQueryForManySymbols()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var weeks = Enumerable.Range(0, 4).Select(i => Daily(1, Start.AddDays(7 * i), basePrice: 100 + i)[0]).ToArray();
        var exDate = Start.AddDays(14);
        await scope.Writer.WriteAsync(Batch(
            Fetch("WKA", weeks, interval: "1wk", events: new FetchEvents(null, [new Dividend(SessionOpen(exDate), exDate, 2.02)], [], [])),
            Fetch("WKB", weeks, interval: "1wk")), Ct);
        var reader = scope.Services.GetRequiredService<BarReader>();

        var adjusters = await reader.LoadAdjustersAsync(["WKA", "WKB", "NONE"], BarInterval.Parse("1wk"), null, PriceAdjustment.All, null, Ct);
        var adjusted = await ReadAsync(reader, "WKA", "1wk", PriceAdjustment.All);

        // Previous close: the week before the ex-date, close 101 + 1 = 102: multiplier 1 - 2.02 / 102.
        var multiplier = 1 - (2.02 / weeks[1].Close);
        Assert.Equal([Scaled(weeks[0], multiplier), Scaled(weeks[1], multiplier), .. weeks[2..]], adjusted);
        Assert.False(adjusters["WKA"].IsIdentity);
        Assert.True(adjusters["WKB"].IsIdentity);
        Assert.True(adjusters["NONE"].IsIdentity);
        Assert.Equal(adjusted, await reader.ReadAsync(new BarQuery("WKA", BarInterval.Parse("1wk"), null, null, null, PriceAdjustment.All),
            adjusters["WKA"], Ct).ToListAsync(Ct));
    }

    /// <summary>
    /// Five days, four weeks without a bar (a halt), five more. The first payment's ex-date follows the gap: its previous
    /// close is 26 days back, beyond the two weeks the usual lookup searches. The second is an ordinary one.
    /// </summary>
    private static (Bar[] Before, Bar[] After, FetchEvents Events) GapHistory()
    {
        var before = Daily(5);
        var after = Daily(5, Start.AddDays(30), basePrice: 200);
        var afterGap = after[0].TradeDate;
        var ordinary = after[3].TradeDate;
        return (before, after,
            new FetchEvents(null, [new Dividend(SessionOpen(afterGap), afterGap, 1.04), new Dividend(SessionOpen(ordinary), ordinary, 2.03)], [], []));
    }

    /// <summary>
    /// The gap history's ten bars adjusted for its two payments, each previous close the one these bars hold (the
    /// fifth bar's for the payment after the gap, the eighth's for the ordinary one).
    /// </summary>
    private static Bar[] GapAdjusted(Bar[] bars)
    {
        var first = 1 - (1.04 / bars[4].Close);
        var second = 1 - (2.03 / bars[7].Close);
        return [.. bars[..5].Select(b => Scaled(b, first * second)), .. bars[5..8].Select(b => Scaled(b, second)), .. bars[8..]];
    }

    [Fact]
    public async Task Daily_PreviousCloseBeforeAGapOfWeeks_TheLastBarBeforeTheExDate_AndSplitsAloneReadNoCloses()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var (before, after, events) = GapHistory();
        await scope.Writer.WriteAsync(Batch(Fetch("GAP", [.. before, .. after], events: events)), Ct);
        var reader = scope.Services.GetRequiredService<BarReader>();

        var adjusted = await ReadAsync(reader, "GAP", "1d", PriceAdjustment.All);
        var splits = await reader.LoadAdjustersAsync(["GAP"], BarInterval.Daily, null, PriceAdjustment.Splits, null, Ct);

        Assert.Equal(GapAdjusted([.. before, .. after]), adjusted);
        Assert.True(splits["GAP"].IsIdentity);
        Assert.Equal([.. before, .. after], await ReadAsync(reader, "GAP", "1d", PriceAdjustment.Splits));
    }

    [Fact]
    public async Task AsOf_PreviousClosesAsHeldThen_BeforeAGapOfWeeksAndTheUsualDayBefore_FromTheRevisionsOnceCorrected()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        // The gap history; then both previous closes are corrected. An as_of read from before the correction takes them
        // from the revisions: the one of the ordinary payment through the lookup bounded to two weeks, the one past the
        // gap through the unbounded one.
        var (before, after, events) = GapHistory();
        await scope.Writer.WriteAsync(Batch(Fetch("GAPR", [.. before, .. after], events: events)), Ct);
        var firstWritten = await ClockAsync(scope);
        Bar[] corrected = [.. before[..^1], before[^1] with { Close = before[^1].Close + 3 }, .. after[..2], after[2] with { Close = after[2].Close + 5 },
            .. after[3..]];
        await scope.Writer.WriteAsync(Batch(Fetch("GAPR", corrected, events: events)), Ct);
        var reader = scope.Services.GetRequiredService<BarReader>();

        var then = await ReadAsync(reader, "GAPR", "1d", PriceAdjustment.All, firstWritten);
        var now = await ReadAsync(reader, "GAPR", "1d", PriceAdjustment.All, await ClockAsync(scope));

        Assert.Equal(GapAdjusted([.. before, .. after]), then);
        Assert.Equal(GapAdjusted(corrected), now);
        Assert.Equal(now, await ReadAsync(reader, "GAPR", "1d", PriceAdjustment.All));
    }

    [Fact]
    public async Task FromInTheHistory_PaymentsBeforeItLeftOut_TheSameBarsAsTheWholeReadFromThere()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        // Twenty days, a payment on days 5, 10 and 15, a 2:1 split on day 8; read from day 10 (its payment's ex-date),
        // day 11, and a timestamp late on day 9 (the split and the payments of days 10 and 15 still count there).
        var bars = Daily(20);
        var paid = new[] { 5, 10, 15 }.Select(d => new Dividend(SessionOpen(bars[d].TradeDate), bars[d].TradeDate, 0.5 + d / 10.0)).ToList();
        await scope.Writer.WriteAsync(Batch(Fetch("FROM", bars, events: new FetchEvents(null, paid,
            [new Split(DateTimeOffset.MaxValue.AddYears(-1), bars[8].TradeDate, 2, 1)], []))), Ct);
        var reader = scope.Services.GetRequiredService<BarReader>();
        var whole = await ReadAsync(reader, "FROM", "1d", PriceAdjustment.All);

        foreach (var from in new[] { SessionOpen(bars[10].TradeDate), SessionOpen(bars[11].TradeDate), SessionOpen(bars[9].TradeDate).AddHours(9) })
        {
            var query = new BarQuery("FROM", BarInterval.Daily, from, null, null, PriceAdjustment.All);
            var first = DateOnly.FromDateTime(from.UtcDateTime);

            var part = await reader.ReadAsync(query, Ct).ToListAsync(Ct);
            var loaded = await reader.LoadAdjustersAsync(["FROM"], BarInterval.Daily, null, PriceAdjustment.All, from, Ct);

            Assert.Equal(whole.Where(b => b.TradeDate >= first), part);
            Assert.Equal(part, await reader.ReadAsync(query, loaded["FROM"], Ct).ToListAsync(Ct));
        }

        // The whole read really is adjusted (the payments scale the early bars), so the comparison above means something.
        Assert.NotEqual(bars[0], whole[0]);
    }
}
