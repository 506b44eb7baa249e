using System.CommandLine;
using StockData.Hosting;

namespace StockData.Pipeline.Cli;

/// <summary>The <c>stockdata</c> root command: one verb per file, each registered here.</summary>
internal static class StockDataCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("stockdata: keeps a PostgreSQL store of stock price bars up to date from Yahoo Finance's chart API.");
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(RetentionCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(SymbolsCommand.Create());
        root.Subcommands.Add(JobsCommand.Create());
        root.Subcommands.Add(BarsCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(QualityCommand.Create());
        root.Subcommands.Add(BudgetCommand.Create());
        root.Subcommands.Add(YahooCommand.Create());
        return root;
    }

    public static async Task<int> InvokeAsync(string[] args)
    {
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"stockdata: {error.Message}");
            }

            await Console.Error.WriteLineAsync("Run 'stockdata --help' for usage.");
            return ExitCodes.Usage;
        }

        // Verbs handle Ctrl-C / SIGTERM themselves (drain, then abort on a second signal): System.CommandLine would
        // force an exit two seconds after the first.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
}
