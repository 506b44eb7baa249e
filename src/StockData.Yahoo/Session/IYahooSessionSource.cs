namespace StockData.Yahoo.Session;

/// <summary>
/// Where the chart client gets the current session. The in-process source (<see cref="InProcessYahooSessionSource"/>)
/// holds one per process; a shared one (Redis, one per egress for the whole fleet) can replace it behind this interface.
/// </summary>
public interface IYahooSessionSource
{
    /// <summary>The configured mode (<c>StockData:Yahoo:Session</c>).</summary>
    YahooSessionMode Mode { get; }

    /// <summary>Why the last attempt to obtain a session failed; null after a success or before any attempt.</summary>
    YahooSessionError? LastError { get; }

    /// <summary>
    /// The current session, obtaining one first when there is none (one attempt at a time, however many callers wait);
    /// null in mode <c>off</c>, or when none could be had and the next attempt is not due yet.
    /// </summary>
    ValueTask<YahooSession?> GetAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Drops the current session only if it is still <paramref name="version"/> (compare-and-delete): a caller holding a
    /// refusal of an older session cannot throw away a newer one. True when it dropped it.
    /// </summary>
    ValueTask<bool> InvalidateAsync(string version, CancellationToken cancellationToken);
}
