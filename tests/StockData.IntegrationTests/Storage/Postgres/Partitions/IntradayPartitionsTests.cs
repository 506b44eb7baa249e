using Microsoft.Extensions.DependencyInjection;
using StockData.IntegrationTests.Infrastructure;
using StockData.Storage.Postgres.Partitions;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Storage.Postgres.Partitions;

/// <summary>Creating partitions ahead is idempotent and safe with several replicas calling at the same moment.</summary>
public sealed class IntradayPartitionsTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly Dictionary<string, TimeSpan> KeepForever = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ensure_TwoReplicasAtOnce_CreateEachPartitionOnce_ThenNothing()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        await using var sibling = scope.Sibling();
        // A month no migration created: years ahead of any clock this runs on.
        var now = new DateTimeOffset(2041, 5, 17, 12, 0, 0, TimeSpan.Zero);
        var mine = scope.Services.GetRequiredService<IntradayPartitions>();
        var theirs = sibling.Services.GetRequiredService<IntradayPartitions>();

        var results = await Task.WhenAll(
            Task.Run(() => mine.EnsureAsync(now, 1, 2, KeepForever, Ct), Ct),
            Task.Run(() => theirs.EnsureAsync(now, 1, 2, KeepForever, Ct), Ct));

        var created = results.SelectMany(r => r.Created).Select(c => (c.Interval, c.Month)).ToList();
        var expected = IntradayPartitions.Intervals
            .SelectMany(i => new[] { new DateOnly(2041, 4, 1), new DateOnly(2041, 5, 1), new DateOnly(2041, 6, 1), new DateOnly(2041, 7, 1) }.Select(m => (i, m)))
            .ToHashSet();
        Assert.Equal(expected.Count, created.Count);
        Assert.Equal(expected, created.ToHashSet());
        Assert.Equal(expected.Count, (int)await scope.CountAsync(
            "SELECT count(*) FROM intraday_partitions WHERE range_from >= '2041-04-01' AND range_from < '2041-08-01'"));

        var again = await mine.EnsureAsync(now, 1, 2, KeepForever, Ct);
        Assert.Empty(again.Created);
        Assert.Empty(again.Defaults);
    }

    [Fact]
    public void Expired_OnlyPartitionsWhollyOlderThanTheIntervalsRetention()
    {
        var now = new DateTimeOffset(2024, 12, 6, 0, 0, 0, TimeSpan.Zero);
        MonthPartition Month(string interval, int month) => new(interval, $"p_{interval}_{month}",
            new DateTimeOffset(2024, month, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2024, month + 1, 1, 0, 0, 0, TimeSpan.Zero), 0);
        var partitions = new[] { Month("1m", 8), Month("1m", 9), Month("1m", 10), Month("1m", 11), Month("5m", 8) };

        // 1m kept 40 days: the cut-off is 2024-10-27, so September (ends 10-01) goes and October (ends 11-01) stays.
        var expired = IntradayPartitions.Expired(partitions, new Dictionary<string, TimeSpan> { ["1m"] = TimeSpan.FromDays(40) }, now);

        Assert.Equal(["p_1m_8", "p_1m_9"], expired.Select(p => p.Name));
    }
}
