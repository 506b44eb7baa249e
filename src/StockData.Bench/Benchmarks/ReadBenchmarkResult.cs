using System.Globalization;
using System.Text.Json;

namespace StockData.Bench.Benchmarks;

/// <summary>
/// The figures of one <c>bench read</c> run: rows/s per figure (median over the rounds) and each figure's ratio to the
/// reference of its own round (adjusted CSV: to the unadjusted CSV read of its round), median and spread.
/// </summary>
internal sealed record ReadBenchmarkResult(long Rows, int Symbols, int Years, ReadBenchmarkSamples Samples, BenchServer Server)
{
    public const double CsvTarget = 0.7;
    public const double JsonTarget = 0.5;
    public const double ParquetTarget = 0.5;
    public const double AdjustedTarget = 0.8;

    public Spread Copy => Spread.Of(Samples.Copy);

    public Spread Csv => Spread.Of(Samples.Csv);

    public Spread Json => Spread.Of(Samples.Json);

    public Spread CsvAdjusted => Spread.Of(Samples.CsvAdjusted);

    public Spread Parquet => Spread.Of(Samples.Parquet);

    public Spread ExportCsv => Spread.Of(Samples.ExportCsv);

    public Spread ExportFixed => Spread.Of(Samples.ExportFixedSeconds);

    public Spread CsvRatio => Ratio(Samples.Csv, Samples.Copy);

    public Spread JsonRatio => Ratio(Samples.Json, Samples.Copy);

    public Spread ParquetRatio => Ratio(Samples.Parquet, Samples.Copy);

    public Spread ExportCsvRatio => Ratio(Samples.ExportCsv, Samples.Copy);

    public Spread AdjustedRatio => Ratio(Samples.CsvAdjusted, Samples.Csv);

    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["rows"] = Rows,
        ["symbols"] = Symbols,
        ["years"] = Years,
        ["rounds"] = Samples.Copy.Count,
        ["copy_rows_per_s"] = Math.Round(Copy.Median),
        ["csv_rows_per_s"] = Math.Round(Csv.Median),
        ["json_rows_per_s"] = Math.Round(Json.Median),
        ["csv_adjusted_rows_per_s"] = Math.Round(CsvAdjusted.Median),
        ["parquet_rows_per_s"] = Math.Round(Parquet.Median),
        ["export_csv_rows_per_s"] = Math.Round(ExportCsv.Median),
        ["export_one_symbol_s"] = Math.Round(ExportFixed.Median, 3),
        ["csv_to_copy"] = Math.Round(CsvRatio.Median, 3),
        ["json_to_copy"] = Math.Round(JsonRatio.Median, 3),
        ["parquet_to_copy"] = Math.Round(ParquetRatio.Median, 3),
        ["export_csv_to_copy"] = Math.Round(ExportCsvRatio.Median, 3),
        ["csv_adjusted_to_csv"] = Math.Round(AdjustedRatio.Median, 3),
        ["spread"] = new Dictionary<string, object>
        {
            ["copy_rows_per_s"] = Copy.ToJson(0),
            ["csv_rows_per_s"] = Csv.ToJson(0),
            ["json_rows_per_s"] = Json.ToJson(0),
            ["csv_adjusted_rows_per_s"] = CsvAdjusted.ToJson(0),
            ["parquet_rows_per_s"] = Parquet.ToJson(0),
            ["export_csv_rows_per_s"] = ExportCsv.ToJson(0),
            ["export_one_symbol_s"] = ExportFixed.ToJson(3),
            ["csv_to_copy"] = CsvRatio.ToJson(3),
            ["json_to_copy"] = JsonRatio.ToJson(3),
            ["parquet_to_copy"] = ParquetRatio.ToJson(3),
            ["export_csv_to_copy"] = ExportCsvRatio.ToJson(3),
            ["csv_adjusted_to_csv"] = AdjustedRatio.ToJson(3),
        },
        ["targets"] = new Dictionary<string, object>
        {
            ["csv_to_copy"] = CsvTarget,
            ["json_to_copy"] = JsonTarget,
            ["parquet_to_copy"] = ParquetTarget,
            ["csv_adjusted_to_csv"] = AdjustedTarget,
        },
        ["server"] = Server.ToJson(),
    });

    public string ToTable() => string.Join('\n',
        $"server: {Server}",
        string.Create(CultureInfo.InvariantCulture, $"rows per read              {Rows,12:N0}   ({Symbols} symbols x {Years} years, {Samples.Copy.Count} rounds)"),
        Line("reference (copy to stdout)", Copy, null, null),
        Line("GET /bars CSV", Csv, CsvRatio, $"of reference, target >= {CsvTarget}"),
        Line("GET /bars JSON", Json, JsonRatio, $"of reference, target >= {JsonTarget}"),
        Line("GET /bars CSV adjust=all", CsvAdjusted, AdjustedRatio, $"of unadjusted CSV, target >= {AdjustedTarget}"),
        Line("export --format parquet", Parquet, ParquetRatio, $"of reference, target >= {ParquetTarget}"),
        Line("export --format csv", ExportCsv, ExportCsvRatio, "of reference"),
        string.Create(CultureInfo.InvariantCulture,
            $"one-symbol export (s)      {ExportFixed.Median,12:0.000}        ({ExportFixed.Min:0.000}–{ExportFixed.Max:0.000}; the part of an export that does not grow with rows)"));

    private static string Line(string name, Spread rate, Spread? ratio, string? what) => string.Create(CultureInfo.InvariantCulture,
        $"{name,-27}{rate.Median,12:N0} rows/s ({rate.Min:N0}–{rate.Max:N0})") +
        (ratio is { } r ? string.Create(CultureInfo.InvariantCulture, $"   {r.Median:0.000}x ({r.Min:0.000}–{r.Max:0.000}) {what}") : "");

    private static Spread Ratio(List<double> figure, List<double> reference) => Spread.Of(figure.Zip(reference, (f, c) => f / c));
}
