namespace StockData.Storage.Postgres.Quality;

/// <summary>Store-wide counts for the quality gauges: gaps by (kind, status), suspicious responses by status.</summary>
public sealed record QualityCounts(
    IReadOnlyDictionary<(string Kind, string Status), int> Gaps,
    IReadOnlyDictionary<string, int> Suspicious);
