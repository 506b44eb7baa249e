namespace StockData.TestSupport.Observability;

/// <summary>One alerting (or recording) rule of a Prometheus rules file.</summary>
public sealed record AlertRule(string Group, string Name, string Expression, string? For);
