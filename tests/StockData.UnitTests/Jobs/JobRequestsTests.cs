using StockData.Pipeline.Jobs;
using StockData.Storage.Postgres.Jobs;

namespace StockData.UnitTests.Jobs;

/// <summary>Job requests validated once for the CLI and the HTTP API: each refusal names its parameter.</summary>
public sealed class JobRequestsTests
{
    [Fact]
    public void FromSymbols_Valid_DistinctItemsWithTheDefaults()
    {
        var (submission, error) = JobRequests.FromSymbols(["AAPL", "MSFT", "AAPL"], "1h", "2026-01-01", null, "high");

        Assert.Null(error);
        Assert.Equal(JobPriority.High, submission!.Spec.Priority);
        Assert.Equal("1h", submission.Spec.Interval);
        Assert.Equal(["AAPL", "MSFT"], submission.Items.Select(i => i.Symbol));
        Assert.All(submission.Items, i => Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), i.From));
        Assert.All(submission.Items, i => Assert.Null(i.To));
    }

    [Fact]
    public void FromSymbols_NothingGiven_NormalDailyFromTheWatermark()
    {
        var (submission, _) = JobRequests.FromSymbols(["AAPL"], null, null, null, null);

        Assert.Equal(new JobSpec(JobPriority.Normal, "1d", null, null), submission!.Spec);
    }

    [Theory]
    [InlineData(new string[0], "1d", null, null, null, "symbols")]
    [InlineData(new[] { "../etc/passwd" }, "1d", null, null, null, "symbols")]
    [InlineData(new[] { "AAPL" }, "7x", null, null, null, "interval")]
    [InlineData(new[] { "AAPL" }, "1d", "yesterday", null, null, "from")]
    [InlineData(new[] { "AAPL" }, "1d", null, "soon", null, "to")]
    [InlineData(new[] { "AAPL" }, "1d", "2026-02-01", "2026-01-01", null, "from")]
    [InlineData(new[] { "AAPL" }, "1d", null, null, "low", "priority")]
    [InlineData(new[] { "AAPL" }, "1d", null, null, "urgent", "priority")]
    public void FromSymbols_Invalid_NamesTheParameter(string[] symbols, string? interval, string? from, string? to, string? priority, string parameter)
    {
        var (submission, error) = JobRequests.FromSymbols(symbols, interval, from, to, priority);

        Assert.Null(submission);
        Assert.Equal(parameter, error!.Parameter);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }
}
