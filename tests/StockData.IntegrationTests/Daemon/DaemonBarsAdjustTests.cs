using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using StockData.Core;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Daemon;

/// <summary>
/// <c>GET /bars…&amp;adjust=</c> of a running worker over a split the product's writer stored (<see cref="SplitStory"/>):
/// as_of before the split, after it but before the re-fetch, and now; JSON and CSV; a bad value.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class DaemonBarsAdjustTests(PostgresFixture postgres, RedisFixture redis) : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, string?> HttpOnly = new()
    {
        ["StockData__Daemon__Enabled"] = "false",
        ["StockData__Quality__Enabled"] = "false",
    };

    [Fact]
    public async Task Adjust_SplitsAndAll_AsOfBeforeAndAfterTheSplit_AndAfterTheRefetch()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        var harness = new DaemonHarness(postgres, redis, null);
        await using var scope = await WriterScope.CreateAsync(postgres, schema: harness.Schema);
        var story = await SplitStory.WriteAsync(scope.Writer, () => ClockAsync(harness), Ct);
        await using var worker = await harness.StartWorkerAsync("adjust", HttpOnly);
        var before = Iso(story.BeforeSplit);
        var between = Iso(story.AfterSplitBeforeRefetch);
        const string path = "/bars/" + SplitStory.Symbol;

        var plainBefore = await JsonAsync(worker, $"{path}?as_of={before}");
        var splitsBefore = await JsonAsync(worker, $"{path}?as_of={before}&adjust=splits");
        var allBefore = await JsonAsync(worker, $"{path}?as_of={before}&adjust=all");
        var plainBetween = await JsonAsync(worker, $"{path}?as_of={between}");
        var splitsBetween = await JsonAsync(worker, $"{path}?as_of={between}&adjust=splits");
        var allBetween = await JsonAsync(worker, $"{path}?as_of={between}&adjust=all");
        var plainNow = await JsonAsync(worker, path);
        var explicitNone = await JsonAsync(worker, $"{path}?adjust=none");
        var splitsNow = await JsonAsync(worker, $"{path}?adjust=splits");
        var allNow = await JsonAsync(worker, $"{path}?adjust=all");
        var allNowCsv = await CsvAsync(worker, $"/bars?symbols={SplitStory.Symbol}&adjust=all");
        using var bad = await worker.Http.GetAsync(new Uri($"{path}?adjust=dividends", UriKind.Relative), Ct);
        var problem = JsonDocument.Parse(await bad.Content.ReadAsStringAsync(Ct)).RootElement;

        // Before the split was recorded: nothing to divide; the dividend (in the same shares as the closes) applies.
        Assert.Equal(story.Raw, plainBefore.Bars);
        Assert.Equal(story.Raw, splitsBefore.Bars);
        SplitStory.AssertClose(story.DividendAdjusted(story.Raw), allBefore.Bars);
        // Split recorded, old bars not yet re-fetched: the stored series jumps at the split, the adjusted one does not
        // and already equals what the re-fetch will store.
        Assert.Equal([.. story.Raw[..4], .. story.Restated[4..]], plainBetween.Bars);
        Assert.Equal(story.Restated, splitsBetween.Bars);
        SplitStory.AssertClose(story.DividendAdjusted(story.Restated), allBetween.Bars);
        // After the re-fetch the stored values are restated: the split is not applied a second time.
        Assert.Equal(story.Restated, plainNow.Bars);
        Assert.Equal(story.Restated, splitsNow.Bars);
        SplitStory.AssertClose(story.DividendAdjusted(story.Restated), allNow.Bars);
        SplitStory.AssertClose(allNow.Bars, allNowCsv);
        Assert.NotEqual(story.Restated[0].Close, allNow.Bars[0].Close);
        // The default answer is byte for byte the one without the parameter, with no "adjust" key.
        Assert.Equal(plainNow.Text, explicitNone.Text);
        Assert.False(JsonDocument.Parse(plainNow.Text).RootElement.TryGetProperty("adjust", out _));
        Assert.Equal("all", JsonDocument.Parse(allNow.Text).RootElement.GetProperty("adjust").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType!.MediaType);
        Assert.Equal("adjust", problem.GetProperty("parameter").GetString());
        Assert.Contains("'dividends' is not one of none, splits, all", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var stopped = await worker.StopAsync(TimeSpan.FromMinutes(1));
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
    }

    internal static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);

    /// <summary>The server's clock now: a time between two committed writes that separates them.</summary>
    internal static async Task<DateTimeOffset> ClockAsync(DaemonHarness harness) =>
        new(DateTime.SpecifyKind(await harness.ScalarAsync<DateTime>("SELECT clock_timestamp()"), DateTimeKind.Utc));

    private static async Task<(string Text, List<Bar> Bars)> JsonAsync(WorkerProcess worker, string path)
    {
        using var response = await worker.Http.GetAsync(new Uri(path, UriKind.Relative), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode} {text}");
        var bars = JsonDocument.Parse(text).RootElement.GetProperty("bars").EnumerateArray().Select(b => new Bar(
            b.GetProperty("ts").GetDateTimeOffset(),
            DateOnly.ParseExact(b.GetProperty("date").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            b.GetProperty("open").GetDouble(),
            b.GetProperty("high").GetDouble(),
            b.GetProperty("low").GetDouble(),
            b.GetProperty("close").GetDouble(),
            b.GetProperty("adj_close").GetDouble(),
            b.GetProperty("volume").GetInt64())).ToList();
        return (text, bars);
    }

    private static async Task<List<Bar>> CsvAsync(WorkerProcess worker, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var response = await worker.Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode} {text}");
        return CsvBars(text);
    }

    /// <summary>The bars of a CSV answer (the API's or the verb's columns), after checking the header.</summary>
    internal static List<Bar> CsvBars(string text)
    {
        var lines = text.TrimEnd('\n').Split('\n');
        Assert.Equal("symbol,interval,ts,trade_date,open,high,low,close,adj_close,volume", lines[0]);
        return [.. lines[1..].Select(line =>
        {
            var f = line.Split(',');
            return new Bar(
                DateTimeOffset.Parse(f[2], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                DateOnly.ParseExact(f[3], "yyyy-MM-dd", CultureInfo.InvariantCulture),
                double.Parse(f[4], CultureInfo.InvariantCulture),
                double.Parse(f[5], CultureInfo.InvariantCulture),
                double.Parse(f[6], CultureInfo.InvariantCulture),
                double.Parse(f[7], CultureInfo.InvariantCulture),
                double.Parse(f[8], CultureInfo.InvariantCulture),
                long.Parse(f[9], CultureInfo.InvariantCulture));
        })];
    }
}
