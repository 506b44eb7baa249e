using StockData.Core;

namespace StockData.Storage.Postgres;

/// <summary>What one transaction does to one symbol_intervals row (see <see cref="BarWriterSql.UpdateSymbolIntervals"/>).</summary>
public sealed record SymbolIntervalUpdate(
    string Symbol,
    BarInterval Interval,
    bool Completes,
    bool Clears,
    DateTimeOffset? ActionAt,
    string? ActionReason)
{
    /// <summary>Two fetches of one symbol and interval in one batch: either may complete or clear; the newest action counts.</summary>
    public SymbolIntervalUpdate Merge(SymbolIntervalUpdate other)
    {
        var newer = other.ActionAt is not null && (ActionAt is null || other.ActionAt > ActionAt);
        return this with
        {
            Completes = Completes || other.Completes,
            Clears = Clears || other.Clears,
            ActionAt = newer ? other.ActionAt : ActionAt,
            ActionReason = newer ? other.ActionReason : ActionReason,
        };
    }
}
