namespace StockData.Yahoo.Client;

/// <summary>A symbol that cannot be sent to Yahoo (empty, too long, or a character outside the allow-list). No request was made.</summary>
public sealed class InvalidYahooSymbolException : ArgumentException
{
    public InvalidYahooSymbolException()
    {
    }

    public InvalidYahooSymbolException(string message)
        : base(message)
    {
    }

    public InvalidYahooSymbolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InvalidYahooSymbolException(string symbol, string reason)
        : base($"Invalid Yahoo symbol '{YahooSymbol.Printable(symbol)}': {reason}. " +
               $"Allowed: 1-{YahooSymbol.MaxLength} ASCII letters, digits and ^ . - = _ &, with at least one letter or digit.", "symbol")
    {
        Symbol = symbol;
    }

    /// <summary>The rejected symbol, verbatim.</summary>
    public string? Symbol { get; }
}
