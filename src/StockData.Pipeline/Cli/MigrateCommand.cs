using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using StockData.Hosting;
using StockData.Pipeline.Maintenance;
using StockData.Storage.Postgres;

namespace StockData.Pipeline.Cli;

/// <summary><c>stockdata migrate</c>: apply the schema migrations, create the intraday partitions ahead, and exit.</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Apply the database schema migrations (safe to run from several replicas at once) and exit.");
        command.SetAction((_, ct) => StockDataVerb.RunAsync(async (host, token) =>
        {
            var applied = await host.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(token);
            Console.WriteLine(applied.Count == 0
                ? $"schema is current ({SchemaMigrator.All.Count} migrations)"
                : $"applied {applied.Count} migration(s): {string.Join(", ", applied)}");
            // The intraday month partitions ahead (and behind) exist before any writer starts; rows already in a DEFAULT
            // partition move out (docs/scaling.md, "Partitioned intraday bars and retention").
            var ensured = await host.Services.GetRequiredService<PartitionMaintenance>()
                .EnsureAsync(host.Services.GetRequiredService<TimeProvider>().GetUtcNow(), token);
            Console.WriteLine($"intraday partitions: {ensured.Created.Count} created, {ensured.Defaults.Sum(d => d.Rows)} row(s) moved out of DEFAULT");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
