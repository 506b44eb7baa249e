using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using StockData.Core;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;
using static StockData.IntegrationTests.Infrastructure.TestBars;

namespace StockData.IntegrationTests.Daemon;

/// <summary>
/// The bars endpoints of a running worker over what the product's writer stored: <c>as_of</c> answered from the
/// revisions (JSON and CSV), and a large response streamed without the server's memory growing with it.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class DaemonBarsTests(PostgresFixture postgres, RedisFixture redis) : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A replica that only serves HTTP: no claiming, no quality scan, so nothing but the requests moves.</summary>
    private static readonly Dictionary<string, string?> HttpOnly = new()
    {
        ["StockData__Daemon__Enabled"] = "false",
        ["StockData__Quality__Enabled"] = "false",
    };

    [Fact]
    public async Task BarsEndpoint_AsOfBeforeAChange_OldValues_WithoutAsOf_NewValues_JsonAndCsv()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        var harness = new DaemonHarness(postgres, redis, null);
        await using var scope = await WriterScope.CreateAsync(postgres, schema: harness.Schema);
        var v1 = Daily(5);
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", v1)), Ct);
        var beforeChange = await ClockAsync(harness);
        // A revised close on two days (a corrected print), and a second symbol that did not exist before the change.
        var v2 = v1.Select((b, i) => i is 1 or 3 ? b with { Close = b.Close + 10, AdjClose = b.AdjClose + 10 } : b).ToArray();
        var other = Daily(3, basePrice: 40);
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", v2), Fetch("BBB", other)), Ct);
        Assert.Equal(2L, await harness.ScalarAsync<long>("SELECT count(*) FROM bar_revisions WHERE symbol = 'AAA'"));
        await using var worker = await harness.StartWorkerAsync("bars", HttpOnly);
        var asOf = beforeChange.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);

        var (heldJson, heldAsOf) = await JsonBarsAsync(worker, $"/bars/AAA?as_of={asOf}");
        var (currentJson, currentAsOf) = await JsonBarsAsync(worker, "/bars/AAA");
        var heldCsv = await CsvBarsAsync(worker, $"/bars?symbols=AAA,BBB&as_of={asOf}");
        var currentCsv = await CsvBarsAsync(worker, "/bars?symbols=AAA,BBB");

        Assert.Equal(v1, heldJson);
        Assert.Equal(beforeChange.UtcDateTime, heldAsOf);
        Assert.Equal(v2, currentJson);
        Assert.Null(currentAsOf);
        Assert.Equal(v1.Select(b => ("AAA", b)), heldCsv);
        Assert.Equal(v2.Select(b => ("AAA", b)).Concat(other.Select(b => ("BBB", b))), currentCsv);
        Assert.NotEqual(v1[1].Close, v2[1].Close);

        var stopped = await worker.StopAsync(TimeSpan.FromMinutes(1));
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
    }

    /// <summary>The server's clock now: a time between two committed writes that separates them.</summary>
    private static async Task<DateTimeOffset> ClockAsync(DaemonHarness harness) =>
        new(DateTime.SpecifyKind(await harness.ScalarAsync<DateTime>("SELECT clock_timestamp()"), DateTimeKind.Utc));

    /// <summary>A single-symbol JSON answer: its bars and its <c>as_of</c> (null when absent).</summary>
    private static async Task<(List<Bar> Bars, DateTime? AsOf)> JsonBarsAsync(WorkerProcess worker, string path)
    {
        using var response = await worker.Http.GetAsync(new Uri(path, UriKind.Relative), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode} {text}");
        var root = JsonDocument.Parse(text).RootElement;
        var asOf = root.GetProperty("as_of");
        var bars = root.GetProperty("bars").EnumerateArray().Select(b => new Bar(
            b.GetProperty("ts").GetDateTimeOffset(),
            DateOnly.ParseExact(b.GetProperty("date").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            b.GetProperty("open").GetDouble(),
            b.GetProperty("high").GetDouble(),
            b.GetProperty("low").GetDouble(),
            b.GetProperty("close").GetDouble(),
            b.GetProperty("adj_close").ValueKind == JsonValueKind.Null ? null : b.GetProperty("adj_close").GetDouble(),
            b.GetProperty("volume").ValueKind == JsonValueKind.Null ? null : b.GetProperty("volume").GetInt64())).ToList();
        return (bars, asOf.ValueKind == JsonValueKind.Null ? null : asOf.GetDateTime().ToUniversalTime());
    }

    /// <summary>A CSV answer (<c>Accept: text/csv</c>) as (symbol, bar) rows, after checking the header.</summary>
    private static async Task<List<(string Symbol, Bar Bar)>> CsvBarsAsync(WorkerProcess worker, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var response = await worker.Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode} {text}");
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var lines = text.TrimEnd('\n').Split('\n');
        Assert.Equal("symbol,interval,ts,trade_date,open,high,low,close,adj_close,volume", lines[0]);
        return lines[1..].Select(line =>
        {
            var f = line.Split(',');
            Assert.Equal("1d", f[1]);
            var bar = new Bar(
                DateTimeOffset.Parse(f[2], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                DateOnly.ParseExact(f[3], "yyyy-MM-dd", CultureInfo.InvariantCulture),
                double.Parse(f[4], CultureInfo.InvariantCulture),
                double.Parse(f[5], CultureInfo.InvariantCulture),
                double.Parse(f[6], CultureInfo.InvariantCulture),
                double.Parse(f[7], CultureInfo.InvariantCulture),
                f[8].Length == 0 ? null : double.Parse(f[8], CultureInfo.InvariantCulture),
                f[9].Length == 0 ? null : long.Parse(f[9], CultureInfo.InvariantCulture));
            return (f[0], bar);
        }).ToList();
    }
}
