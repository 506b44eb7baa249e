namespace StockData.Storage.Postgres.Jobs;

/// <summary>What <see cref="JobStore.CancelAsync"/> found.</summary>
public enum CancelOutcome
{
    Cancelled,
    NotFound,

    /// <summary>The job had finished (done, failed or cancelled) already: nothing changed.</summary>
    AlreadyFinished,
}
