using System.Text.RegularExpressions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace StockData.Hosting;

/// <summary>
/// Runs a verb's body inside a built host and turns the failures every verb shares into one clear line and an exit
/// code: invalid configuration (a rule broken, or a value that does not even convert) → 2, a database that cannot be
/// reached or refuses the connection (wrong password, no such database) → 1. No stack traces for expected failures.
/// </summary>
public static partial class VerbRunner
{
    /// <summary>The configuration binder's message for a value of the wrong type (e.g. <c>forever</c> for a TimeSpan).</summary>
    [GeneratedRegex("^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']*)' to type '(?<type>[^']*)'")]
    private static partial Regex ConversionFailure();

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
        catch (InvalidOperationException ex) when (ConversionFailure().Match(ex.Message) is { Success: true } match)
        {
            return ConversionError(match);
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
            catch (InvalidOperationException ex) when (ConversionFailure().Match(ex.Message) is { Success: true } match)
            {
                return ConversionError(match);
            }
            catch (PostgresException ex) when (RefusesConnection(ex))
            {
                // The server answered but will not let this process in: the message names the reason (it never holds
                // the connection string, so no password).
                await Console.Error.WriteLineAsync($"stockdata: cannot connect to PostgreSQL: {ex.SqlState}: {FirstLine(ex.MessageText)}");
                return ExitCodes.Failed;
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

    private static int ConversionError(Match match)
    {
        var key = match.Groups["key"].Value;
        var type = match.Groups["type"].Value;
        Console.Error.WriteLine($"stockdata: configuration error: {key} (environment {key.Replace(":", "__", StringComparison.Ordinal)}): " +
                                $"'{match.Groups["value"].Value}' is not a valid {type[(type.LastIndexOf('.') + 1)..]}");
        return ExitCodes.Usage;
    }

    /// <summary>
    /// Errors of connecting, not of a statement: authorization (class 28: wrong password, no such role), no such
    /// database (3D000), too many connections (53300), the server starting or shutting down (57P01–57P03).
    /// </summary>
    private static bool RefusesConnection(PostgresException ex) =>
        ex.SqlState.StartsWith("28", StringComparison.Ordinal)
        || ex.SqlState is PostgresErrorCodes.InvalidCatalogName or PostgresErrorCodes.TooManyConnections
            or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow;

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
