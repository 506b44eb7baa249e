using StockData.Core;

namespace StockData.Storage.Postgres.Reading;

/// <summary>
/// Which stored bars to read. Daily and longer intervals filter on the exchange-local trade date, both ends inclusive
/// (a date-time bound counts by its UTC date); intraday intervals on the bar's UTC timestamp, <see cref="From"/>
/// inclusive and <see cref="To"/> exclusive.
/// </summary>
/// <param name="AsOf">Answer with what the store held at this time (from bar_revisions); null for the current values.</param>
/// <param name="Adjust">How prices are adjusted for the splits and distributions the store held (at <paramref name="AsOf"/>).</param>
public sealed record BarQuery(string Symbol, BarInterval Interval, DateTimeOffset? From, DateTimeOffset? To, DateTimeOffset? AsOf,
    PriceAdjustment Adjust = PriceAdjustment.None);
