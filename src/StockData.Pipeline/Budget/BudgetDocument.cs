namespace StockData.Pipeline.Budget;

/// <summary><c>stockdata budget --json</c>: one entry per egress.</summary>
internal sealed record BudgetDocument(IReadOnlyList<EgressBudget> Egresses);

/// <summary>
/// One egress: its allowance (<c>PermitsPerSecond × 86,400</c>), the requests spent in the last 24 hours by purpose
/// (every purpose listed, 0 when none), and this egress's share of the requests the scheduled universe needs per day
/// (the plan is spread evenly over the configured egresses; an egress that is no longer configured has none).
/// </summary>
internal sealed record EgressBudget(
    string Egress,
    double AllowancePerDay,
    long SpentLastDay,
    IReadOnlyDictionary<string, long> SpentByPurpose,
    double PlanPerDay,
    IReadOnlyList<PlanLine> Plan,
    bool OverAllowance);

/// <summary>Scheduled symbol-intervals of one interval and the requests their refreshes take per (trading) day through one egress (its share).</summary>
internal sealed record PlanLine(string Interval, int SymbolIntervals, double RequestsPerSymbolInterval, double RequestsPerDay);
