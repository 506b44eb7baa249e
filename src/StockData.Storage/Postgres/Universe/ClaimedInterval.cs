namespace StockData.Storage.Postgres.Universe;

/// <summary>A scheduled symbol-interval this replica now leases.</summary>
/// <param name="Symbol">The symbol.</param>
/// <param name="Interval">The interval token as stored (e.g. <c>1d</c>).</param>
/// <param name="PreviousOwner">The replica whose expired lease this claim took over; null when the row was free.</param>
/// <param name="ExchangeTimezone">The symbol's exchange zone as the store knows it (IANA id), for the refresh schedule.</param>
public sealed record ClaimedInterval(string Symbol, string Interval, string? PreviousOwner, string? ExchangeTimezone);
