using System.Globalization;
using System.Text;
using StockData.Core;
using StockData.Yahoo.Parsing;

namespace StockData.UnitTests.Yahoo.Parsing;

/// <summary>
/// Builds small chart bodies for the rule tests. Cells are raw JSON tokens so that a test can put anything in
/// them (<c>null</c>, <c>"NaN"</c>, a bare <c>NaN</c>); <see cref="Row(long, double?, double?, double?, double?, long?, double?)"/>
/// covers the usual numeric case. Parts can be replaced wholesale to break the shape on purpose.
/// </summary>
internal sealed class ChartJson
{
    private readonly List<string[]> _rows = [];
    private readonly Dictionary<string, string> _meta = new(StringComparer.Ordinal);

    public ChartJson(string timeZone = "America/New_York", string granularity = "1d")
    {
        _meta["currency"] = Str("USD");
        _meta["symbol"] = Str("TEST");
        _meta["exchangeName"] = Str("NMS");
        _meta["instrumentType"] = Str("EQUITY");
        _meta["firstTradeDate"] = "345479400";
        _meta["regularMarketTime"] = "1727985601";
        _meta["gmtoffset"] = "-14400";
        _meta["timezone"] = Str("EDT");
        _meta["exchangeTimezoneName"] = Str(timeZone);
        _meta["currentTradingPeriod"] =
            """{"pre":{"timezone":"EDT","start":1728028800,"end":1728048600,"gmtoffset":-14400},"regular":{"timezone":"EDT","start":1728048600,"end":1728072000,"gmtoffset":-14400},"post":{"timezone":"EDT","start":1728072000,"end":1728086400,"gmtoffset":-14400}}""";
        _meta["dataGranularity"] = Str(granularity);
    }

    /// <summary>Whether indicators carries an adjclose block (daily responses do, intraday ones do not).</summary>
    public bool WithAdjClose { get; set; } = true;

    /// <summary>Raw JSON for <c>events</c>, or null for none.</summary>
    public string? Events { get; set; }

    /// <summary>Raw JSON replacing the generated <c>timestamp</c> value; <see cref="Absent"/> leaves the key out.</summary>
    public string? Timestamp { get; set; }

    /// <summary>Raw JSON replacing the generated <c>quote[0]</c> object.</summary>
    public string? Quote { get; set; }

    /// <summary>Raw JSON replacing the generated <c>adjclose[0]</c> object.</summary>
    public string? AdjCloseBlock { get; set; }

    /// <summary>Raw JSON members added to every object level (the unknown-fields rule).</summary>
    public string? Extra { get; set; }

    public const string Absent = "<absent>";

    public ChartJson Meta(string key, string rawJson)
    {
        _meta[key] = rawJson;
        return this;
    }

    public ChartJson WithoutMeta(string key)
    {
        _meta.Remove(key);
        return this;
    }

    public ChartJson Row(long t, double? open, double? high, double? low, double? close, long? volume = 1000, double? adjClose = null) =>
        RawRow(t, Num(open), Num(high), Num(low), Num(close), volume?.ToString(CultureInfo.InvariantCulture) ?? "null",
            Num(adjClose ?? close));

    /// <summary>A plain valid row: all four prices equal to <paramref name="price"/>.</summary>
    public ChartJson Bar(long t, double price = 100, long? volume = 1000) => Row(t, price, price, price, price, volume);

    public ChartJson RawRow(long t, string open, string high, string low, string close, string volume = "1000", string adjClose = "1")
    {
        _rows.Add([t.ToString(CultureInfo.InvariantCulture), open, high, low, close, volume, adjClose]);
        return this;
    }

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(ToString());

    /// <summary>Parses this body as a response to a request for <paramref name="interval"/>.</summary>
    public FetchResult Parse(string interval = "1d", int status = 200, long? period2 = null) =>
        ChartParser.Parse(ToBytes(), new ChartResponseInfo(status) { Interval = BarInterval.Parse(interval), Symbol = "TEST", Period2 = period2 });

    public override string ToString()
    {
        var extra = Extra is null ? "" : "," + Extra;
        var meta = "{" + string.Join(",", _meta.Select(kv => $"\"{kv.Key}\":{kv.Value}")) + extra + "}";
        var timestamp = Timestamp ?? Column(0);
        var quote = Quote ?? $$"""{"open":{{Column(1)}},"high":{{Column(2)}},"low":{{Column(3)}},"close":{{Column(4)}},"volume":{{Column(5)}}{{extra}}}""";
        var adj = AdjCloseBlock ?? $$"""{"adjclose":{{Column(6)}}{{extra}}}""";
        var indicators = $$"""{"quote":[{{quote}}]{{(WithAdjClose ? $",\"adjclose\":[{adj}]" : "")}}{{extra}}}""";
        var result = new StringBuilder("{\"meta\":").Append(meta);
        if (Timestamp != Absent)
        {
            result.Append(",\"timestamp\":").Append(timestamp);
        }

        if (Events is not null)
        {
            result.Append(",\"events\":").Append(Events);
        }

        result.Append(",\"indicators\":").Append(indicators).Append(extra).Append('}');
        return $$"""{"chart":{"result":[{{result}}],"error":null{{extra}}}{{extra}}}""";
    }

    public static string Str(string value) => "\"" + value + "\"";

    public static string Num(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "null";

    /// <summary>Epoch seconds of an ISO-8601 instant, e.g. <c>2024-10-02T13:30:00Z</c>.</summary>
    public static long Epoch(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture).ToUnixTimeSeconds();

    private string Column(int index) => "[" + string.Join(",", _rows.Select(r => r[index])) + "]";
}
