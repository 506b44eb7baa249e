using Npgsql;
using StockData.Core;
using StockData.Storage.Postgres;
using StockData.Storage.Postgres.Quality;

namespace StockData.UnitTests.Quality;

public sealed class ResponseCheckTests
{
    [Fact]
    public void Commands_DailyChunk_RangeCountAndItsEvents()
    {
        var events = new FetchEvents(null, [new Dividend(At(3), new DateOnly(2024, 1, 5), 0.2)], [], []);
        var batch = new WriteBatch([Chunk(1, "AAA", 5, events)]);

        var command = Assert.Single(ResponseCheck.Commands(new SchemaSql("public"), batch, skipDaily: false, skipIntraday: false));

        Assert.Equal(new SchemaSql("public").Qualify(ResponseCheckSql.Daily), command.CommandText);
        Assert.Contains("\"public\".quality_suspicious", command.CommandText, StringComparison.Ordinal);
        Assert.Equal(new[] { "AAA" }, Value<string[]>(command, 0));
        Assert.Equal(new[] { new DateOnly(2024, 1, 2) }, Value<DateOnly[]>(command, 2));
        Assert.Equal(new[] { new DateOnly(2024, 1, 6) }, Value<DateOnly[]>(command, 3));
        Assert.Equal(new[] { 5 }, Value<int[]>(command, 4));
        Assert.Equal(new[] { true }, Value<bool[]>(command, 5));
        Assert.Equal(new[] { new DateOnly(2024, 1, 5) }, Value<DateOnly[]>(command, 7));
    }

    [Fact]
    public void Commands_FastPathOrTwoFetchesOfOneSymbol_NoCheck()
    {
        var fresh = new WriteBatch([Chunk(1, "AAA", 5)]);
        var twoFetches = new WriteBatch([Chunk(1, "AAA", 5), Chunk(2, "AAA", 3)]);

        Assert.Empty(ResponseCheck.Commands(new SchemaSql("public"), fresh, skipDaily: true, skipIntraday: false));
        Assert.Empty(ResponseCheck.Commands(new SchemaSql("public"), twoFetches, skipDaily: false, skipIntraday: false));
    }

    [Fact]
    public void Commands_ChunkWithoutBars_Skipped()
    {
        var batch = new WriteBatch([Chunk(1, "AAA", 0, FetchEvents.None), Chunk(2, "BBB", 2)]);

        var command = Assert.Single(ResponseCheck.Commands(new SchemaSql("public"), batch, skipDaily: false, skipIntraday: false));

        Assert.Equal(new[] { "BBB" }, Value<string[]>(command, 0));
        Assert.Equal(new[] { false }, Value<bool[]>(command, 5));
    }

    [Fact]
    public void Commands_IntradayParts_IntervalsAndWholeRangeForPruning()
    {
        var batch = new WriteBatch([Chunk(1, "AAA", 3, interval: "1m"), Chunk(2, "BBB", 5, interval: "5m"), Chunk(3, "CCC", 2, interval: "1m")]);

        var command = Assert.Single(ResponseCheck.Commands(new SchemaSql("public"), batch, skipDaily: false, skipIntraday: false));

        Assert.Equal(new SchemaSql("public").Qualify(ResponseCheckSql.Intraday), command.CommandText);
        Assert.Equal(new[] { "1m", "5m", "1m" }, Value<string[]>(command, 1));
        Assert.Equal(new[] { "1m", "5m" }, Value<string[]>(command, 5));
        Assert.Equal(Value<DateTime[]>(command, 2).Min(), Value<DateTime>(command, 6));
        Assert.Equal(Value<DateTime[]>(command, 3).Max(), Value<DateTime>(command, 7));
        Assert.Equal(At(4).UtcDateTime, Value<DateTime>(command, 7));
    }

    private static T Value<T>(NpgsqlBatchCommand command, int index) => (T)command.Parameters[index].Value!;

    private static DateTimeOffset At(int day) => new(2024, 1, 2 + day, 14, 30, 0, TimeSpan.Zero);

    private static FetchChunk Chunk(long fetchId, string symbol, int bars, FetchEvents? events = null, string interval = "1d") =>
        new(fetchId, symbol, BarInterval.Parse(interval), false, 0,
            new BarSlice([.. Enumerable.Range(0, bars).Select(i => new Bar(At(i), new DateOnly(2024, 1, 2 + i), 1, 2, 0.5, 1.5, 1.4, 100))]),
            true, events);
}
