using StockData.Core;

namespace StockData.Ingest.Sources;

/// <summary>One line of a symbol file: a request to process, or the reason it was skipped.</summary>
public readonly record struct SymbolLine(string Source, int LineNumber, SymbolRequest? Request, string? Error)
{
    /// <summary>The <c>file:line: reason</c> form printed for a skipped line.</summary>
    public override string ToString() => Error is null ? $"{Source}:{LineNumber}: {Request}" : $"{Source}:{LineNumber}: {Error}";
}
