using System.ComponentModel.DataAnnotations;
using StockData.Yahoo.Egress;
using StockData.Yahoo.Session;

namespace StockData.Yahoo;

/// <summary>
/// Settings of the Yahoo chart client: section <c>StockData:Yahoo</c> (environment: <c>StockData__Yahoo__BaseUrl</c>, …).
/// Validated at start-up by <see cref="YahooOptionsAttributeValidator"/> and <see cref="YahooOptionsValidator"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = StockData.Core.TrimmingJustifications.RangeReadOnlyBySourceGeneratedValidator)]
public sealed class YahooOptions
{
    public const string SectionName = "StockData:Yahoo";

    /// <summary>The first host tried (attempt 0, 2, 4, …).</summary>
    /// <value>Default <c>https://query2.finance.yahoo.com</c> (yfinance and node-yahoo-finance2 default to query2).</value>
    [Required]
    public string BaseUrl { get; set; } = "https://query2.finance.yahoo.com";

    /// <summary>
    /// The host tried on odd attempts when the caller retries (query1 serves the same API); empty disables fail-over.
    /// </summary>
    /// <value>Default <c>https://query1.finance.yahoo.com</c>.</value>
    public string? FallbackBaseUrl { get; set; } = "https://query1.finance.yahoo.com";

    /// <summary>
    /// The User-Agent sent with every request. Yahoo answers 429 to missing, default or old agents
    /// (docs/yahoo-chart-api.md §5), so this is a current desktop Chrome string.
    /// </summary>
    [Required]
    public string UserAgent { get; set; } =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    /// <summary>The Accept-Language header sent with every request, as a browser would.</summary>
    /// <value>Default <c>en-US,en;q=0.9</c>.</value>
    [Required]
    public string AcceptLanguage { get; set; } = "en-US,en;q=0.9";

    /// <summary>
    /// The largest body accepted, counted after decompression while it is read; a larger one fails the attempt.
    /// A 10-year daily chart is about 0.5 MB and a 60-day 2m chart about 2 MB.
    /// </summary>
    /// <value>Default 16 MiB.</value>
    [Range(1024, 1 << 30)]
    public int MaxResponseBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>The most one attempt (connect, headers and the whole body) may take; past it the attempt fails with a <see cref="TimeoutException"/>.</summary>
    /// <value>Default 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most establishing one TCP/TLS connection may take (within <see cref="AttemptTimeout"/>).</summary>
    /// <value>Default 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a pooled connection is reused before it is replaced, so DNS changes are picked up.</summary>
    /// <value>Default 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PooledConnectionLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The <c>events=</c> value of every chart request.</summary>
    /// <value>Default <c>div|split|capitalGains</c> (yfinance-rs's default; <c>earn</c> is not stored).</value>
    [Required]
    [RegularExpression("^[A-Za-z|,]{0,64}$", ErrorMessage = "The field Events must be event names (div, split, capitalGains, earn) separated by | or ,.")]
    public string Events { get; set; } = "div|split|capitalGains";

    /// <summary>
    /// Whether chart requests carry a Yahoo session (a cookie and its crumb): <c>auto</c> sends one when it can be had and
    /// goes without otherwise (the chart endpoint has answered crumb-less calls); <c>required</c> fails a chart request
    /// that has none; <c>off</c> never asks for one.
    /// </summary>
    /// <value>Default <c>auto</c>.</value>
    public YahooSessionMode Session { get; set; } = YahooSessionMode.Auto;

    /// <summary>
    /// The page whose answer sets the session cookie (it may answer 404 and still set it). Empty: <c>https://fc.yahoo.com</c>
    /// when <see cref="BaseUrl"/> is a yahoo.com host, else <see cref="BaseUrl"/>'s root (offline, one base URL stands
    /// for every Yahoo host).
    /// </summary>
    public string? CookieUrl { get; set; }

    /// <summary>
    /// The second way to a cookie, tried when the first gave none or no crumb: a finance page, as browsers and mature
    /// clients visit. Empty: <c>https://finance.yahoo.com/quote/AAPL</c>, or <c>{BaseUrl}/quote/AAPL</c> offline.
    /// </summary>
    public string? FinancePageUrl { get; set; }

    /// <summary>
    /// The crumb endpoint. Empty: <c>https://query1.finance.yahoo.com/v1/test/getcrumb</c>, or
    /// <c>{BaseUrl}/v1/test/getcrumb</c> offline.
    /// </summary>
    public string? CrumbUrl { get; set; }

    /// <summary>
    /// The least time between two attempts to obtain a session: a session refused early, or a failed attempt, waits for
    /// it (or for getcrumb's Retry-After when longer), so a process never asks Yahoo for sessions in a loop.
    /// </summary>
    /// <value>Default 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MinRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The egress pool: each item an <c>Id</c> and an optional HTTP forward <c>Proxy</c>. Each egress has its own token
    /// bucket (at <c>StockData:RateLimit</c>'s rate: Yahoo limits per client address), session, cooldown and circuit
    /// breaker; a request goes to the egress whose next slot is earliest. Empty: one direct egress, keyed as before.
    /// </summary>
    /// <value>Default empty (one direct egress).</value>
    public List<YahooEgressOptions> Egress { get; set; } = [];
}
