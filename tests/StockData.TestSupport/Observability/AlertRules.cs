namespace StockData.TestSupport.Observability;

/// <summary>The rules of <c>dashboards/prometheus/alerts.yml</c> (or any Prometheus rules file).</summary>
public static class AlertRules
{
    /// <summary>The rules file Prometheus loads in the compose stack.</summary>
    public static string RulesFile => Path.Combine(RepoPaths.Root, "dashboards", "prometheus", "alerts.yml");

    /// <summary>The rules' unit tests (<c>promtool test rules</c>).</summary>
    public static string RulesTestFile => Path.Combine(RepoPaths.Root, "dashboards", "prometheus", "alerts_test.yml");

    public static IReadOnlyList<AlertRule> Load(string? path = null)
    {
        var rules = new List<AlertRule>();
        foreach (var group in YamlTree.List(YamlTree.Map(YamlTree.Load(path ?? RulesFile)), "groups").Cast<Dictionary<string, object?>>())
        {
            var groupName = YamlTree.Scalar(group, "name") ?? "";
            foreach (var rule in YamlTree.List(group, "rules").Cast<Dictionary<string, object?>>())
            {
                var name = YamlTree.Scalar(rule, "alert") ?? YamlTree.Scalar(rule, "record") ?? "";
                rules.Add(new AlertRule(groupName, name, YamlTree.Scalar(rule, "expr") ?? "", YamlTree.Scalar(rule, "for")));
            }
        }

        return rules;
    }
}
