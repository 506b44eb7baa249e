using StockData.Core;

namespace StockData.Pipeline.Export;

internal enum ExportFormat
{
    Csv,
    Parquet,
}

/// <summary>One bars file per symbol (<c>bars/1d/AAPL.parquet</c>) or per interval and trade year (<c>bars/1d/2024.parquet</c>).</summary>
internal enum ExportPartition
{
    Symbol,
    Year,
}

/// <summary>
/// A validated <c>stockdata export</c> request. <see cref="Symbols"/> is null with <see cref="All"/> (every symbol the
/// store knows at run time). <see cref="Adjust"/> is the price adjustment applied to bars on the way out (see
/// <see cref="BarAdjustment"/>).
/// </summary>
internal sealed record ExportRequest(
    string OutDirectory,
    bool All,
    IReadOnlyList<string>? Symbols,
    BarInterval Interval,
    DateTimeOffset? From,
    DateTimeOffset? To,
    DateTimeOffset? AsOf,
    ExportFormat Format,
    ExportPartition Partition,
    string Adjust)
{
    public string Extension => Format == ExportFormat.Parquet ? "parquet" : "csv";

    /// <summary>The request as the manifest records it: a rerun into the same directory must ask for the same.</summary>
    public ManifestParameters ToParameters() => new(All, All ? null : Symbols, Interval.Token, Iso(From), Iso(To), Iso(AsOf),
        Extension, Partition == ExportPartition.Year ? "year" : "symbol", Adjust);

    private static string? Iso(DateTimeOffset? value) => value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A bad request: the parameter it names and why; the CLI prints one line and exits 2.</summary>
internal sealed class ExportRequestException(string parameter, string message) : Exception($"{parameter}: {message}")
{
    public string Parameter { get; } = parameter;
}
