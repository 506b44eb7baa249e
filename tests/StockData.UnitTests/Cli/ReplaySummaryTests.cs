using StockData.Pipeline.Cli;
using StockData.Ingest;

namespace StockData.UnitTests.Cli;

/// <summary>The summary a replay ends with, in the boxed plain form tests and scripts read (<c>| name | value |</c>).</summary>
public sealed class ReplaySummaryTests
{
    [Fact]
    public void Table_PlainText_BoxedNamesAndRightAlignedValues()
    {
        var stats = new IngestStats();
        for (var i = 0; i < 3; i++)
        {
            stats.SymbolOk();
        }

        stats.SymbolNotFound();
        stats.InputError();
        stats.Rows(12_345, 0, 10);
        stats.Request(200);
        stats.Request(429);

        Assert.Equal("""
            +----------------------+--------+
            | symbols ok           |      3 |
            | symbols not found    |      1 |
            | symbols failed       |      0 |
            | input lines rejected |      1 |
            | rows inserted        | 12,345 |
            | rows updated         |      0 |
            | rows unchanged       |     10 |
            | requests             |      2 |
            | 429s                 |      1 |
            | elapsed              |  2.5 s |
            | rows/s               |  4,942 |
            +----------------------+--------+
            """.ReplaceLineEndings(Environment.NewLine), ReplaySummary.Table(stats, TimeSpan.FromSeconds(2.5)).ToPlainText());
    }
}
