namespace StockData.TestSupport.Observability;

/// <summary>
/// The answer of <c>/api/v1/query</c>: success with the series (or scalar) values, or Prometheus's error.
/// </summary>
/// <param name="Values">One value per series of a vector (one for a scalar); NaN stays NaN.</param>
public sealed record PromQueryResult(bool Success, string? ResultType, IReadOnlyList<double> Values, string? Error)
{
    /// <summary>Series in the result (a scalar counts as one).</summary>
    public int Count => Values.Count;

    public override string ToString() =>
        Success ? $"{ResultType} with {Count} value(s): {string.Join(", ", Values.Take(10))}" : $"error: {Error}";
}
