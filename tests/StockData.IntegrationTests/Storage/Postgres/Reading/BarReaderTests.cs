using Microsoft.Extensions.DependencyInjection;
using StockData.Core;
using StockData.IntegrationTests.Infrastructure;
using StockData.Storage.Postgres.Reading;
using StockData.TestSupport;
using static StockData.IntegrationTests.Infrastructure.TestBars;

namespace StockData.IntegrationTests.Storage.Postgres.Reading;

/// <summary>The bars read side: ranges per interval family, and as_of answered from the revisions the writer kept.</summary>
public sealed class BarReaderTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<List<Bar>> ReadAsync(BarReader reader, string symbol, string interval, DateTimeOffset? from = null,
        DateTimeOffset? to = null, DateTimeOffset? asOf = null) =>
        reader.ReadAsync(new BarQuery(symbol, BarInterval.Parse(interval), from, to, asOf), Ct).ToListAsync(Ct).AsTask();

    private static DateTimeOffset Day(int year, int month, int day) => new(year, month, day, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ReadAsync_Daily_TradeDateRangeInclusive_InOrder()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var bars = Daily(10);
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", bars), Fetch("BBB", Daily(3))), Ct);
        var reader = scope.Services.GetRequiredService<BarReader>();

        var all = await ReadAsync(reader, "AAA", "1d");
        var some = await ReadAsync(reader, "AAA", "1d", Day(2024, 1, 4), Day(2024, 1, 6));

        Assert.Equal(bars, all);
        Assert.Equal(bars[2..5], some);
        Assert.Empty(await ReadAsync(reader, "AAA", "1wk"));
    }

    [Fact]
    public async Task ReadAsync_Intraday_TimestampRange_ToExclusive()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var start = new DateTimeOffset(2024, 1, 2, 14, 30, 0, TimeSpan.Zero);
        var bars = Intraday(12, start);
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", bars, interval: "5m")), Ct);
        var reader = scope.Services.GetRequiredService<BarReader>();

        var some = await ReadAsync(reader, "AAA", "5m", start.AddMinutes(10), start.AddMinutes(25));

        Assert.Equal(bars[2..5], some);
    }

    [Fact]
    public async Task ReadAsync_AsOf_WhatTheStoreHeldThen()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var reader = scope.Services.GetRequiredService<BarReader>();
        var before = await ClockAsync(scope);
        var v1 = Daily(5);
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", v1)), Ct);
        var afterV1 = await ClockAsync(scope);
        var v2 = v1.Select((b, i) => i is 1 or 3 ? b with { Close = b.Close + 10, AdjClose = b.AdjClose + 10 } : b).ToArray();
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", v2)), Ct);
        var afterV2 = await ClockAsync(scope);
        var v3 = v2.Select((b, i) => i == 1 ? b with { Volume = 1 } : b).Append(Daily(6)[5]).ToArray();
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", v3)), Ct);

        Assert.Empty(await ReadAsync(reader, "AAA", "1d", asOf: before));
        Assert.Equal(v1, await ReadAsync(reader, "AAA", "1d", asOf: afterV1));
        Assert.Equal(v2, await ReadAsync(reader, "AAA", "1d", asOf: afterV2));
        Assert.Equal(v3, await ReadAsync(reader, "AAA", "1d", asOf: await ClockAsync(scope)));
        Assert.Equal(v3, await ReadAsync(reader, "AAA", "1d"));
        Assert.Equal(v2[1..3], await ReadAsync(reader, "AAA", "1d", v2[1].Timestamp, v2[2].Timestamp, afterV2));
    }

    [Fact]
    public async Task ReadAsync_AsOfIntraday_FromTheRevisions()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var reader = scope.Services.GetRequiredService<BarReader>();
        var v1 = Intraday(4, new DateTimeOffset(2024, 1, 2, 14, 30, 0, TimeSpan.Zero));
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", v1, interval: "1m")), Ct);
        var afterV1 = await ClockAsync(scope);
        var v2 = v1.Select(b => b with { High = b.High + 1 }).ToArray();
        await scope.Writer.WriteAsync(Batch(Fetch("AAA", v2, interval: "1m")), Ct);

        Assert.Equal(v1, await ReadAsync(reader, "AAA", "1m", asOf: afterV1));
        Assert.Equal(v2, await ReadAsync(reader, "AAA", "1m"));
    }

    /// <summary>The server's clock now: between two committed writes, a time that separates them.</summary>
    private static async Task<DateTimeOffset> ClockAsync(WriterScope scope) =>
        new(DateTime.SpecifyKind(await scope.ScalarAsync<DateTime>("SELECT clock_timestamp()"), DateTimeKind.Utc));
}
