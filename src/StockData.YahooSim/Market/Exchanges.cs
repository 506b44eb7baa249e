namespace StockData.YahooSim.Market;

/// <summary>The exchanges the simulator knows, chosen by the symbol's suffix as Yahoo's naming does.</summary>
internal static class Exchanges
{
    private static readonly (int, int)[] UsHolidays = [(1, 1), (7, 4), (12, 25)];
    private static readonly (int, int)[] UkHolidays = [(1, 1), (12, 25), (12, 26)];

    public static readonly Exchange NewYork = new("NMS", "NasdaqGS", "America/New_York", "EST", "EDT", "USD", "EQUITY",
        TimeSpan.FromHours(4), new TimeSpan(9, 30, 0), TimeSpan.FromHours(16), TimeSpan.FromHours(20), false, false, UsHolidays);

    public static readonly Exchange NewYorkIndex = new("SNP", "SNP", "America/New_York", "EST", "EDT", "USD", "INDEX",
        new TimeSpan(9, 30, 0), new TimeSpan(9, 30, 0), TimeSpan.FromHours(16), TimeSpan.FromHours(16), false, false, UsHolidays);

    public static readonly Exchange London = new("LSE", "LSE", "Europe/London", "GMT", "BST", "GBp", "EQUITY",
        new TimeSpan(7, 15, 0), TimeSpan.FromHours(8), new TimeSpan(16, 30, 0), new TimeSpan(17, 15, 0), false, false, UkHolidays);

    public static readonly Exchange HongKong = new("HKG", "HKSE", "Asia/Hong_Kong", "HKT", "HKT", "HKD", "EQUITY",
        new TimeSpan(9, 0, 0), new TimeSpan(9, 30, 0), TimeSpan.FromHours(16), new TimeSpan(16, 10, 0), false, false,
        [(1, 1), (7, 1), (12, 25), (12, 26)]);

    public static readonly Exchange Tokyo = new("JPX", "Tokyo", "Asia/Tokyo", "JST", "JST", "JPY", "EQUITY",
        TimeSpan.FromHours(9), TimeSpan.FromHours(9), new TimeSpan(15, 30, 0), new TimeSpan(15, 30, 0), false, false,
        [(1, 1), (1, 2), (1, 3), (12, 31)]);

    /// <summary>Crypto trades every calendar day round the clock (no weekends, no holidays); bars at 00:00 UTC.</summary>
    public static readonly Exchange Crypto = new("CCC", "CCC", "UTC", "UTC", "UTC", "USD", "CRYPTOCURRENCY",
        TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromHours(24), TimeSpan.FromHours(24), true, true, [], periodsEndAtLastMinute: true);

    /// <summary>FX trades round the clock on weekdays; Yahoo files it under Europe/London and stamps bars at local midnight.</summary>
    public static Exchange Currency(string quoteCurrency) => CurrencyCache.GetOrAdd(quoteCurrency, static c =>
        new Exchange("CCY", "CCY", "Europe/London", "GMT", "BST", c, "CURRENCY",
            TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromHours(24), TimeSpan.FromHours(24), false, true, [(1, 1), (12, 25)]));

    // A memo of a pure function (currency → its immutable FX exchange), not state: every simulator instance may share it.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Exchange> CurrencyCache = new(StringComparer.Ordinal);

    /// <summary>The exchange of an upper-cased symbol.</summary>
    public static Exchange For(string symbol)
    {
        if (symbol.EndsWith("-USD", StringComparison.Ordinal))
        {
            return Crypto;
        }

        if (symbol.EndsWith("=X", StringComparison.Ordinal))
        {
            // EURUSD=X is quoted in USD; JPY=X (USD/JPY) in JPY.
            var pair = symbol[..^2];
            var quote = pair.Length >= 6 ? pair.Substring(3, 3) : pair.Length == 3 ? pair : "USD";
            return Currency(quote);
        }

        if (symbol.StartsWith('^'))
        {
            return NewYorkIndex;
        }

        if (symbol.EndsWith(".L", StringComparison.Ordinal))
        {
            return London;
        }

        if (symbol.EndsWith(".HK", StringComparison.Ordinal))
        {
            return HongKong;
        }

        return symbol.EndsWith(".T", StringComparison.Ordinal) ? Tokyo : NewYork;
    }
}
