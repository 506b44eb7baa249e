namespace StockData.Yahoo.Parsing;

/// <summary>
/// Yahoo's minor-unit currency codes (R12): prices of London stocks come in <c>GBp</c> (pence), Johannesburg in
/// <c>ZAc</c> (cents) and Tel Aviv in <c>ILA</c> (agorot), each 0.01 of the major currency. The parser copies
/// <c>meta.currency</c> verbatim; this is for code that must compare or convert amounts (dividends may be quoted in
/// the major unit while prices are in the minor one, docs/yahoo-chart-api.md §4.11).
/// </summary>
public static class YahooCurrencyUnits
{
    /// <summary>
    /// The major currency and the factor that turns an amount in <paramref name="currency"/> into it: ("GBP", 0.01)
    /// for "GBp", the code itself and 1 for anything else. Case-sensitive: "GBP" is pounds, "GBp" is pence.
    /// </summary>
    public static (string? MajorCurrency, double Factor) ToMajor(string? currency) => currency switch
    {
        "GBp" => ("GBP", 0.01),
        "ZAc" => ("ZAR", 0.01),
        "ILA" => ("ILS", 0.01),
        _ => (currency, 1.0),
    };

    /// <summary>True for the minor-unit codes Yahoo uses (<c>GBp</c>, <c>ZAc</c>, <c>ILA</c>).</summary>
    public static bool IsMinorUnit(string? currency) => ToMajor(currency).Factor != 1.0;
}
