using StockData.TestSupport;

namespace StockData.UnitTests.Architecture;

/// <summary>
/// One fetch service owns "get this symbol's chart for this range": nothing but it (and the Yahoo adapter's own
/// registration) may take the Yahoo client, so every request goes through the limiter, retries and cache.
/// </summary>
public sealed class SingleUpstreamPathTests
{
    private static readonly string[] Allowed =
    [
        "src/StockData.Upstream/Fetching/ChartFetchService.cs",
    ];

    [Fact]
    public void Sources_InjectYahooClientOnlyIntoTheFetchService()
    {
        var offenders = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepoPaths.Root, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Where(f => !f.StartsWith("src/StockData.Yahoo/", StringComparison.Ordinal) && !Allowed.Contains(f))
            .Where(f => File.ReadAllText(Path.Combine(RepoPaths.Root, f)).Contains("IYahooChartClient", StringComparison.Ordinal))
            .ToList();

        Assert.True(offenders.Count == 0, "Only the fetch service may use the Yahoo client: " + string.Join(", ", offenders));
        Assert.Contains("IYahooChartClient", File.ReadAllText(Path.Combine(RepoPaths.Root, Allowed[0])), StringComparison.Ordinal);
    }
}
