using System.ComponentModel.DataAnnotations;

namespace StockData.Pipeline.Http;

/// <summary>The worker's HTTP surface (<c>stockdata run</c>): section <c>StockData:Http</c>.</summary>
[System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = StockData.Core.TrimmingJustifications.RangeReadOnlyBySourceGeneratedValidator)]
public sealed class HttpApiOptions
{
    public const string SectionName = "StockData:Http";

    /// <summary>
    /// Where Kestrel listens (several URLs separated by <c>;</c>). Anything but a loopback address requires
    /// <see cref="ApiKey"/>: <c>/metrics</c>, <c>/healthz</c>, <c>/readyz</c> and <c>/openapi/v1.json</c> stay open, the jobs, bars and symbols endpoints do not.
    /// </summary>
    /// <value>Default <c>http://127.0.0.1:9464</c>.</value>
    [Required]
    public string Url { get; set; } = "http://127.0.0.1:9464";

    /// <summary>
    /// The key clients send in the <c>X-Api-Key</c> header to the jobs, bars and symbols endpoints. Required when <see cref="Url"/>
    /// is not loopback; enforced whenever it is set.
    /// </summary>
    /// <value>Default unset.</value>
    [MinLength(16, ErrorMessage = "must be at least 16 characters (e.g. openssl rand -hex 32)")]
    public string? ApiKey { get; set; }

    /// <summary>The most symbols one <c>GET /bars?symbols=…</c> may name.</summary>
    /// <value>Default 100.</value>
    [Range(1, 10_000)]
    public int MaxSymbolsPerRequest { get; set; } = 100;

    /// <summary>Bars responses streaming at once; each holds one pooled connection while it streams, so keep it well below the pool size.</summary>
    /// <value>Default 4.</value>
    [Range(1, 256)]
    public int MaxConcurrentReads { get; set; } = 4;

    /// <summary>How long a <c>refresh=true</c> request waits for its fetch before answering 504 (the fetch itself goes on).</summary>
    /// <value>Default 2 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RefreshTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>True when <see cref="Url"/> binds anything but a loopback address.</summary>
    public bool IsExposed => !HttpBinding.IsLoopbackOnly(Url);
}
