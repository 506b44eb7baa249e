namespace StockData.Yahoo.Session;

/// <summary>Whether chart requests carry a session (<c>StockData:Yahoo:Session</c>).</summary>
public enum YahooSessionMode
{
    /// <summary>Send a session when one can be had; without one, chart requests still go out.</summary>
    Auto,

    /// <summary>A chart request without a session fails before it is sent.</summary>
    Required,

    /// <summary>Never ask for a session; chart requests carry no cookie and no crumb.</summary>
    Off,
}
