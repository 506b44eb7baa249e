namespace StockData.Storage.Quality;

/// <summary>
/// The settings of gap detection and repair (docs/data-quality.md), handed to the store by the host's options.
/// </summary>
/// <param name="Share">A date is a trading date of an exchange when at least this share of its peers has a bar on it.</param>
/// <param name="MinPeers">Fewest peers (symbols of the exchange whose stored range holds the date) for any date to count.</param>
/// <param name="EdgeDays">How far (calendar days) a symbol's window is widened to the exchange's first or last trading
/// date, so a lost first or last bar is found; further than this it is taken for a later listing or an earlier end.</param>
/// <param name="MaxAttempts">Repair fetches that still lack the data before a gap is confirmed missing.</param>
/// <param name="DividendStep">Relative step of adj_close / close between two stored bars that reveals a dividend.</param>
public sealed record GapRules(double Share, int MinPeers, int EdgeDays, int MaxAttempts, double DividendStep);
