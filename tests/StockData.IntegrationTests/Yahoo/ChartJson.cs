using System.Text.Json;

namespace StockData.IntegrationTests.Yahoo;

/// <summary>Test-side reading of a chart body with JsonDocument (the product parser is tested on its own).</summary>
internal sealed class ChartJson
{
    private ChartJson(JsonElement result)
    {
        Result = result;
        Meta = result.GetProperty("meta");
        var quote = result.GetProperty("indicators").GetProperty("quote")[0];
        Timestamps = result.TryGetProperty("timestamp", out var ts) ? [.. ts.EnumerateArray().Select(t => t.GetInt64())] : [];
        Open = Doubles(quote, "open");
        High = Doubles(quote, "high");
        Low = Doubles(quote, "low");
        Close = Doubles(quote, "close");
        Volume = quote.TryGetProperty("volume", out var v) ? [.. v.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Null ? (long?)null : x.GetInt64())] : [];
        AdjClose = result.GetProperty("indicators").TryGetProperty("adjclose", out var adj) && adj[0].TryGetProperty("adjclose", out var a)
            ? [.. a.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Null ? (double?)null : x.GetDouble())]
            : [];
    }

    public JsonElement Result { get; }

    public JsonElement Meta { get; }

    public long[] Timestamps { get; }

    public double?[] Open { get; }

    public double?[] High { get; }

    public double?[] Low { get; }

    public double?[] Close { get; }

    public long?[] Volume { get; }

    public double?[] AdjClose { get; }

    public string MetaString(string name) => Meta.GetProperty(name).GetString()!;

    public IEnumerable<JsonProperty> Events(string kind) =>
        Result.TryGetProperty("events", out var events) && events.TryGetProperty(kind, out var map) ? map.EnumerateObject() : [];

    public int IndexOf(long timestamp) => Array.IndexOf(Timestamps, timestamp);

    public static ChartJson Parse(ReadOnlyMemory<byte> body)
    {
        using var document = JsonDocument.Parse(body);
        return new ChartJson(document.RootElement.GetProperty("chart").GetProperty("result")[0].Clone());
    }

    private static double?[] Doubles(JsonElement quote, string name) =>
        quote.TryGetProperty(name, out var array)
            ? [.. array.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Null ? (double?)null : x.GetDouble())]
            : [];
}
