using System.Text.Json;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Cli;

/// <summary><c>stockdata yahoo parse</c> run as the built binary on the recorded fixtures and on bodies written here.</summary>
[Collection(ProcessCollection.Name)]
public sealed class YahooParseCommandTests : IDisposable
{
    private readonly string _tempDir = Directory.CreateTempSubdirectory("stockdata-parse-").FullName;

    public void Dispose() => Directory.Delete(_tempDir, recursive: true);

    [Fact]
    public async Task YahooParse_DailyFixture_PrintsBarsEventsAndExit0()
    {
        var (result, root) = await ParseAsync(Fixture("aapl-1d-2020-08-31_2020-11-06-split-4to1-dividend.json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(("AAPL", "1d", "USD", "EQUITY", "America/New_York"), (root.GetProperty("symbol").GetString(),
            root.GetProperty("interval").GetString(), root.GetProperty("currency").GetString(),
            root.GetProperty("instrument_type").GetString(), root.GetProperty("exchange_timezone").GetString()));
        var bars = root.GetProperty("bars");
        Assert.Equal(49, bars.GetArrayLength());
        Assert.Equal(1598880600, bars[0].GetProperty("t").GetInt64());
        Assert.Equal("2020-08-31T13:30:00Z", bars[0].GetProperty("utc").GetString());
        Assert.Equal("2020-08-31", bars[0].GetProperty("local_date").GetString());
        Assert.Equal(129.0399932861328, bars[0].GetProperty("close").GetDouble());
        Assert.Equal("2020-11-06", bars[48].GetProperty("local_date").GetString());
        Assert.Equal(114457900, bars[48].GetProperty("volume").GetInt64());
        var split = Assert.Single(root.GetProperty("splits").EnumerateArray());
        Assert.Equal(("2020-08-31", 4.0, 1.0), (split.GetProperty("ex_date").GetString(), split.GetProperty("numerator").GetDouble(),
            split.GetProperty("denominator").GetDouble()));
        Assert.Equal(0.205, Assert.Single(root.GetProperty("dividends").EnumerateArray()).GetProperty("amount").GetDouble());
        Assert.Equal(0, root.GetProperty("capital_gains").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task YahooParse_IntradayWithPeriod2_DropsAllNullAndAfterPeriod2Rows()
    {
        var (result, root) = await ParseAsync(Fixture("aapl-1m-2024-10-02-allnull-row-and-bar-after-period2.json"),
            "--interval", "1m", "--period2", "1727913600");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("1m", root.GetProperty("interval").GetString());
        Assert.Equal(389, root.GetProperty("bars").GetArrayLength());
        var dropped = root.GetProperty("dropped_rows").EnumerateArray()
            .Select(d => (d.GetProperty("index").GetInt32(), d.GetProperty("t").GetInt64(), d.GetProperty("reason").GetString()))
            .ToList();
        Assert.Equal([(105, 1727882100L, "all_null"), (390, 1727985600L, "after_period2")], dropped);
    }

    [Fact]
    public async Task YahooParse_IntervalOmitted_TakenFromTheBody()
    {
        var (result, root) = await ParseAsync(Fixture("vfinx-3mo-range-max-since-1985-mutualfund.json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("3mo", root.GetProperty("interval").GetString());
        Assert.Equal(164, root.GetProperty("bars").GetArrayLength());
        Assert.Equal(21, root.GetProperty("capital_gains").GetArrayLength());
        Assert.Equal("1980-06-27", root.GetProperty("dividends")[0].GetProperty("ex_date").GetString());
    }

    [Fact]
    public async Task YahooParse_NotFoundAt404_ErrorCategoryExit0SymbolFromFileName()
    {
        var (result, root) = await ParseAsync(Fixture("si-404-not-found.json"), "--status", "404");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("si-404-not-found", root.GetProperty("symbol").GetString());
        var error = root.GetProperty("error");
        Assert.Equal("not_found", error.GetProperty("category").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("retry_after_seconds").ValueKind);
        Assert.Contains("delisted", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, root.GetProperty("bars").GetArrayLength());
    }

    [Fact]
    public async Task YahooParse_PlainText429WithRetryAfter_RateLimitedWithSeconds()
    {
        var file = Path.Combine(_tempDir, "AAPL-429.txt");
        await File.WriteAllTextAsync(file, "Too Many Requests");

        var (result, root) = await ParseAsync(file, "--status", "429", "--content-type", "text/plain", "--retry-after", "30",
            "--symbol", "AAPL");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("AAPL", root.GetProperty("symbol").GetString());
        var error = root.GetProperty("error");
        Assert.Equal("rate_limited", error.GetProperty("category").GetString());
        Assert.Equal(30, error.GetProperty("retry_after_seconds").GetInt32());
    }

    [Fact]
    public async Task YahooParse_TruncatedBody_MalformedExit0()
    {
        var bytes = await File.ReadAllBytesAsync(Fixture("msft-1d-2021-02_2022-01-dividends.json"));
        var file = Path.Combine(_tempDir, "MSFT.json");
        await File.WriteAllBytesAsync(file, bytes.AsSpan(0, bytes.Length / 2).ToArray());

        var (result, root) = await ParseAsync(file);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("MSFT", root.GetProperty("symbol").GetString());
        Assert.Equal("malformed", root.GetProperty("error").GetProperty("category").GetString());
        Assert.Equal(0, root.GetProperty("bars").GetArrayLength());
    }

    [Fact]
    public async Task YahooParse_EmptyResponse_NoBarsNoError()
    {
        var (result, root) = await ParseAsync(Fixture("vxapl-index-1d-empty-no-timestamp.json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("^VXAPL", root.GetProperty("symbol").GetString());
        Assert.Equal(0, root.GetProperty("bars").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task YahooParse_MissingFile_UsageErrorExit2()
    {
        var missing = Path.Combine(_tempDir, "no-such-body.json");

        var result = await ProcessRunner.RunStockDataAsync(["yahoo", "parse", missing]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no-such-body.json", result.StandardError, StringComparison.Ordinal);
        Assert.Equal("", result.StandardOutput.Trim());
    }

    [Theory]
    [InlineData("--interval", "2d")]
    [InlineData("--status", "abc")]
    [InlineData("--status", "42")]
    [InlineData("--period2", "soon")]
    [InlineData("--retry-after", "-5")]
    public async Task YahooParse_BadOptionValue_UsageErrorExit2(string option, string value)
    {
        var result = await ProcessRunner.RunStockDataAsync(["yahoo", "parse", Fixture("si-404-not-found.json"), option, value]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(option.TrimStart('-'), result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task YahooParse_NoFileArgument_UsageErrorExit2()
    {
        var result = await ProcessRunner.RunStockDataAsync(["yahoo", "parse"]);

        Assert.Equal(2, result.ExitCode);
    }

    private static string Fixture(string name) => Path.Combine(RepoPaths.YahooFixtures, name);

    private static async Task<(ProcessResult Result, JsonElement Root)> ParseAsync(string file, params string[] options)
    {
        var result = await ProcessRunner.RunStockDataAsync(["yahoo", "parse", file, .. options]);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = JsonDocument.Parse(result.StandardOutput);
        return (result, document.RootElement.Clone());
    }
}
