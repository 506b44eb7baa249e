namespace StockData.YahooSim.Market;

/// <summary>
/// The long names Yahoo gives the best-known coins ("Bitcoin USD" in the BTC-USD fixture); any other coin reads
/// "XYZ USD".
/// </summary>
internal static class CryptoNames
{
    private static readonly Dictionary<string, string> Coins = new(StringComparer.Ordinal)
    {
        ["BTC"] = "Bitcoin",
        ["ETH"] = "Ethereum",
        ["SOL"] = "Solana",
        ["XRP"] = "XRP",
        ["ADA"] = "Cardano",
        ["DOGE"] = "Dogecoin",
        ["LTC"] = "Litecoin",
        ["DOT"] = "Polkadot",
        ["BNB"] = "BNB",
    };

    /// <summary>The long name of an upper-cased "COIN-USD" symbol.</summary>
    public static string For(string symbol)
    {
        var dash = symbol.LastIndexOf('-');
        var coin = dash > 0 ? symbol[..dash] : symbol;
        var quote = dash > 0 ? symbol[(dash + 1)..] : "";
        return $"{Coins.GetValueOrDefault(coin, coin)} {quote}".TrimEnd();
    }
}
