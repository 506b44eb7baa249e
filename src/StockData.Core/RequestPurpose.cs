namespace StockData.Core;

/// <summary>
/// Why an upstream request is sent, as the request budget counts it (docs/data-quality.md, "Request budget"). The
/// caller that starts a fetch sets <see cref="Current"/>; it flows with the fetch down to the HTTP handler that counts
/// each request actually sent (a cached answer spends nothing and counts nothing).
/// </summary>
public static class RequestPurpose
{
    /// <summary>The daemon's refresh of a scheduled symbol-interval.</summary>
    public const string Schedule = "schedule";

    /// <summary>An item of a submitted fetch job.</summary>
    public const string Job = "job";

    /// <summary>The HTTP bars endpoint refreshing a symbol on read.</summary>
    public const string Refresh = "refresh";

    /// <summary>A fetch that repairs gaps found by the quality scan.</summary>
    public const string Repair = "repair";

    /// <summary>A re-fetch of a range a response lacked stored data for (no gap in it).</summary>
    public const string Verification = "verification";

    /// <summary><c>stockdata replay</c> (a file of symbols, run by hand).</summary>
    public const string Replay = "replay";

    /// <summary>Anything that did not say (<c>yahoo fetch</c>, benchmarks).</summary>
    public const string Other = "other";

    /// <summary>Every purpose, in the order reports list them.</summary>
    public static IReadOnlyList<string> All { get; } = [Schedule, Job, Refresh, Repair, Verification, Replay, Other];

    private static readonly AsyncLocal<string?> Flowing = new();

    /// <summary>The purpose of the fetch this code runs for; <see cref="Other"/> when none was set.</summary>
    public static string Current
    {
        get => Flowing.Value ?? Other;
        set => Flowing.Value = value;
    }
}
