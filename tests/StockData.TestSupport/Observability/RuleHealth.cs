namespace StockData.TestSupport.Observability;

/// <summary>A loaded rule as <c>/api/v1/rules</c> reports it after evaluating it.</summary>
/// <param name="Health">"ok", "err" or "unknown" (not evaluated yet).</param>
public sealed record RuleHealth(string Name, string Health, string? LastError, string? State);
