using StockData.Pipeline.Quality;
using StockData.Storage.Postgres.Quality;

namespace StockData.UnitTests.Quality;

/// <summary><c>quality report</c>: totals, exchanges (by name, then zone) and symbols, as JSON and as plain tables.</summary>
public sealed class QualityReportFormatTests
{
    private static readonly QualityReportRow[] Rows =
    [
        new("AAPL", "NMS", "America/New_York", 3, 1, 1, 1, 0, ConfirmedNoData: 1),
        new("MSFT", "NMS", "America/New_York", 1200, 1000, 100, 100, 2),
        new("VOD.L", "LSE", "Europe/London", 0, 0, 0, 0, 5),
    ];

    [Fact]
    public void Json_TotalsExchangesSymbols()
    {
        Assert.Equal("""
            {
              "totals": {
                "gaps_found": 1203,
                "repaired": 1001,
                "confirmed_missing": 101,
                "confirmed_no_data": 1,
                "open": 101,
                "suspicious_responses": 7
              },
              "exchanges": [
                {
                  "exchange": "LSE",
                  "timezone": "Europe/London",
                  "symbols": 1,
                  "gaps_found": 0,
                  "repaired": 0,
                  "confirmed_missing": 0,
                  "open": 0,
                  "suspicious_responses": 5
                },
                {
                  "exchange": "NMS",
                  "timezone": "America/New_York",
                  "symbols": 2,
                  "gaps_found": 1203,
                  "repaired": 1001,
                  "confirmed_missing": 101,
                  "open": 101,
                  "suspicious_responses": 2
                }
              ],
              "symbols": [
                {
                  "symbol": "AAPL",
                  "exchange": "NMS",
                  "gaps_found": 3,
                  "repaired": 1,
                  "confirmed_missing": 1,
                  "confirmed_no_data": 1,
                  "open": 1,
                  "suspicious_responses": 0
                },
                {
                  "symbol": "MSFT",
                  "exchange": "NMS",
                  "gaps_found": 1200,
                  "repaired": 1000,
                  "confirmed_missing": 100,
                  "confirmed_no_data": 0,
                  "open": 100,
                  "suspicious_responses": 2
                },
                {
                  "symbol": "VOD.L",
                  "exchange": "LSE",
                  "gaps_found": 0,
                  "repaired": 0,
                  "confirmed_missing": 0,
                  "confirmed_no_data": 0,
                  "open": 0,
                  "suspicious_responses": 5
                }
              ]
            }
            """.ReplaceLineEndings(Environment.NewLine), QualityReportFormat.Json(Rows));
    }

    [Fact]
    public void Json_NoRows_ZeroTotalsEmptyLists() =>
        Assert.Equal("""{"totals":{"gaps_found":0,"repaired":0,"confirmed_missing":0,"confirmed_no_data":0,"open":0,"suspicious_responses":0},"exchanges":[],"symbols":[]}""",
            System.Text.Json.JsonSerializer.Serialize(QualityReportFormat.Document([]),
                QualityJsonContext.Default.QualityReportDocument));

    [Fact]
    public void PlainText_TotalsLineThenTheTwoTables()
    {
        Assert.Equal("""
            gaps found 1,203, repaired 1,001, confirmed missing 101 (upstream sends no data 1), open 101; suspicious responses 7

            EXCHANGE     TIME ZONE              SYMBOLS     GAPS REPAIRED CONFIRMED   OPEN SUSPICIOUS
            LSE          Europe/London                1        0        0         0      0          5
            NMS          America/New_York             2    1,203    1,001       101    101          2

            SYMBOL         EXCHANGE       GAPS REPAIRED CONFIRMED   OPEN SUSPICIOUS
            AAPL           NMS               3        1         1      1          0
            MSFT           NMS           1,200    1,000       100    100          2
            VOD.L          LSE               0        0         0      0          5
            """.ReplaceLineEndings(Environment.NewLine), QualityReportFormat.PlainText(Rows));
    }
}
