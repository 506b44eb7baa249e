namespace StockData.Core;

/// <summary>
/// A bar interval as Yahoo spells it (<c>1m</c> … <c>3mo</c>). Daily and longer intervals are keyed by the
/// exchange-local trade date; intraday intervals by their UTC timestamp.
/// </summary>
public readonly record struct BarInterval
{
    private static readonly Dictionary<string, BarInterval> Known = new(StringComparer.Ordinal)
    {
        ["1m"] = new("1m", TimeSpan.FromMinutes(1), false),
        ["2m"] = new("2m", TimeSpan.FromMinutes(2), false),
        ["5m"] = new("5m", TimeSpan.FromMinutes(5), false),
        ["15m"] = new("15m", TimeSpan.FromMinutes(15), false),
        ["30m"] = new("30m", TimeSpan.FromMinutes(30), false),
        ["60m"] = new("60m", TimeSpan.FromMinutes(60), false),
        ["90m"] = new("90m", TimeSpan.FromMinutes(90), false),
        ["1h"] = new("1h", TimeSpan.FromHours(1), false),
        ["1d"] = new("1d", TimeSpan.FromDays(1), true),
        ["5d"] = new("5d", TimeSpan.FromDays(5), true),
        ["1wk"] = new("1wk", TimeSpan.FromDays(7), true),
        ["1mo"] = new("1mo", TimeSpan.FromDays(30), true),
        ["3mo"] = new("3mo", TimeSpan.FromDays(91), true),
    };

    private BarInterval(string token, TimeSpan nominal, bool isDailyOrLonger)
    {
        Token = token;
        Nominal = nominal;
        IsDailyOrLonger = isDailyOrLonger;
    }

    /// <summary>The upstream token, e.g. <c>1d</c>.</summary>
    public string Token { get; }

    /// <summary>Nominal length (months are approximate; used for windows and overlap, never for keys).</summary>
    public TimeSpan Nominal { get; }

    /// <summary>True for 1d and longer: rows are keyed by exchange-local trade date.</summary>
    public bool IsDailyOrLonger { get; }

    public bool IsIntraday => !IsDailyOrLonger;

    public static BarInterval Daily => Known["1d"];

    public static IEnumerable<string> Tokens => Known.Keys;

    public static bool TryParse(string? token, out BarInterval interval)
    {
        if (token is not null && Known.TryGetValue(token, out interval))
        {
            return true;
        }

        interval = default;
        return false;
    }

    public static BarInterval Parse(string token) =>
        TryParse(token, out var interval)
            ? interval
            : throw new FormatException($"Unknown interval '{token}'. Known: {string.Join(", ", Known.Keys)}.");

    public override string ToString() => Token ?? "";
}
