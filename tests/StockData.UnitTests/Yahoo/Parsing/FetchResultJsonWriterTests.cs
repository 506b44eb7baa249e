using System.Text;
using System.Text.Json;
using StockData.Core;
using StockData.Yahoo.Parsing;

namespace StockData.UnitTests.Yahoo.Parsing;

public sealed class FetchResultJsonWriterTests
{
    [Fact]
    public void Write_Success_PropertiesInContractOrderWithTypedValues()
    {
        var result = ChartParserFixtureTests.Parse("aapl-1d-2020-08-31_2020-11-06-split-4to1-dividend.json", 200, "1d");

        using var document = JsonDocument.Parse(Write(result));
        var root = document.RootElement;

        Assert.Equal(
            ["symbol", "interval", "currency", "instrument_type", "exchange_timezone", "bars", "dividends", "splits", "capital_gains", "dropped_rows", "error"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("AAPL", "1d", "USD", "EQUITY", "America/New_York"), (root.GetProperty("symbol").GetString(),
            root.GetProperty("interval").GetString(), root.GetProperty("currency").GetString(),
            root.GetProperty("instrument_type").GetString(), root.GetProperty("exchange_timezone").GetString()));
        var bar = root.GetProperty("bars")[0];
        Assert.Equal(["t", "utc", "local_date", "open", "high", "low", "close", "adj_close", "volume"], bar.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1598880600, bar.GetProperty("t").GetInt64());
        Assert.Equal("2020-08-31T13:30:00Z", bar.GetProperty("utc").GetString());
        Assert.Equal("2020-08-31", bar.GetProperty("local_date").GetString());
        Assert.Equal(127.58000183105469, bar.GetProperty("open").GetDouble());
        Assert.Equal(125.82673645019531, bar.GetProperty("adj_close").GetDouble());
        Assert.Equal(225702700, bar.GetProperty("volume").GetInt64());
        Assert.Equal(49, root.GetProperty("bars").GetArrayLength());
        var split = root.GetProperty("splits")[0];
        Assert.Equal(["t", "ex_date", "numerator", "denominator"], split.EnumerateObject().Select(p => p.Name));
        Assert.Equal((1598880600, "2020-08-31", 4.0, 1.0), (split.GetProperty("t").GetInt64(), split.GetProperty("ex_date").GetString(),
            split.GetProperty("numerator").GetDouble(), split.GetProperty("denominator").GetDouble()));
        var dividend = root.GetProperty("dividends")[0];
        Assert.Equal(["t", "ex_date", "amount"], dividend.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.205, dividend.GetProperty("amount").GetDouble());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("error").ValueKind);
        Assert.Equal(0, root.GetProperty("dropped_rows").GetArrayLength());
    }

    [Fact]
    public void Write_NullAdjCloseVolumeAndDroppedRows_WrittenAsNullAndObjects()
    {
        var result = ChartParserFixtureTests.Parse("aapl-1m-2024-10-02-allnull-row-and-bar-after-period2.json", 200, "1m", 1727913600);

        using var document = JsonDocument.Parse(Write(result));
        var root = document.RootElement;

        Assert.Equal(JsonValueKind.Null, root.GetProperty("bars")[0].GetProperty("adj_close").ValueKind);
        var dropped = root.GetProperty("dropped_rows");
        Assert.Equal(2, dropped.GetArrayLength());
        Assert.Equal(["index", "t", "reason"], dropped[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal((105, 1727882100, "all_null"), (dropped[0].GetProperty("index").GetInt32(), dropped[0].GetProperty("t").GetInt64(),
            dropped[0].GetProperty("reason").GetString()));
        Assert.Equal("after_period2", dropped[1].GetProperty("reason").GetString());
    }

    [Fact]
    public void Write_RateLimited_ErrorObjectWithRetryAfterSeconds()
    {
        var result = ChartParser.Parse("Too Many Requests"u8, new ChartResponseInfo(429) { Symbol = "AAPL", RetryAfter = TimeSpan.FromSeconds(30) });

        using var document = JsonDocument.Parse(Write(result));
        var root = document.RootElement;

        var error = root.GetProperty("error");
        Assert.Equal(["category", "retry_after_seconds", "message"], error.EnumerateObject().Select(p => p.Name));
        Assert.Equal("rate_limited", error.GetProperty("category").GetString());
        Assert.Equal(30, error.GetProperty("retry_after_seconds").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("currency").ValueKind);
        Assert.Equal(0, root.GetProperty("bars").GetArrayLength());
        Assert.Equal("AAPL", root.GetProperty("symbol").GetString());
    }

    [Fact]
    public void Write_FractionalRetryAfterAndNoRetryAfter_NumberOrNull()
    {
        var fractional = ChartParser.Parse(""u8, new ChartResponseInfo(429) { RetryAfter = TimeSpan.FromSeconds(1.5) });
        var none = ChartParser.Parse("<html/>"u8, new ChartResponseInfo(503));

        using var first = JsonDocument.Parse(Write(fractional));
        using var second = JsonDocument.Parse(Write(none));

        Assert.Equal(1.5, first.RootElement.GetProperty("error").GetProperty("retry_after_seconds").GetDouble());
        Assert.Equal(JsonValueKind.Null, second.RootElement.GetProperty("error").GetProperty("retry_after_seconds").ValueKind);
        Assert.Equal("server_error", second.RootElement.GetProperty("error").GetProperty("category").GetString());
    }

    [Fact]
    public void Write_MessageWithQuotesAndApostrophes_ReadableAndValidJson()
    {
        var result = ChartParserFixtureTests.Parse("beke-400-bad-request-before-listing.json", 400, "1d");

        var text = Write(result);

        Assert.Contains("Data doesn't exist", text, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(text);
        Assert.Equal("bad_request", document.RootElement.GetProperty("error").GetProperty("category").GetString());
    }

    [Fact]
    public void Write_NegativeEpochBar_UtcBefore1970()
    {
        var result = new ChartJson().Bar(-1325583000, 17.66).Parse();

        using var document = JsonDocument.Parse(Write(result));
        var bar = document.RootElement.GetProperty("bars")[0];

        Assert.Equal(-1325583000, bar.GetProperty("t").GetInt64());
        Assert.Equal("1927-12-30T14:30:00Z", bar.GetProperty("utc").GetString());
        Assert.Equal("1927-12-30", bar.GetProperty("local_date").GetString());
    }

    [Fact]
    public void Write_ToStream_OneLineEndingInNewline()
    {
        var result = new ChartJson().Bar(1700000000).Parse();
        using var stream = new MemoryStream();

        FetchResultJsonWriter.Write(stream, result);

        var text = Encoding.UTF8.GetString(stream.ToArray());
        Assert.EndsWith("}\n", text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static string Write(FetchResult result)
    {
        using var stream = new MemoryStream();
        FetchResultJsonWriter.Write(stream, result);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
