namespace StockData.YahooSim.Configuration;

/// <summary>What the simulator demands before it serves a chart (<c>--auth</c>).</summary>
internal enum SimAuthMode
{
    /// <summary>Nothing: chart requests are served with or without a session (cookie pages and getcrumb still answer).</summary>
    None,

    /// <summary>A valid <c>A3</c> cookie and its crumb on every chart request, as Yahoo asks today.</summary>
    Session,

    /// <summary>As <see cref="Session"/>, and the cookie pages first redirect to a consent form (Yahoo from an EU address).</summary>
    Consent,
}
