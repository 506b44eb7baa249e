using System.Diagnostics;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Observability;

/// <summary>
/// The Debian <c>prometheus</c> package's binaries (<c>prometheus</c>, <c>promtool</c>). scripts/test.sh installs the
/// package (SD_NEED_PROMETHEUS=1), so under CI=true or STOCKDATA_TEST_REQUIRE=1 a missing binary fails the test;
/// only on a developer machine without them is the test skipped, with the reason.
/// </summary>
internal static class PrometheusTools
{
    /// <summary>The full path of <paramref name="tool"/> on PATH; fails or skips the calling test when absent.</summary>
    public static string Require(string tool)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);
        if (path is not null)
        {
            return path;
        }

        var message = $"{tool} is not on PATH. scripts/test.sh installs it (Debian package 'prometheus', SD_NEED_PROMETHEUS=1); " +
                      "or run: apt-get install prometheus";
        if (ExternalOrContainerFixture.MustHaveServers)
        {
            throw new InvalidOperationException(message);
        }

        Assert.Skip(message);
        throw new UnreachableException();
    }

    /// <summary>Runs promtool with <paramref name="arguments"/> from the repository root.</summary>
    public static Task<ProcessResult> PromtoolAsync(params string[] arguments) =>
        ProcessRunner.RunAsync(Require("promtool"), arguments, timeout: TimeSpan.FromMinutes(1));
}
