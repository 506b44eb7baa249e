namespace StockData.Storage.Postgres.Universe;

/// <summary>What <see cref="SymbolUniverse.AddAsync"/> did with each symbol-interval it was given.</summary>
/// <param name="Added">New to the store, now scheduled (due at once).</param>
/// <param name="Rescheduled">Known (fetched by a replay, job or refresh, or removed earlier) and now back on the schedule.</param>
/// <param name="AlreadyScheduled">On the schedule already: left as they were.</param>
public sealed record UniverseAddResult(int Added, int Rescheduled, int AlreadyScheduled);
