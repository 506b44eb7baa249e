namespace StockData.YahooSim.Market;

/// <summary>The fixed personality of one symbol, drawn once from its seed: listing date, starting price, drift, volatility, volumes, dividends.</summary>
internal sealed class SymbolProfile
{
    private SymbolProfile(string symbol, Exchange exchange, ulong seed)
    {
        Symbol = symbol;
        Exchange = exchange;
        Seed = seed;
    }

    public string Symbol { get; }

    public Exchange Exchange { get; }

    public ulong Seed { get; }

    public DateOnly Listing { get; private init; }

    public double InitialPrice { get; private init; }

    /// <summary>Annual drift and volatility of the log price.</summary>
    public double Drift { get; private init; }

    public double Volatility { get; private init; }

    /// <summary>Typical daily volume; 0 for FX (Yahoo reports 0 for currencies).</summary>
    public double BaseVolume { get; private init; }

    /// <summary>Annual dividend yield; 0 for non-payers.</summary>
    public double DividendYield { get; private init; }

    /// <summary>Which month of each quarter (0–2) and which day of that month the ex-date falls on (or after).</summary>
    public int DividendMonthOffset { get; private init; }

    public int DividendDay { get; private init; }

    /// <summary>Raw price above which the company splits (equities only; 0 = never).</summary>
    public double SplitThreshold { get; private init; }

    public bool IsEquity => Exchange.InstrumentType == "EQUITY";

    public double TradingDaysPerYear => Exchange.SevenDays ? 365 : 252;

    public string LongName => Exchange.InstrumentType switch
    {
        "CRYPTOCURRENCY" => CryptoNames.For(Symbol),
        "CURRENCY" => Symbol,
        _ => $"{Symbol} Simulated Inc.",
    };

    /// <summary>
    /// The seed of <paramref name="symbol"/>'s history under <c>--seed</c> <paramref name="simulatorSeed"/>. Mix(0) is 0,
    /// so seed 0 leaves the symbol's own hash, and every history, exactly as it was before the option existed.
    /// </summary>
    public static ulong SeedFor(string symbol, int simulatorSeed) =>
        SplitMix64.HashString(symbol) ^ SplitMix64.Mix((ulong)simulatorSeed);

    public static SymbolProfile For(string symbol, int simulatorSeed = 0)
    {
        var exchange = Exchanges.For(symbol);
        var seed = SeedFor(symbol, simulatorSeed);
        var rng = new SplitMix64(seed ^ 0x5EEDUL);
        var type = exchange.InstrumentType;
        (int fromYear, int toYear) = type switch
        {
            "CRYPTOCURRENCY" => (2014, 2021),
            "CURRENCY" => (2003, 2004),
            "INDEX" => (1985, 1995),
            _ => (1985, 2016),
        };
        var first = new DateOnly(fromYear, 1, 1).DayNumber;
        var last = new DateOnly(toYear, 1, 1).DayNumber;
        var listing = DateOnly.FromDayNumber(first + (int)(rng.NextDouble() * (last - first)));
        var payer = type == "EQUITY" && rng.NextDouble() < 0.55;
        return new SymbolProfile(symbol, exchange, seed)
        {
            Listing = listing,
            InitialPrice = type switch
            {
                "CRYPTOCURRENCY" => Math.Exp(rng.Between(Math.Log(0.01), Math.Log(500))),
                "CURRENCY" => Math.Exp(rng.Between(Math.Log(0.6), Math.Log(150))),
                "INDEX" => rng.Between(200, 2000),
                _ => Math.Exp(rng.Between(Math.Log(5), Math.Log(80))),
            },
            Drift = type switch
            {
                "CRYPTOCURRENCY" => rng.Between(0.0, 0.3),
                "CURRENCY" => rng.Between(-0.01, 0.01),
                _ => rng.Between(0.03, 0.12),
            },
            Volatility = type switch
            {
                "CRYPTOCURRENCY" => rng.Between(0.6, 1.1),
                "CURRENCY" => rng.Between(0.05, 0.12),
                "INDEX" => rng.Between(0.12, 0.2),
                _ => rng.Between(0.18, 0.5),
            },
            BaseVolume = type switch
            {
                // BTC-like volumes pass 2^31: the parser must keep them as int64 (rule R4).
                "CRYPTOCURRENCY" => Math.Exp(rng.Between(Math.Log(1e8), Math.Log(3e10))),
                "CURRENCY" => 0,
                "INDEX" => Math.Exp(rng.Between(Math.Log(5e8), Math.Log(5e9))),
                _ => Math.Exp(rng.Between(Math.Log(2e5), Math.Log(5e7))),
            },
            DividendYield = payer ? rng.Between(0.005, 0.04) : 0,
            DividendMonthOffset = (int)(rng.NextDouble() * 3),
            DividendDay = 5 + (int)(rng.NextDouble() * 20),
            SplitThreshold = type == "EQUITY" ? rng.Between(150, 600) : 0,
        };
    }
}
