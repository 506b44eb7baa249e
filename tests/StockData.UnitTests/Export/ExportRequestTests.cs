using Microsoft.Extensions.Time.Testing;
using StockData.Pipeline.Cli;
using StockData.Pipeline.Export;

namespace StockData.UnitTests.Export;

public sealed class ExportRequestTests
{
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));

    private static ExportRequest Parse(string? symbols = null, bool all = true, string? from = null, string? to = null, string? asOf = null) =>
        ExportCommand.Parse("out", symbols, all, "1d", from, to, asOf, "parquet", "symbol", "none", Time);

    [Theory]
    [InlineData(null, false, null, null, null, "--symbols")]
    [InlineData("x.txt", true, null, null, null, "--symbols")]
    [InlineData(null, true, "2024-02-01", "2024-01-01", null, "--from")]
    [InlineData(null, true, null, null, "2026-12-07", "--as-of")]
    [InlineData(null, true, "yesterday", null, null, "--from")]
    [InlineData("/nonexistent/symbols.txt", false, null, null, null, "--symbols")]
    public void BadRequest_NamesTheOption(string? symbols, bool all, string? from, string? to, string? asOf, string option)
    {
        var error = Assert.Throws<ExportRequestException>(() => Parse(symbols, all, from, to, asOf));
        Assert.Equal(option, error.Parameter);
    }

    [Fact]
    public void SymbolFile_CommentsDuplicatesAndExtraColumns_Normalized()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file, ["# mine", "aapl", "MSFT 1d 2020-01-01", "", "AAPL  # again", "7203.t,1d"]);
            var request = Parse(file, all: false, from: "2024-01-01", to: "2024-01-01");
            Assert.Equal(["AAPL", "MSFT", "7203.T"], request.Symbols);
            Assert.Equal(request.From, request.To);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Parameters_SameRequest_SameParameters_OtherSymbols_Differ()
    {
        var a = new ExportRequest("a", false, ["AAPL", "MSFT"], StockData.Core.BarInterval.Daily, null, null, null, ExportFormat.Csv, ExportPartition.Symbol, "none");
        var b = a with { OutDirectory = "b", Symbols = ["AAPL", "MSFT"] };
        Assert.True(a.ToParameters().SameAs(b.ToParameters()));
        Assert.False(a.ToParameters().SameAs((a with { Symbols = ["AAPL"] }).ToParameters()));
        Assert.False(a.ToParameters().SameAs((a with { Format = ExportFormat.Parquet }).ToParameters()));
    }

    [Theory]
    [InlineData("AAPL", "AAPL")]
    [InlineData("^GSPC", "^GSPC")]
    [InlineData("EURUSD=X", "EURUSD=X")]
    [InlineData("A/B", "A_B")]
    public void SafeName_KeepsYahooCharacters(string symbol, string expected) => Assert.Equal(expected, Exporter.SafeName(symbol));
}
