using StockData.Bench.Cli;

namespace StockData.UnitTests.Bench.Cli;

/// <summary><c>stockdata-bench read</c>'s options are checked before anything runs: a bad one is a parse error naming it.</summary>
public sealed class BenchReadCommandTests
{
    [Theory]
    [InlineData("--symbols", "0", "--symbols must be between 1 and 100, not 0.")]
    [InlineData("--symbols", "101", "--symbols must be between 1 and 100, not 101.")]
    [InlineData("--years", "0", "--years must be between 1 and 60, not 0.")]
    [InlineData("--rounds", "0", "--rounds must be between 1 and 20, not 0.")]
    [InlineData("--rounds", "21", "--rounds must be between 1 and 20, not 21.")]
    public void BadOption_IsAParseErrorNamingIt(string option, string value, string expected)
    {
        var parse = BenchCommand.Create().Parse(["read", option, value]);

        Assert.Equal([expected], parse.Errors.Select(e => e.Message));
    }

    [Fact]
    public void Defaults_AreTheIssuesSizes_AndGoodValuesParse()
    {
        var parse = BenchCommand.Create().Parse(["read", "--symbols", "3", "--years", "1", "--rounds", "1", "--json"]);
        var defaults = BenchCommand.Create().Parse(["read"]);

        Assert.Empty(parse.Errors);
        Assert.Empty(defaults.Errors);
        Assert.Equal(100, defaults.GetValue<int>("--symbols"));
        Assert.Equal(10, defaults.GetValue<int>("--years"));
        Assert.Equal(3, defaults.GetValue<int>("--rounds"));
        Assert.Equal(3, parse.GetValue<int>("--symbols"));
        Assert.True(parse.GetValue<bool>("--json"));
    }
}
