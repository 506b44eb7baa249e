using Microsoft.AspNetCore.Http;

namespace StockData.Pipeline.Http;

/// <summary>
/// JSON or CSV: <c>format=csv</c> or <c>format=json</c> when given (a link that pandas' <c>read_csv</c> can open needs no
/// header), else <c>Accept: text/csv</c> as on the bars endpoints; JSON by default.
/// </summary>
internal static class TableFormat
{
    public const string CsvContentType = "text/csv; charset=utf-8";

    public static bool TryRead(HttpRequest request, out bool csv, out IResult problem)
    {
        problem = Results.Empty;
        var format = request.Query["format"].ToString();
        csv = format.Length == 0
            ? request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase)
            : string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase);
        if (format.Length > 0 && !csv && !string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            problem = ParameterProblem.For("format", $"'{format}' is not json or csv");
            return false;
        }

        return true;
    }
}
