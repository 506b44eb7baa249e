using StockData.IntegrationTests.Daemon;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Cli;

/// <summary><c>stockdata bars</c> as the built binary over a split the writer stored: CSV when redirected, bad input.</summary>
[Collection(ProcessCollection.Name)]
public class BarsCommandProcessTests(PostgresFixture postgres, RedisFixture redis) : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Bars_RedirectedCsv_AdjustAndAsOf_BadInputExitsTwoWithOneLine()
    {
        postgres.EnsureAvailable();
        var harness = new DaemonHarness(postgres, redis, null);
        await using var scope = await WriterScope.CreateAsync(postgres, schema: harness.Schema);
        var story = await SplitStory.WriteAsync(scope.Writer, () => DaemonBarsAdjustTests.ClockAsync(harness), Ct);
        var between = DaemonBarsAdjustTests.Iso(story.AfterSplitBeforeRefetch);

        var plain = await harness.CliAsync("bars", "--symbol", "spl");
        var heldSplits = await harness.CliAsync("bars", "--symbol", SplitStory.Symbol, "--as-of", between, "--adjust", "splits");
        var heldPlain = await harness.CliAsync("bars", "--symbol", SplitStory.Symbol, "--as-of", between);
        var all = await harness.CliAsync("bars", "--symbol", SplitStory.Symbol, "--adjust", "all", "--from", "2024-01-03", "--to", "2024-01-05");
        var badAdjust = await harness.CliAsync("bars", "--symbol", SplitStory.Symbol, "--adjust", "dividends");
        var unknown = await harness.CliAsync("bars", "--symbol", "NOPE");
        var future = await harness.CliAsync("bars", "--symbol", SplitStory.Symbol, "--as-of", "2999-01-01");
        var inverted = await harness.CliAsync("bars", "--symbol", SplitStory.Symbol, "--from", "2024-02-01", "--to", "2024-01-01");

        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Equal(story.Restated, DaemonBarsAdjustTests.CsvBars(plain.StandardOutput));
        Assert.StartsWith("SPL,1d,2024-01-02T14:30:00Z,2024-01-02,100,", plain.StandardOutput.Split('\n')[1], StringComparison.Ordinal);
        Assert.True(heldSplits.ExitCode == 0, heldSplits.ToString());
        Assert.Equal(story.Restated, DaemonBarsAdjustTests.CsvBars(heldSplits.StandardOutput));
        Assert.Equal([.. story.Raw[..4], .. story.Restated[4..]], DaemonBarsAdjustTests.CsvBars(heldPlain.StandardOutput));
        Assert.True(all.ExitCode == 0, all.ToString());
        SplitStory.AssertClose(story.DividendAdjusted(story.Restated)[1..4], DaemonBarsAdjustTests.CsvBars(all.StandardOutput));
        foreach (var (result, message) in new[]
                 {
                     (badAdjust, "stockdata: --adjust: 'dividends' is not one of none, splits, all"),
                     (future, "stockdata: --as-of: is in the future"),
                     (inverted, "stockdata: --from: must not be after --to"),
                 })
        {
            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Empty(result.StandardOutput);
            var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith(message, line, StringComparison.Ordinal);
        }

        // Found out in the store, after the verb's usual migration step (which logs its one line first).
        Assert.True(unknown.ExitCode == 2, unknown.ToString());
        Assert.Empty(unknown.StandardOutput);
        Assert.Equal("stockdata: --symbol: NOPE is not in the store", unknown.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        Assert.Single(unknown.StandardError.Split('\n'), l => l.StartsWith("stockdata:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bars_OnATerminal_PrintsATable()
    {
        postgres.EnsureAvailable();
        var harness = new DaemonHarness(postgres, redis, null);
        await using var scope = await WriterScope.CreateAsync(postgres, schema: harness.Schema);
        var story = await SplitStory.WriteAsync(scope.Writer, () => DaemonBarsAdjustTests.ClockAsync(harness), Ct);
        // script(1) (util-linux, in every Debian) gives the verb a pseudo-terminal, wide enough that no cell wraps.
        var command = $"stty cols 200; {RepoPaths.StockDataShellCommand} bars --symbol {SplitStory.Symbol} --adjust splits";
        // Not through harness.CliAsync, so wait here, as it does, until a standby (the WithStandby run) has replayed the
        // story: read before, it held the bars but not yet the split.
        await postgres.CatchUpAsync();

        var result = await ProcessRunner.RunAsync("script", ["-qec", command, "/dev/null"], harness.Environment("cli"),
            TimeSpan.FromMinutes(2), standardInput: "", cancellationToken: Ct);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("symbol,interval,ts", result.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"│ DATE +│ TIME \(UTC\) +│ +OPEN │", result.StandardOutput);
        var rows = result.StandardOutput.Split('\n').Where(l => l.Contains("│ 2024-01-", StringComparison.Ordinal)).ToList();
        Assert.Equal(story.Restated.Length, rows.Count);
        // Wednesday's close in new shares (402 / 4), volume multiplied by 4.
        Assert.Matches(@"│ 2024-01-03 │ 14:30:00 +│ +100\.25 │ +100\.75 │ +100 │ +100\.5 │ +100\.375 │ +4,004 │", rows[1]);
    }
}
