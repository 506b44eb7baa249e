using System.Globalization;
using System.Net;
using System.Text.Json;
using StockData.Core;
using StockData.IntegrationTests.Daemon;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;
using static StockData.IntegrationTests.Infrastructure.TestBars;
using static StockData.IntegrationTests.Http.CatalogHttp;

namespace StockData.IntegrationTests.Http;

/// <summary>
/// <c>GET /symbols</c> and <c>GET /symbols/{symbol}</c> of a running worker over what the product's writer stored:
/// coverage per symbol and interval (rows equal to count(*), the stored range, the schedule), JSON and CSV alike, keyed
/// pages that walk every row once, the filters, the metadata, and each bad parameter named in a 400 (404 for an unknown
/// symbol).
/// </summary>
[Collection(ProcessCollection.Name)]
public class SymbolEndpointsTests(PostgresFixture postgres, RedisFixture redis) : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly SymbolMetadata Pence = new("GBp", "EQUITY", "LSE", "Europe/London", new DateTimeOffset(1990, 1, 2, 8, 0, 0, TimeSpan.Zero), null, null);

    [Fact]
    public async Task Symbols_CoverageAndMetadata_JsonCsvPagesFilters_AndBadInput()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        var harness = new DaemonHarness(postgres, redis, null);
        await using var scope = await WriterScope.CreateAsync(postgres, schema: harness.Schema);
        await scope.Writer.WriteAsync(Batch(
            Fetch("VOD.L", Daily(6), events: new FetchEvents(Pence, [], [], [])),
            Fetch("AAA", Daily(4, basePrice: 40)),
            Fetch("AAA", Intraday(3, SessionOpen(Start)), interval: "5m")), Ct);
        await harness.ExecuteAsync("UPDATE symbol_intervals SET next_fetch_at = '2030-01-02T00:00:00Z' WHERE symbol = 'VOD.L'");
        await using var worker = await harness.StartWorkerAsync("symbols", HttpOnly);

        var all = await JsonAsync(worker, "/symbols");
        var items = all.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([("AAA", "1d", 4L), ("AAA", "5m", 3L), ("VOD.L", "1d", 6L)],
            items.Select(i => (i.GetProperty("symbol").GetString(), i.GetProperty("interval").GetString(), i.GetProperty("rows").GetInt64())));
        Assert.Equal(13L, await scope.CountAsync("SELECT (SELECT count(*) FROM daily_bars) + (SELECT count(*) FROM intraday_bars)"));
        Assert.Equal(JsonValueKind.Null, all.GetProperty("next_cursor").ValueKind);
        var vod = items[2];
        Assert.Equal(("2024-01-02", "2024-01-07"), (vod.GetProperty("first_date").GetString(), vod.GetProperty("last_date").GetString()));
        Assert.Equal(("2030-01-02T00:00:00Z", true), (vod.GetProperty("next_fetch_at").GetString(), vod.GetProperty("scheduled").GetBoolean()));
        Assert.Equal((false, JsonValueKind.Null), (items[0].GetProperty("scheduled").GetBoolean(), items[0].GetProperty("next_fetch_at").ValueKind));
        Assert.Equal("active", vod.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, vod.GetProperty("last_success_at").ValueKind);

        // CSV by format=csv and by Accept, the same rows as the JSON.
        var (csv, csvLink) = await CsvAsync(worker, "/symbols?format=csv");
        var (byAccept, _) = await CsvAsync(worker, "/symbols", byAccept: true);
        Assert.Equal(csv, byAccept);
        Assert.Null(csvLink);
        Assert.Equal("symbol,interval,status,first_date,last_date,rows,watermark,last_fetch_at,last_success_at,next_fetch_at,scheduled,consecutive_failures,refetch_pending", csv[0]);
        Assert.Equal(items.Select(i => (i.GetProperty("symbol").GetString(), i.GetProperty("rows").GetInt64().ToString(CultureInfo.InvariantCulture))),
            csv[1..].Select(l => l.Split(',')).Select(f => ((string?)f[0], f[5])));
        Assert.StartsWith("VOD.L,1d,active,2024-01-02,2024-01-07,6,", csv[3], StringComparison.Ordinal);
        Assert.EndsWith(",2030-01-02T00:00:00Z,true,0,false", csv[3], StringComparison.Ordinal);

        // Pages of one: JSON by next_cursor, CSV by its Link header; both walk the same three rows once, in order.
        var walked = new List<string>();
        var path = "/symbols?limit=1";
        while (true)
        {
            var page = await JsonAsync(worker, path);
            walked.AddRange(page.GetProperty("items").EnumerateArray().Select(i => $"{i.GetProperty("symbol").GetString()}/{i.GetProperty("interval").GetString()}"));
            if (page.GetProperty("next_cursor").GetString() is not { } cursor)
            {
                break;
            }

            path = $"/symbols?limit=1&cursor={cursor}";
        }

        var csvWalked = new List<string>();
        string? next = "/symbols?limit=1&format=csv";
        while (next is not null)
        {
            var (lines, link) = await CsvAsync(worker, next);
            csvWalked.AddRange(lines[1..].Select(l => string.Join('/', l.Split(',')[..2])));
            next = link is null ? null : NextPath(link);
        }

        Assert.Equal(["AAA/1d", "AAA/5m", "VOD.L/1d"], walked);
        Assert.Equal(walked, csvWalked);

        // Filters.
        Assert.Equal(["VOD.L"], Symbols(await JsonAsync(worker, "/symbols?scheduled=true")));
        Assert.Equal(["AAA"], Symbols(await JsonAsync(worker, "/symbols?interval=5m")));
        await harness.ExecuteAsync("UPDATE symbols SET status = 'not_found', last_error = 'gone' WHERE symbol = 'AAA'");
        Assert.Equal(["AAA", "AAA"], Symbols(await JsonAsync(worker, "/symbols?status=not_found")));
        Assert.Empty(Symbols(await JsonAsync(worker, "/symbols?status=failing")));

        // One symbol: the metadata verbatim (GBp is pence), lower case in the path accepted, and its intervals.
        var one = await JsonAsync(worker, "/symbols/vod.l");
        Assert.Equal(("VOD.L", "GBp", "EQUITY", "LSE", "Europe/London"), (one.GetProperty("symbol").GetString(), one.GetProperty("currency").GetString(),
            one.GetProperty("instrument_type").GetString(), one.GetProperty("exchange").GetString(), one.GetProperty("timezone").GetString()));
        Assert.Equal("1990-01-02T08:00:00Z", one.GetProperty("first_trade_date").GetString());
        Assert.Equal([("1d", 6L)], one.GetProperty("intervals").EnumerateArray().Select(i => (i.GetProperty("interval").GetString(), i.GetProperty("rows").GetInt64())));
        var aaa = await JsonAsync(worker, "/symbols/AAA");
        Assert.Equal(("not_found", "gone", JsonValueKind.Null), (aaa.GetProperty("status").GetString(), aaa.GetProperty("last_error").GetString(), aaa.GetProperty("currency").ValueKind));

        // Bad input: each names its parameter.
        Assert.Equal((HttpStatusCode.NotFound, "application/problem+json", "symbol"), await ProblemAsync(worker, "/symbols/ZZZ"));
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json", "symbol"), await ProblemAsync(worker, "/symbols/A%20B"));
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json", "interval"), await ProblemAsync(worker, "/symbols?interval=2d"));
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json", "status"), await ProblemAsync(worker, "/symbols?status=gone"));
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json", "scheduled"), await ProblemAsync(worker, "/symbols?scheduled=maybe"));
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json", "limit"), await ProblemAsync(worker, "/symbols?limit=0"));
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json", "limit"), await ProblemAsync(worker, "/symbols?limit=5001"));
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json", "cursor"), await ProblemAsync(worker, "/symbols?cursor=%21%21"));
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json", "format"), await ProblemAsync(worker, "/symbols?format=xml"));

        var stopped = await worker.StopAsync(TimeSpan.FromMinutes(1));
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
    }

    private static List<string?> Symbols(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("symbol").GetString()).ToList();
}
