namespace StockData.Core;

/// <summary>What one <see cref="IBarWriter.WriteAsync"/> call committed.</summary>
/// <param name="Inserted">Bars that were new.</param>
/// <param name="Updated">Bars whose stored values changed (their old values went to the revisions when kept).</param>
/// <param name="Unchanged">Bars already stored with the same values: not rewritten.</param>
/// <param name="Superseded">Rows dropped because a later row of the same batch had the same key (last wins).</param>
/// <param name="EventsChanged">Dividends, splits and capital gains inserted or changed.</param>
/// <param name="CompletedFetches">The fetches whose last chunk this batch committed.</param>
/// <param name="FastPath">True when the bars were COPYed straight into the bars table (fresh history).</param>
/// <param name="Attempts">Transactions tried (1 unless a transient failure or a fast-path conflict forced a retry).</param>
public sealed record WriteResult(
    int Inserted,
    int Updated,
    int Unchanged,
    int Superseded,
    int EventsChanged,
    IReadOnlyList<FetchCommit> CompletedFetches,
    bool FastPath,
    int Attempts)
{
    /// <summary>Every row of the batch: inserted + updated + unchanged + superseded.</summary>
    public int Rows => Inserted + Updated + Unchanged + Superseded;
}
