using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StockData.Pipeline.Budget;
using StockData.Hosting;
using StockData.Pipeline.Daemon;
using StockData.Storage.Postgres;
using StockData.Storage.Postgres.Budget;
using StockData.Upstream.Budget;
using StockData.Upstream.Redis;

namespace StockData.Pipeline.Cli;

/// <summary>
/// <c>stockdata budget</c> (docs/data-quality.md, "Request budget"): per egress, the upstream requests spent in the last
/// 24 hours by purpose, and what the scheduled universe needs per day, against the allowance.
/// </summary>
internal static class BudgetCommand
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(24);

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of tables." };
        var command = new Command("budget",
            "Upstream requests spent in the last 24 hours by purpose, and the requests the scheduled universe needs per day, " +
            "against the allowance (PermitsPerSecond x 86,400); warns when the plan exceeds it.")
        {
            json,
        };
        command.SetAction((parse, ct) => StockDataVerb.RunAsync(async (host, token) =>
        {
            var services = host.Services;
            await services.GetRequiredService<SchemaMigrator>().MigrateAsync(token);
            var ledger = services.GetRequiredService<RequestLedger>();
            var rateLimit = services.GetRequiredService<IOptions<RateLimitOptions>>().Value;
            var daemon = services.GetRequiredService<IConfiguration>().GetSection(DaemonOptions.SectionName).Get<DaemonOptions>() ?? new DaemonOptions();
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            var yahoo = services.GetRequiredService<IOptions<StockData.Yahoo.YahooOptions>>().Value;
            var document = BudgetReport.Build(UpstreamRequestCounter.PlannedEgresses(rateLimit, yahoo), rateLimit.PermitsPerSecond,
                await ledger.SpentAsync(now - Window, token), await ledger.ScheduledAsync(token), daemon);
            if (parse.GetValue(json))
            {
                Console.WriteLine(BudgetReport.Json(document));
            }
            else
            {
                BudgetReport.Print(document);
            }

            foreach (var warning in BudgetReport.Warnings(document))
            {
                await Console.Error.WriteLineAsync(warning);
            }

            return ExitCodes.Ok;
        }, ct, StandardErrorLogging.Configure));
        return command;
    }
}
