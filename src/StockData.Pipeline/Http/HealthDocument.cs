using System.Text.Json.Serialization;

namespace StockData.Pipeline.Http;

/// <summary>
/// The body of <c>/healthz</c> (<c>{"status":"ok"}</c>) and <c>/readyz</c> (<c>status</c>, <c>postgres</c>,
/// <c>pipeline</c>, <c>redis</c>, <c>error</c> when the pipeline stopped on one, and with a read replica
/// <c>postgres_read</c> (<c>ok</c> or <c>degraded</c>: reads go to the primary) and <c>standby</c> (its host:port)).
/// </summary>
internal sealed record HealthDocument(
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Postgres = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Pipeline = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Redis = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PostgresRead = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Standby = null);
