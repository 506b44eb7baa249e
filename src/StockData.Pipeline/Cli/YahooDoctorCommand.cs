using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using StockData.Hosting;
using StockData.Pipeline.Doctor;
using StockData.Yahoo;
using StockData.Yahoo.Client;

namespace StockData.Pipeline.Cli;

/// <summary>
/// <c>stockdata yahoo doctor</c>: checks, step by step, that this machine can get Yahoo's chart data (DNS, connect/TLS,
/// the cookie strategies, consent, getcrumb, one chart request) and says what to do where it cannot. Exit 0 only when
/// a chart request succeeded, 1 otherwise, 2 for usage errors. Never prints a cookie or crumb value.
/// </summary>
internal static class YahooDoctorCommand
{
    public static Command Create()
    {
        var baseUrl = new Option<string?>("--base-url")
        {
            Description = "One base URL standing for every Yahoo host (chart, cookie pages, getcrumb), as offline runs use; default: the configured hosts.",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (settings, ok, verdict, steps) instead of a table." };
        var command = new Command("doctor", "Check the way to Yahoo step by step (DNS, connect/TLS, cookie, consent, getcrumb, one chart request).")
        {
            baseUrl, json,
        };
        command.SetAction((parse, ct) =>
        {
            var overrides = new Dictionary<string, string?>();
            if (parse.GetValue(baseUrl) is { } url)
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                {
                    Console.Error.WriteLine("stockdata: --base-url must be an absolute http(s) URL");
                    return Task.FromResult(ExitCodes.Usage);
                }

                overrides[$"{YahooOptions.SectionName}:{nameof(YahooOptions.BaseUrl)}"] = url;
                overrides[$"{YahooOptions.SectionName}:{nameof(YahooOptions.FallbackBaseUrl)}"] = url;
                // Empty: the session URLs then derive from the base URL (YahooSessionUrls), one URL for every host.
                overrides[$"{YahooOptions.SectionName}:{nameof(YahooOptions.CookieUrl)}"] = "";
                overrides[$"{YahooOptions.SectionName}:{nameof(YahooOptions.FinancePageUrl)}"] = "";
                overrides[$"{YahooOptions.SectionName}:{nameof(YahooOptions.CrumbUrl)}"] = "";
            }

            var asJson = parse.GetValue(json);
            return StockDataVerb.RunWithoutDatabaseAsync((host, token) => RunAsync(host.Services, asJson, token), ct, overrides);
        });
        return command;
    }

    private static async Task<int> RunAsync(IServiceProvider services, bool json, CancellationToken cancellationToken)
    {
        var probe = ActivatorUtilities.CreateInstance<YahooSessionProbe>(services);
        var doctor = ActivatorUtilities.CreateInstance<YahooDoctor>(services, probe);
        var report = await doctor.RunAsync(cancellationToken);
        if (json)
        {
            using var stdout = Console.OpenStandardOutput();
            report.WriteJson(stdout);
        }
        else
        {
            report.PrintText(Console.Out);
        }

        return report.ChartOk ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
