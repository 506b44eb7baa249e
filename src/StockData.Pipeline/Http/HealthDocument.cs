using System.Text.Json.Serialization;

namespace StockData.Pipeline.Http;

/// <summary>
/// The body of <c>/healthz</c> (<c>{"status":"ok"}</c>) and <c>/readyz</c> (<c>status</c>, <c>postgres</c>,
/// <c>pipeline</c>, <c>redis</c>, and <c>error</c> when the pipeline stopped on one).
/// </summary>
internal sealed record HealthDocument(
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Postgres = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Pipeline = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Redis = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null);
