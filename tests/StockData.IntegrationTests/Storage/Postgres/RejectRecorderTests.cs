using Microsoft.Extensions.DependencyInjection;
using StockData.IntegrationTests.Infrastructure;
using StockData.Storage.Postgres;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Storage.Postgres;

/// <summary>
/// A batch of rejects (the write stage's one round trip) leaves the tables exactly as recording them one by one does:
/// every reject row in order, the symbol's last status and error, a failure count per repeated symbol and interval.
/// </summary>
public sealed class RejectRecorderTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Reject[] Rejects =
    [
        new("AAA", "1d", "server_error", "503 after retries", null),
        new("BBB", "1d", "not_found", "No data found, symbol may be delisted", null),
        new("AAA", "1d", "rate_limited", new string('x', RejectRecorder.MaxDetailLength + 500), null),
        new("CCC", null, "bad_request", "range before 1m history", null),
    ];

    [Fact]
    public async Task RecordAsync_ABatch_SameTablesAsOneByOne()
    {
        postgres.EnsureAvailable();
        await using var batched = await WriterScope.CreateAsync(postgres);
        await using var oneByOne = await WriterScope.CreateAsync(postgres);

        await new RejectRecorder(batched.DataSource, batched.Services.GetRequiredService<SchemaSql>()).RecordAsync(Rejects, Ct);
        var single = new RejectRecorder(oneByOne.DataSource, oneByOne.Services.GetRequiredService<SchemaSql>());
        foreach (var r in Rejects)
        {
            await single.RecordAsync(r.Symbol, r.Interval, r.Category, r.Detail, r.JobItemId, Ct);
        }

        var expected = await TablesAsync(oneByOne);
        Assert.Equal(expected, await TablesAsync(batched));
        // What one by one gives, spelled out: the later error wins the symbol's status, the failures add up.
        Assert.Contains("AAA|failing|2", expected.Symbols, StringComparison.Ordinal);
        Assert.Contains("BBB|not_found|1", expected.Symbols, StringComparison.Ordinal);
        Assert.Contains("CCC|failing|", expected.Symbols, StringComparison.Ordinal);
        Assert.Equal(RejectRecorder.MaxDetailLength, await batched.CountAsync("SELECT max(length(detail))::bigint FROM fetch_rejects"));
    }

    private static async Task<(string Rejects, string Symbols)> TablesAsync(WriterScope scope) =>
        (await scope.ScalarAsync<string>(
            "SELECT string_agg(concat_ws('|', symbol, coalesce(interval, '-'), category, md5(detail), coalesce(job_item_id, -1)), ';' ORDER BY id) FROM fetch_rejects"),
         await scope.ScalarAsync<string>(
            "SELECT string_agg(concat_ws('|', s.symbol, s.status, coalesce(i.consecutive_failures::text, ''), md5(s.last_error)), ';' ORDER BY s.symbol) " +
            "FROM symbols s LEFT JOIN symbol_intervals i ON i.symbol = s.symbol"));
}
