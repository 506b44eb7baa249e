namespace StockData.Yahoo.Session;

/// <summary>
/// Taken before each session request (cookie page, consent, getcrumb), ahead of its timeout: the upstream layer makes
/// these requests spend tokens from the same bucket as chart requests, since Yahoo counts them against the same address.
/// </summary>
public interface IYahooSessionRequestGate
{
    ValueTask EnterAsync(Uri uri, CancellationToken cancellationToken);
}
