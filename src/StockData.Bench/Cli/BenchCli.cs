using System.CommandLine;
using StockData.Hosting;

namespace StockData.Bench.Cli;

/// <summary>The <c>stockdata-bench</c> root command: the benchmark verbs (<see cref="BenchCommand"/>).</summary>
internal static class BenchCli
{
    public static async Task<int> InvokeAsync(string[] args)
    {
        var parse = BenchCommand.Create().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"stockdata-bench: {error.Message}");
            }

            await Console.Error.WriteLineAsync("Run 'stockdata-bench --help' for usage.");
            return ExitCodes.Usage;
        }

        // Verbs handle Ctrl-C / SIGTERM themselves: System.CommandLine would force an exit two seconds after the first.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
}
