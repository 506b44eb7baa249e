using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using StockData.Hosting;
using StockData.Storage.Postgres;

namespace StockData.Pipeline.Cli;

/// <summary><c>stockdata migrate</c>: apply the schema migrations and exit.</summary>
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
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
