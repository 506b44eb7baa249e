using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace StockData.YahooSim.Chart;

/// <summary>Yahoo's error bodies (docs/yahoo-chart-api.md §3), byte for byte where a recording exists.</summary>
internal static class YahooErrors
{
    /// <summary>The recorded 404 body of a delisted or unknown symbol (fixture si-404-not-found.json).</summary>
    public static readonly ChartBody NotFound = new(404, ChartBody.Json,
        "{\"chart\":{\"result\":null,\"error\":{\"code\":\"Not Found\",\"description\":\"No data found, symbol may be delisted\"}}}"u8.ToArray());

    public static readonly ChartBody TooManyRequests = new(429, "text/plain;charset=utf-8", "Too Many Requests"u8.ToArray());

    public static readonly ChartBody InternalServerError = new(500, "text/plain;charset=utf-8", "Internal Server Error"u8.ToArray());

    /// <summary>Yahoo's outage page says "Will be right back" (yfinance history.py).</summary>
    public static readonly ChartBody ServiceUnavailable = new(503, "text/html;charset=utf-8", Encoding.UTF8.GetBytes(
        "<!DOCTYPE html><html><head><title>Yahoo</title></head><body><p>Will be right back...</p>" +
        "<p>Thank you for your patience. Our engineers are working quickly to resolve the issue.</p></body></html>"));

    public static ChartBody BadRequest(string description) => Error(400, "Bad Request", description);

    public static ChartBody Unprocessable(string description) => Error(422, "Unprocessable Entity", description);

    private static ChartBody Error(int status, string code, string description)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("chart");
            writer.WriteNull("result");
            writer.WriteStartObject("error");
            writer.WriteString("code", code);
            writer.WriteString("description", description);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return new ChartBody(status, ChartBody.Json, buffer.WrittenSpan.ToArray());
    }
}
