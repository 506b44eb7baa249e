using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using StockData.Hosting;
using StockData.Pipeline.Maintenance;
using StockData.Storage.Postgres;

namespace StockData.Pipeline.Cli;

/// <summary>
/// <c>stockdata retention [--dry-run]</c>: one partition maintenance run: month partitions created ahead, rows found in
/// a DEFAULT partition moved out, and every intraday month partition wholly older than its interval's retention
/// (<c>StockData:Retention:Intervals</c>) dropped. <c>--dry-run</c> lists what would be dropped and changes nothing.
/// </summary>
internal static class RetentionCommand
{
    public static Command Create()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "List the partitions retention would drop; change nothing." };
        var command = new Command("retention",
            "Apply intraday retention (StockData:Retention:Intervals, e.g. 1m=90d): drop whole month partitions older than it, " +
            "create the partitions ahead, empty the DEFAULT partitions. --dry-run only lists.")
        {
            dryRun,
        };
        command.SetAction((parse, ct) => StockDataVerb.RunAsync(async (host, token) =>
        {
            await host.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(token);
            var report = await host.Services.GetRequiredService<PartitionMaintenance>().RunAsync(parse.GetValue(dryRun), token);
            Print(report);
            return ExitCodes.Ok;
        }, ct, StandardErrorLogging.Configure));
        return command;
    }

    private static void Print(PartitionMaintenanceReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        if (report.Ensured is { } ensured)
        {
            Console.WriteLine(string.Create(inv, $"partitions created    {ensured.Created.Count}"));
            Console.WriteLine(string.Create(inv, $"rows in DEFAULT       {ensured.Defaults.Sum(d => d.Rows)}"));
        }

        if (report.Expired.Count == 0)
        {
            Console.WriteLine(report.DryRun ? "would drop            nothing" : "dropped               nothing");
            return;
        }

        Console.WriteLine(report.DryRun ? "would drop:" : "dropped:");
        var rows = report.Dropped.ToDictionary(d => d.Partition.Name, d => d.Rows, StringComparer.Ordinal);
        foreach (var partition in report.Expired)
        {
            var count = rows.TryGetValue(partition.Name, out var n)
                ? string.Create(inv, $"{n} rows")
                : report.DryRun ? string.Create(inv, $"~{Math.Max(partition.EstimatedRows, 0)} rows (estimate)") : "already gone";
            Console.WriteLine(string.Create(inv, $"  {partition.Name,-28} {partition.Interval,-4} {partition.RangeFrom:yyyy-MM-dd} .. {partition.RangeTo:yyyy-MM-dd}  {count}"));
        }
    }
}
