using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using StockData.Pipeline.Hosting;

namespace StockData.Pipeline.Cli;

/// <summary>
/// Runs a verb's body inside a built host and turns the failures every verb shares into one clear line and an exit
/// code: invalid configuration → 2, an unreachable database → 1. No stack traces for expected failures.
/// </summary>
internal static class VerbRunner
{
    /// <param name="requireDatabase">False for verbs that never touch PostgreSQL (<c>yahoo fetch</c>): its connection
    /// string may then be missing.</param>
    public static Task<int> RunAsync(Func<IHost, CancellationToken, Task<int>> body, CancellationToken cancellationToken,
        Action<HostApplicationBuilder>? configure = null, bool requireDatabase = true) =>
        RunAsync(() => StockDataHost.Build(configure), body, cancellationToken, requireDatabase);

    /// <summary>As above, in a host <paramref name="build"/> makes (the <c>run</c> verb's web host).</summary>
    public static async Task<int> RunAsync(Func<IHost> build, Func<IHost, CancellationToken, Task<int>> body,
        CancellationToken cancellationToken, bool requireDatabase = true)
    {
        IHost host;
        try
        {
            host = build();
            if (requireDatabase)
            {
                StockDataHost.ValidateOptions(host.Services);
            }
        }
        catch (OptionsValidationException ex)
        {
            return ConfigurationError(ex);
        }

        using (host)
        {
            try
            {
                return await body(host, cancellationToken);
            }
            catch (OptionsValidationException ex)
            {
                return ConfigurationError(ex);
            }
            catch (NpgsqlException ex) when (ex is not PostgresException)
            {
                await Console.Error.WriteLineAsync($"stockdata: cannot reach PostgreSQL: {FirstLine(ex.Message)}" +
                    (ex.InnerException is { } inner ? $" ({FirstLine(inner.Message)})" : ""));
                return ExitCodes.Failed;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync("stockdata: cancelled");
                return 130;
            }
        }
    }

    private static int ConfigurationError(OptionsValidationException ex)
    {
        Console.Error.WriteLine($"stockdata: configuration error: {string.Join("; ", ex.Failures.Select(FirstLine))}");
        return ExitCodes.Usage;
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
