using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using StockData.Hosting;
using StockData.Ingest;
using StockData.Pipeline.Quality;
using StockData.Storage.Postgres;
using StockData.Storage.Postgres.Quality;

namespace StockData.Pipeline.Cli;

/// <summary>
/// <c>stockdata quality report|repair</c> (docs/data-quality.md): what gap detection found and where it stands, and one
/// detection-and-repair cycle run to its end without a daemon.
/// </summary>
internal static class QualityCommand
{
    public static Command Create()
    {
        var command = new Command("quality", "Gaps and suspicious responses in the stored history: report them, or repair them now.");
        command.Subcommands.Add(CreateReport());
        command.Subcommands.Add(CreateRepair());
        return command;
    }

    private static Command CreateReport()
    {
        var symbol = new Option<string?>("--symbol") { Description = "Only this symbol." };
        var exchange = new Option<string?>("--exchange") { Description = "Only symbols of this exchange (its name as Yahoo gives it, e.g. NMS; any case)." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of tables." };
        var command = new Command("report",
            "Gaps found, repaired, confirmed missing and still open, and suspicious responses: in total, per exchange and per symbol.")
        {
            symbol, exchange, json,
        };
        command.SetAction((parse, ct) => StockDataVerb.RunAsync(async (host, token) =>
        {
            await host.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(token);
            var rows = await host.Services.GetRequiredService<QualityReader>().ReportAsync(parse.GetValue(symbol), parse.GetValue(exchange), token);
            if (parse.GetValue(json))
            {
                Console.WriteLine(QualityReportFormat.Json(rows));
            }
            else
            {
                QualityReportFormat.Print(rows);
            }

            return ExitCodes.Ok;
        }, ct, StandardErrorLogging.Configure));
        return command;
    }

    private static Command CreateRepair()
    {
        var command = new Command("repair",
            "Scan for gaps, fetch every repair (and re-verification) through the limiter, scan again, until no repair is left to run. " +
            "Exit 0 when nothing is left open, 1 otherwise.");
        command.SetAction((_, ct) => StockDataVerb.RunAsync(async (host, token) =>
        {
            var services = host.Services;
            using var signals = new ShutdownSignals();
            await services.GetRequiredService<SchemaMigrator>().MigrateAsync(signals.Abort);
            RepairOutcome outcome;
            try
            {
                outcome = await services.GetRequiredService<RepairRunner>().RunAsync(
                    line => Console.Error.WriteLine("quality repair: " + line), signals.Stop, signals.Abort);
            }
            catch (IngestFatalException ex)
            {
                await Console.Error.WriteLineAsync($"stockdata: the repair stopped: {ex.Message.Split('\n')[0].Trim()}");
                return ExitCodes.Failed;
            }

            var open = Count(outcome.After, "open") + Count(outcome.After, "repairing");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                rounds                {outcome.Rounds}
                gaps found            {outcome.GapsFound}
                repaired              {outcome.Repaired}
                confirmed missing     {outcome.ConfirmedMissing}
                repair fetches done   {outcome.FetchesDone}
                repair fetches failed {outcome.FetchesFailed}
                still open            {open}
                suspicious responses  {outcome.After.Suspicious.Values.Sum()}
                """));
            return outcome.Finished && open == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        }, ct, StandardErrorLogging.Configure));
        return command;
    }

    private static int Count(QualityCounts counts, string status) => counts.Gaps.Where(g => g.Key.Status == status).Sum(g => g.Value);
}
