namespace StockData.Upstream.Session;

/// <summary>
/// The two numbers <see cref="AuthCooldown"/> needs from the fetch options (StockData:Fetch), handed down so the session
/// layer does not depend on the fetch layer above it.
/// </summary>
public sealed record AuthCooldownSettings(int AuthFailureThreshold, TimeSpan AuthCooldown);
