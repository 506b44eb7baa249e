using StockData.TestSupport.Observability;

namespace StockData.UnitTests.Dashboards;

/// <summary>
/// Every alert of alerts.yml is exercised by alerts_test.yml both firing and not firing (promtool runs them in the
/// integration tests; this checks none is left out), and carries what an on-call person needs.
/// </summary>
public sealed class AlertRulesTests
{
    private static readonly IReadOnlyList<AlertRule> Rules = AlertRules.Load();

    [Fact]
    public void AlertRules_TheAlertsIssue8Asks_AllDefined()
    {
        Assert.Superset(
            new HashSet<string>
            {
                "StockDataNoProgress", "StockDataHigh429Ratio", "StockDataCircuitOpen", "StockDataWriteErrors",
                "StockDataLeaseTakeoverStorm", "StockDataSymbolsOverdue",
            },
            Rules.Select(r => r.Name).ToHashSet());
    }

    [Fact]
    public void AlertTests_EveryAlert_HasAFiringAndANotFiringCase()
    {
        var firing = new HashSet<string>();
        var quiet = new HashSet<string>();
        var tests = YamlTree.List(YamlTree.Map(YamlTree.Load(AlertRules.RulesTestFile)), "tests").Cast<Dictionary<string, object?>>();
        foreach (var check in tests.SelectMany(t => YamlTree.List(t, "alert_rule_test").Cast<Dictionary<string, object?>>()))
        {
            var name = YamlTree.Scalar(check, "alertname")!;
            (YamlTree.List(check, "exp_alerts").Count > 0 ? firing : quiet).Add(name);
        }

        Assert.All(Rules, rule =>
        {
            Assert.True(firing.Contains(rule.Name), $"{rule.Name} has no test where it fires");
            Assert.True(quiet.Contains(rule.Name), $"{rule.Name} has no test where it stays quiet");
        });
    }

    [Fact]
    public void AlertRules_Each_HasSeveritySummaryAndDescription()
    {
        var groups = YamlTree.List(YamlTree.Map(YamlTree.Load(AlertRules.RulesFile)), "groups").Cast<Dictionary<string, object?>>();
        var rules = groups.SelectMany(g => YamlTree.List(g, "rules").Cast<Dictionary<string, object?>>()).ToList();

        Assert.Equal(Rules.Count, rules.Count);
        Assert.All(rules, rule =>
        {
            Assert.Contains(YamlTree.Scalar(YamlTree.Map(rule, "labels"), "severity"), new[] { "warning", "critical" });
            Assert.False(string.IsNullOrWhiteSpace(YamlTree.Scalar(YamlTree.Map(rule, "annotations"), "summary")));
            Assert.False(string.IsNullOrWhiteSpace(YamlTree.Scalar(YamlTree.Map(rule, "annotations"), "description")));
        });
    }
}
