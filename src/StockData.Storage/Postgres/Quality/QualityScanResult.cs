namespace StockData.Storage.Postgres.Quality;

/// <summary>What one quality scan did.</summary>
/// <param name="Ran">False when another process held the scan lock: nothing was done.</param>
/// <param name="GapsFound">New gaps (bars and dividends) found.</param>
/// <param name="Repaired">Gaps whose data is stored now.</param>
/// <param name="ConfirmedMissing">Gaps that became confirmed missing.</param>
/// <param name="Reopened">Gaps whose repair fetch ended without their data, to be fetched again.</param>
/// <param name="ItemsEnqueued">Low-priority fetch items created (repairs and re-verifications).</param>
/// <param name="Jobs">The jobs holding them.</param>
public sealed record QualityScanResult(bool Ran, int GapsFound, int Repaired, int ConfirmedMissing, int Reopened, int ItemsEnqueued,
    IReadOnlyList<long> Jobs)
{
    public static QualityScanResult Skipped { get; } = new(false, 0, 0, 0, 0, 0, []);
}
