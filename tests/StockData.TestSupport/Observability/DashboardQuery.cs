namespace StockData.TestSupport.Observability;

/// <summary>One PromQL expression of a Grafana dashboard, as written and as Grafana would send it.</summary>
/// <param name="Source">Panel title and refId (<c>"Rows/s A"</c>), or <c>"variable job"</c>.</param>
/// <param name="RawExpression">The expression as stored in the JSON, with <c>$…</c> references.</param>
/// <param name="Expression">With every built-in and template variable substituted: plain PromQL.</param>
/// <param name="PanelTitle">The panel's title; null for template variable queries.</param>
public sealed record DashboardQuery(string Source, string RawExpression, string Expression, string? PanelTitle);
