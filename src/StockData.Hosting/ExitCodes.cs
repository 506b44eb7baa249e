namespace StockData.Hosting;

/// <summary>The process exit codes every verb uses.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The work ran but something failed (a symbol, a dependency).</summary>
    public const int Failed = 1;

    /// <summary>Usage or configuration error: nothing was done.</summary>
    public const int Usage = 2;
}
