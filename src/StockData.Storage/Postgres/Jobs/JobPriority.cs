namespace StockData.Storage.Postgres.Jobs;

/// <summary>A job's priority as stored (<c>fetch_jobs.priority</c>, smallint): high items go ahead of the scheduled backlog.</summary>
public enum JobPriority : short
{
    /// <summary>Background repairs: after the scheduled backlog.</summary>
    Low = 0,

    /// <summary>Shares the workers with the scheduled backlog.</summary>
    Normal = 1,

    /// <summary>Ahead of the scheduled backlog.</summary>
    High = 2,
}
