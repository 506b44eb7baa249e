using System.ComponentModel.DataAnnotations;

namespace StockData.YahooSim.Configuration;

/// <summary>
/// The simulator's settings: section <c>YahooSim</c>, set by command-line switches (<c>--now</c>, <c>--rate</c>, …;
/// see <c>Hosting/SimulatorCommandLine</c>) or environment variables (<c>YahooSim__Now</c>, <c>YahooSim__Rate</c>, …).
/// </summary>
internal sealed class SimulatorOptions
{
    public const string SectionName = "YahooSim";

    /// <summary>A fixed clock (ISO-8601). With it every response is byte-identical across runs and processes; without it the real clock.</summary>
    public DateTimeOffset? Now { get; set; }

    /// <summary>Added to every chart response.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan Latency { get; set; } = TimeSpan.Zero;

    /// <summary>A uniform extra delay in [0, Jitter] on top of <see cref="Latency"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan Jitter { get; set; } = TimeSpan.Zero;

    /// <summary>The global token bucket's refill rate in requests per second; 0 disables the limit.</summary>
    [Range(0.0, 1_000_000.0)]
    public double Rate { get; set; }

    /// <summary>The bucket's capacity (requests allowed at once after a quiet spell).</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 10;

    /// <summary>Send Retry-After (whole seconds, at least 1) with every 429.</summary>
    public bool RetryAfterHeader { get; set; } = true;

    /// <summary>Fault probabilities per chart request; they are exclusive and must sum to at most 1.</summary>
    [Range(0.0, 1.0)]
    public double Fault429 { get; set; }

    [Range(0.0, 1.0)]
    public double Fault500 { get; set; }

    [Range(0.0, 1.0)]
    public double Fault503 { get; set; }

    /// <summary>200 with the body cut in half (framed correctly, so the client sees a complete but invalid JSON body).</summary>
    [Range(0.0, 1.0)]
    public double FaultTruncate { get; set; }

    /// <summary>Answer only after <see cref="SlowDelay"/>, past a client's per-attempt timeout.</summary>
    [Range(0.0, 1.0)]
    public double FaultSlow { get; set; }

    /// <summary>Abort the connection without a response.</summary>
    [Range(0.0, 1.0)]
    public double FaultReset { get; set; }

    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The Retry-After of a fault 429 (the rate limit computes its own).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan FaultRetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Mixed into every symbol's history seed: another value gives every symbol another history (prices, listing,
    /// events, null rows) and, since fault draws hash that seed too, other faults. 0 keeps the symbol-only histories
    /// the demo and the tests were written against.
    /// </summary>
    public int Seed { get; set; }

    /// <summary>
    /// Seeds every fault and drop draw: the n-th request for a symbol gets the same fault in every run. Varying it alone
    /// re-draws the faults over the same histories.
    /// </summary>
    public int FaultSeed { get; set; } = 1;

    /// <summary>Share of dates silently missing from a 200 response (Yahoo under load), drawn per request.</summary>
    [Range(0.0, 1.0)]
    public double DropDates { get; set; }

    /// <summary>Share of dividends silently missing from a 200 response, drawn per request.</summary>
    [Range(0.0, 1.0)]
    public double DropDividends { get; set; }

    /// <summary>Dates absent on every request (trading halts): <c>SYMBOL:yyyy-MM-dd</c> separated by commas or semicolons.</summary>
    public string? Halts { get; set; }

    /// <summary>Symbols matching this regular expression (after upper-casing) answer Yahoo's 404 Not Found body.</summary>
    [Required]
    public string NotFoundPattern { get; set; } = "^ZZ";

    /// <summary>Stamp today's bar with the last trade time while it forms (and keep that stamp after the close), as Yahoo does.</summary>
    public bool LiveBar { get; set; } = true;

    /// <summary>Share of rows sent with every field null (Yahoo's all-null rows); 0 gives clean data.</summary>
    [Range(0.0, 1.0)]
    public double NullRows { get; set; } = 0.002;

    /// <summary>Gzip 200 bodies for clients that send Accept-Encoding: gzip, as Yahoo does.</summary>
    public bool Gzip { get; set; } = true;

    /// <summary>The response cache's bound (used only with a fixed <see cref="Now"/>).</summary>
    [Range(0, 16384)]
    public int CacheMegabytes { get; set; } = 256;

    /// <summary>
    /// What a chart request must carry: <c>none</c> (default, as every test before sessions assumed), <c>session</c>, or
    /// <c>consent</c> (a session after a consent form). A string, so a wrong value fails validation with the choices named.
    /// </summary>
    [Required]
    [RegularExpression("^(?i:none|session|consent)$", ErrorMessage = "--auth (YahooSim__Auth) must be none, session or consent.")]
    public string Auth { get; set; } = "none";

    /// <summary><see cref="Auth"/> as a mode.</summary>
    public SimAuthMode AuthMode => Enum.TryParse<SimAuthMode>(Auth, ignoreCase: true, out var mode) ? mode : SimAuthMode.None;

    /// <summary>How long a session (cookie and its crumb) is honoured after it was issued; the cookie itself says it lives a year, as Yahoo's does.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "365.00:00:00")]
    public TimeSpan SessionTtl { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Getcrumb answers allowed per second (burst 1); beyond it getcrumb is throttled as Yahoo throttles it. 0 = unlimited.</summary>
    [Range(0.0, 1_000_000.0)]
    public double GetcrumbRate { get; set; }

    /// <summary>Chart requests per second allowed to each client address, beside the global <see cref="Rate"/>; 0 disables it.</summary>
    [Range(0.0, 1_000_000.0)]
    public double RatePerClient { get; set; }

    /// <summary>Each client address's bucket capacity.</summary>
    [Range(1, 1_000_000)]
    public int BurstPerClient { get; set; } = 10;
}
