namespace StockData.Storage.Postgres.Catalog;

/// <summary>One stored corporate action.</summary>
/// <param name="Type"><c>capital_gain</c>, <c>dividend</c> or <c>split</c> (<see cref="EventReader"/>'s names).</param>
/// <param name="ExDate">The exchange-local ex-date, the key.</param>
/// <param name="Timestamp">Yahoo's timestamp of the event (UTC).</param>
/// <param name="Amount">Cash per share, in the symbol's currency (dividends and capital gains).</param>
/// <param name="Numerator">New shares per <see cref="Denominator"/> old ones (splits: 4 and 1 for a 4:1 split).</param>
/// <param name="RecordedAt">When the store wrote these values.</param>
public sealed record CorporateEvent(
    string Type,
    DateOnly ExDate,
    DateTimeOffset Timestamp,
    double? Amount,
    double? Numerator,
    double? Denominator,
    DateTimeOffset RecordedAt);
