using StockData.Pipeline.Budget;
using StockData.Pipeline.Daemon;

namespace StockData.UnitTests.Budget;

public sealed class BudgetReportTests
{
    private static readonly DaemonOptions Daemon = new() { IntradayRefreshInterval = TimeSpan.FromMinutes(30) };

    [Fact]
    public void Build_KnownSchedules_PlanIsTwicePerDailyAndOncePerIntradayPeriod()
    {
        var document = BudgetReport.Build(["default"], 1.0, [], [("1d", 500), ("1wk", 10), ("5m", 20)], Daemon);

        var egress = Assert.Single(document.Egresses);
        Assert.Equal("default", egress.Egress);
        Assert.Equal(86_400, egress.AllowancePerDay);
        // Daily and weekly: twice a trading day; 5m every 30 minutes around the clock: 48.
        Assert.Equal([2.0, 2.0, 48.0], egress.Plan.Select(p => p.RequestsPerSymbolInterval));
        Assert.Equal((500 * 2) + (10 * 2) + (20 * 48), egress.PlanPerDay);
        Assert.False(egress.OverAllowance);
    }

    [Fact]
    public void Build_PlanAboveTheAllowance_Warns()
    {
        var document = BudgetReport.Build(["default"], 0.01, [], [("1d", 500)], Daemon);

        var egress = Assert.Single(document.Egresses);
        Assert.Equal(864, egress.AllowancePerDay, 6);
        Assert.True(egress.OverAllowance);
        Assert.Contains("egress default", Assert.Single(BudgetReport.Warnings(document)), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SpendByPurpose_EveryPurposeListed_OtherEgressesWithoutPlan()
    {
        var document = BudgetReport.Build(["egress-a"], 1.0,
            [("egress-a", "schedule", 100), ("egress-a", "repair", 3), ("egress-b", "job", 7)], [("1d", 50)], Daemon);

        Assert.Equal(["egress-a", "egress-b"], document.Egresses.Select(e => e.Egress));
        var a = document.Egresses[0];
        Assert.Equal(103, a.SpentLastDay);
        Assert.Equal(100, a.SpentByPurpose["schedule"]);
        Assert.Equal(0, a.SpentByPurpose["verification"]);
        Assert.Equal(100, a.PlanPerDay);
        var b = document.Egresses[1];
        Assert.Equal(7, b.SpentLastDay);
        Assert.Empty(b.Plan);
        Assert.Contains("\"spent_by_purpose\"", BudgetReport.Json(document), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_EgressPool_EachEgressPlansItsShareAgainstItsOwnAllowance()
    {
        // 2,000 daily symbols and 100 5m symbols: 4,000 + 4,800 = 8,800 requests a day, over an allowance of 4,320
        // per egress (0.05/s): one egress would be over it, three are not.
        var one = BudgetReport.Build(["e1"], 0.05, [], [("1d", 2_000), ("5m", 100)], Daemon);
        var three = BudgetReport.Build(["e1", "e2", "e3"], 0.05,
            [("e1", "schedule", 10), ("e2", "schedule", 11), ("e3", "schedule", 9)], [("1d", 2_000), ("5m", 100)], Daemon);

        Assert.True(Assert.Single(one.Egresses).OverAllowance);
        Assert.Equal(["e1", "e2", "e3"], three.Egresses.Select(e => e.Egress));
        Assert.All(three.Egresses, e =>
        {
            Assert.Equal(8_800 / 3.0, e.PlanPerDay, 6);
            Assert.Equal(4_320, e.AllowancePerDay, 6);
            Assert.False(e.OverAllowance);
        });
        Assert.Equal([10L, 11L, 9L], three.Egresses.Select(e => e.SpentLastDay));
        Assert.Empty(BudgetReport.Warnings(three));
    }
}
