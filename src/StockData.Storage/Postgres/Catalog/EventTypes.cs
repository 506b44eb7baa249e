namespace StockData.Storage.Postgres.Catalog;

/// <summary>The kinds of corporate action the store keeps, as a set.</summary>
[Flags]
public enum EventTypes
{
    None = 0,
    Dividends = 1,
    Splits = 2,
    CapitalGains = 4,
    All = Dividends | Splits | CapitalGains,
}
