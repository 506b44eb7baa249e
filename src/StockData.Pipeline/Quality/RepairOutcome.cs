using StockData.Storage.Postgres.Quality;

namespace StockData.Pipeline.Quality;

/// <summary>What <c>stockdata quality repair</c> did: its scans' sums, the repair fetches it ran, and where the store stands after.</summary>
internal sealed record RepairOutcome(int Rounds, int GapsFound, int Repaired, int ConfirmedMissing, int FetchesDone, int FetchesFailed,
    QualityCounts After, bool Finished);
