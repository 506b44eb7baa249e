using StockData.TestSupport;
using StockData.Core;
using StockData.Ingest;
using StockData.Yahoo.Client;

namespace StockData.UnitTests.Ingest;

/// <summary>
/// The sequence stage keeps a fetch's facts on its ticket: offsets run across its parts, the latest metadata reaches the
/// chunk that ends the fetch, and a fetch's first failure is sent on once, whatever its later parts hold.
/// </summary>
public sealed class SequenceStageTests
{
    private static readonly DateTimeOffset Start = new(2024, 1, 2, 14, 30, 0, TimeSpan.Zero);

    [Fact]
    public void ThreeParts_OffsetsRunAcross_LastChunkCarriesTheLatestMetadata()
    {
        var (ticket, parts) = Plan(3);
        var early = Metadata("America/New_York");
        var late = Metadata("Europe/London");
        var stage = new SequenceStage();

        var items = new[]
        {
            stage.Sequence(Parsed(parts[0], 3, early)),
            stage.Sequence(Parsed(parts[1], 2, late)),
            stage.Sequence(Parsed(parts[2], 0, null)),
        }.SelectMany(i => i).ToList();

        Assert.Equal([(0, 3, false), (3, 2, false), (5, 0, true)], items.Select(i => (i.Chunk!.Offset, i.RowCount, i.Chunk.IsLast)));
        Assert.All(items, i => Assert.Same(ticket, i.Fetch));
        Assert.Equal([null, null, late], items.Select(i => i.Metadata));
        Assert.All(items, i => Assert.Null(i.Failure));
    }

    [Fact]
    public void MiddlePartFails_OneFailureItem_LaterPartsDropped()
    {
        var (_, parts) = Plan(4);
        var stage = new SequenceStage();
        var notFound = new FetchFailure("not_found", "no such symbol", FetchErrorCategory.NotFound);

        var items = new[]
        {
            stage.Sequence(Parsed(parts[0], 3, null)),
            stage.Sequence(new ParsedPart(parts[1], null, notFound)),
            stage.Sequence(new ParsedPart(parts[2], null, new FetchFailure("server_error", "503", FetchErrorCategory.ServerError))),
            stage.Sequence(Parsed(parts[3], 2, null)),
        }.SelectMany(i => i).ToList();

        Assert.Equal(2, items.Count);
        Assert.False(items[0].Chunk!.IsLast);
        Assert.Equal((null, notFound), (items[1].Chunk, items[1].Failure));
    }

    [Fact]
    public void SplitItem_TailKeepsTheEndOfTheFetchAndItsMetadata()
    {
        var (_, parts) = Plan(1);
        var meta = Metadata("America/New_York");
        var item = new SequenceStage().Sequence(Parsed(parts[0], 10, meta)).Single();

        var (head, tail) = item.Split(4);

        Assert.Equal((0, 4, false, (SymbolMetadata?)null), (head.Chunk!.Offset, head.RowCount, head.Chunk.IsLast, head.Metadata));
        Assert.Equal((4, 6, true, (SymbolMetadata?)meta), (tail.Chunk!.Offset, tail.RowCount, tail.Chunk.IsLast, tail.Metadata));
    }

    private static (FetchTicket Ticket, FetchPart[] Parts) Plan(int count)
    {
        var request = new SymbolRequest("AAA", BarInterval.Daily, Start);
        var requests = Enumerable.Range(0, count)
            .Select(i => YahooChartRequest.ForPeriod("AAA", BarInterval.Daily, Start.AddDays(30 * i), Start.AddDays(30 * (i + 1))))
            .ToList();
        var ticket = new FetchTicket(request, new FetchPlan(request, TestFetchIds.Next(), false, requests));
        return (ticket, [.. requests.Select((r, i) => new FetchPart(ticket, i, i == count - 1, r))]);
    }

    private static ParsedPart Parsed(FetchPart part, int bars, SymbolMetadata? metadata) =>
        new(part, new FetchResult("AAA", BarInterval.Daily, metadata,
            [.. Enumerable.Range(0, bars).Select(i => new Bar(Start.AddDays(i), DateOnly.FromDateTime(Start.AddDays(i).Date), 1, 2, 0.5, 1.5, 1.4, 100))],
            [], [], [], [], null), null);

    private static SymbolMetadata Metadata(string zone) => new("USD", "EQUITY", "NMS", zone, null, null, null);
}
