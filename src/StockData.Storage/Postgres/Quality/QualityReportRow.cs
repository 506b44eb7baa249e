namespace StockData.Storage.Postgres.Quality;

/// <summary>
/// One symbol's findings, as <c>stockdata quality report</c> shows them. <see cref="GapsFound"/> counts every gap ever
/// found (bars and dividends); the next three split it by where it stands now. <see cref="ConfirmedNoData"/> is the
/// part of <see cref="ConfirmedMissing"/> whose reason is "upstream sends no data" (dates Yahoo answers with null rows).
/// </summary>
public sealed record QualityReportRow(
    string Symbol,
    string Exchange,
    string TimeZone,
    int GapsFound,
    int Repaired,
    int ConfirmedMissing,
    int Pending,
    int SuspiciousResponses,
    int ConfirmedNoData = 0);
