namespace StockData.Pipeline.Quality;

/// <summary><c>quality report --json</c>: <c>totals</c>, then one entry per exchange and per symbol.</summary>
internal sealed record QualityReportDocument(QualityTotals Totals, IReadOnlyList<ExchangeQuality> Exchanges, IReadOnlyList<SymbolQuality> Symbols);

/// <summary>
/// Gaps found, repaired, confirmed missing (of which <c>confirmed_no_data</c>: the upstream sends no data for the date,
/// an all-null row), still open (open or being repaired), and suspicious responses.
/// </summary>
internal sealed record QualityTotals(int GapsFound, int Repaired, int ConfirmedMissing, int ConfirmedNoData, int Open, int SuspiciousResponses);

/// <summary>An exchange's counts; <c>timezone</c> (one word) tells exchanges of one name in two zones apart.</summary>
internal sealed record ExchangeQuality(
    string Exchange, string Timezone, int Symbols, int GapsFound, int Repaired, int ConfirmedMissing, int Open, int SuspiciousResponses);

internal sealed record SymbolQuality(
    string Symbol, string Exchange, int GapsFound, int Repaired, int ConfirmedMissing, int ConfirmedNoData, int Open, int SuspiciousResponses);
