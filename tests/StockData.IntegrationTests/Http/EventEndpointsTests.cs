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
/// <c>GET /symbols/{symbol}/events</c> of a running worker over events the product's writer stored in two fetches:
/// every type in (ex-date, type) order, the type and date filters, <c>as_of</c> between the fetches (the later event
/// absent, the corrected one present with its current amount), JSON and CSV alike, keyed pages, and the
/// bad input the issue lists, each named.
/// </summary>
[Collection(ProcessCollection.Name)]
public class EventEndpointsTests(PostgresFixture postgres, RedisFixture redis) : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dividend Dividend(string date, double amount) => new(Open(date), Day(date), amount);

    [Fact]
    public async Task Events_TypesRangesAsOfPages_JsonAndCsv_AndBadInput()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        var harness = new DaemonHarness(postgres, redis, null);
        await using var scope = await WriterScope.CreateAsync(postgres, schema: harness.Schema);
        var first = new FetchEvents(null,
            [Dividend("2024-01-03", 0.25), Dividend("2024-01-05", 0.30)],
            [new Split(Open("2024-01-04"), Day("2024-01-04"), 4, 1)],
            [new CapitalGain(Open("2024-01-05"), Day("2024-01-05"), 1.5)]);
        await scope.Writer.WriteAsync(Batch(Fetch("FUND", Daily(6), events: first)), Ct);
        var between = await ClockAsync(harness);
        // Yahoo corrects the 2024-01-05 dividend and adds one on 2024-01-06.
        var second = first with { Dividends = [Dividend("2024-01-03", 0.25), Dividend("2024-01-05", 0.35), Dividend("2024-01-06", 0.40)] };
        await scope.Writer.WriteAsync(Batch(Fetch("FUND", Daily(6), events: second)), Ct);
        await using var worker = await harness.StartWorkerAsync("events", HttpOnly);

        var all = await JsonAsync(worker, "/symbols/fund/events");
        Assert.Equal("FUND", all.GetProperty("symbol").GetString());
        Assert.Equal(JsonValueKind.Null, all.GetProperty("as_of").ValueKind);
        Assert.Equal([
            ("dividend", "2024-01-03", 0.25), ("split", "2024-01-04", 4.0), ("capital_gain", "2024-01-05", 1.5), ("dividend", "2024-01-05", 0.35),
            ("dividend", "2024-01-06", 0.40)], Events(all));
        var split = all.GetProperty("events")[1];
        Assert.Equal((JsonValueKind.Null, 1.0, "2024-01-04T14:30:00Z"), (split.GetProperty("amount").ValueKind, split.GetProperty("denominator").GetDouble(),
            split.GetProperty("ts").GetString()));

        Assert.Equal([("split", "2024-01-04", 4.0)], Events(await JsonAsync(worker, "/symbols/FUND/events?types=splits")));
        Assert.Equal(["capital_gain", "dividend", "dividend"],
            Events(await JsonAsync(worker, "/symbols/FUND/events?types=dividends,capital_gains&from=2024-01-04")).Select(e => e.Type));
        Assert.Equal(["2024-01-04", "2024-01-05", "2024-01-05"],
            Events(await JsonAsync(worker, "/symbols/FUND/events?from=2024-01-04&to=2024-01-05")).Select(e => e.Date));

        // as_of between the fetches: the events the store knew then (recorded_at), the later one absent; the dividend
        // corrected since is there with its current amount (events keep no old values; a restatement after a split
        // rewrites every older dividend, which must not hide them).
        var asOf = between.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);
        var held = await JsonAsync(worker, $"/symbols/FUND/events?as_of={asOf}");
        Assert.Equal([("dividend", "2024-01-03", 0.25), ("split", "2024-01-04", 4.0), ("capital_gain", "2024-01-05", 1.5), ("dividend", "2024-01-05", 0.35)],
            Events(held));
        Assert.Equal(between.UtcDateTime, held.GetProperty("as_of").GetDateTime().ToUniversalTime());

        // CSV: the same rows; format=csv and Accept alike.
        var (csv, _) = await CsvAsync(worker, "/symbols/FUND/events?format=csv");
        var (byAccept, _) = await CsvAsync(worker, "/symbols/FUND/events", byAccept: true);
        Assert.Equal(csv, byAccept);
        Assert.Equal("symbol,type,ex_date,ts,amount,numerator,denominator,recorded_at", csv[0]);
        Assert.StartsWith("FUND,split,2024-01-04,2024-01-04T14:30:00Z,,4,1,", csv[2], StringComparison.Ordinal);
        Assert.Equal(Events(all).Select(e => (e.Type, e.Date)), csv[1..].Select(l => l.Split(',')).Select(f => (f[1], f[2])));

        // Pages of two, walked by cursor (JSON) and by Link (CSV): every event once, in order.
        var walked = new List<(string Type, string Date, double Value)>();
        var path = "/symbols/FUND/events?limit=2";
        while (true)
        {
            var page = await JsonAsync(worker, path);
            walked.AddRange(Events(page));
            if (page.GetProperty("next_cursor").GetString() is not { } cursor)
            {
                break;
            }

            path = $"/symbols/FUND/events?limit=2&cursor={cursor}";
        }

        var csvRows = new List<string>();
        string? next = "/symbols/FUND/events?limit=2&format=csv";
        while (next is not null)
        {
            var (lines, link) = await CsvAsync(worker, next);
            csvRows.AddRange(lines[1..]);
            next = link is null ? null : NextPath(link);
        }

        Assert.Equal(Events(all), walked);
        Assert.Equal(csv[1..], csvRows);

        // Bad input.
        var future = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json", "types"), await ProblemAsync(worker, "/symbols/FUND/events?types=dividends,bonus"));
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json", "types"), await ProblemAsync(worker, "/symbols/FUND/events?types=,"));
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json", "from"), await ProblemAsync(worker, "/symbols/FUND/events?from=2024-02-01&to=2024-01-01"));
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json", "to"), await ProblemAsync(worker, "/symbols/FUND/events?to=soon"));
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json", "as_of"), await ProblemAsync(worker, $"/symbols/FUND/events?as_of={future}"));
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json", "limit"), await ProblemAsync(worker, "/symbols/FUND/events?limit=10001"));
        Assert.Equal((HttpStatusCode.NotFound, "application/problem+json", "symbol"), await ProblemAsync(worker, "/symbols/NOPE/events"));

        var stopped = await worker.StopAsync(TimeSpan.FromMinutes(1));
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
    }

    /// <summary>(type, ex-date, amount or split numerator) of a JSON page's events.</summary>
    private static List<(string Type, string Date, double Value)> Events(JsonElement page) =>
        page.GetProperty("events").EnumerateArray().Select(e => (
            e.GetProperty("type").GetString()!,
            e.GetProperty("ex_date").GetString()!,
            e.GetProperty("type").GetString() == "split" ? e.GetProperty("numerator").GetDouble() : e.GetProperty("amount").GetDouble())).ToList();

    private static DateOnly Day(string date) => DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateTimeOffset Open(string date) => SessionOpen(Day(date));

    /// <summary>The server's clock now: a time between two committed writes that separates them.</summary>
    private static async Task<DateTimeOffset> ClockAsync(DaemonHarness harness) =>
        new(DateTime.SpecifyKind(await harness.ScalarAsync<DateTime>("SELECT clock_timestamp()"), DateTimeKind.Utc));
}
