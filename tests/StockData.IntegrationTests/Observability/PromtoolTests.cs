using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport.Observability;

namespace StockData.IntegrationTests.Observability;

/// <summary>promtool (Prometheus 2.42, Debian) on the compose stack's config, the alert rules and their unit tests.</summary>
[Collection(ProcessCollection.Name)]
public sealed class PromtoolTests
{
    [Fact]
    public async Task CheckConfig_ComposePrometheusConfig_Succeeds()
    {
        // The dns_sd name "worker" resolves only inside the compose network; check config does not resolve it, and it
        // does load the rule files the config names.
        var result = await PrometheusTools.PromtoolAsync("check", "config", "dashboards/prometheus/prometheus.yml");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SUCCESS: 1 rule files found", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckRules_AlertRules_SucceedsWithEveryRule()
    {
        var result = await PrometheusTools.PromtoolAsync("check", "rules", "dashboards/prometheus/alerts.yml");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"SUCCESS: {AlertRules.Load().Count} rules found", result.StandardOutput + result.StandardError,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestRules_AlertUnitTests_AllPass()
    {
        var result = await PrometheusTools.PromtoolAsync("test", "rules", "dashboards/prometheus/alerts_test.yml");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SUCCESS", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestRules_RuleLoosened_UnitTestsCatchIt()
    {
        // The unit tests have teeth: the overdue alert firing after 10 instead of 30 minutes must fail them.
        var folder = Directory.CreateTempSubdirectory("stockdata-promtool-");
        try
        {
            var rules = await File.ReadAllTextAsync(AlertRules.RulesFile);
            Assert.Contains("for: 30m", rules, StringComparison.Ordinal);
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "alerts.yml"),
                rules.Replace("for: 30m", "for: 10m", StringComparison.Ordinal));
            File.Copy(AlertRules.RulesTestFile, Path.Combine(folder.FullName, "alerts_test.yml"));

            var result = await PrometheusTools.PromtoolAsync("test", "rules", Path.Combine(folder.FullName, "alerts_test.yml"));

            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Contains("StockDataSymbolsOverdue", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
