using System.CommandLine;
using System.Globalization;
using StockData.Core;
using StockData.Hosting;
using StockData.Yahoo.Parsing;

namespace StockData.Pipeline.Cli;

/// <summary><c>stockdata yahoo …</c>: tools for Yahoo's chart API (<c>parse</c> a saved body, <c>fetch</c> one live request, <c>doctor</c> the way to Yahoo step by step).</summary>
internal static class YahooCommand
{
    public static Command Create()
    {
        var command = new Command("yahoo", "Yahoo Finance chart API tools.");
        command.Subcommands.Add(CreateParse());
        command.Subcommands.Add(YahooFetchCommand.Create());
        command.Subcommands.Add(YahooDoctorCommand.Create());
        return command;
    }

    /// <summary>
    /// <c>yahoo parse FILE</c>: the parse result of a saved response body as JSON on stdout. Exit 0 whenever the body
    /// was classified, an error category included; usage errors (no such file, bad option values) exit 2.
    /// </summary>
    private static Command CreateParse()
    {
        var file = new Argument<FileInfo>("file") { Description = "A saved chart response body." };
        file.AcceptExistingOnly();
        var status = new Option<int>("--status")
        {
            Description = "The HTTP status the body came with.",
            DefaultValueFactory = _ => 200,
            // Parsed here rather than validated afterwards: a validator reading an unconvertible value throws.
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 100 and <= 599)
                {
                    return code;
                }

                result.AddError($"--status must be an HTTP status code (100-599), not '{text}'.");
                return 0;
            },
        };
        var contentType = new Option<string>("--content-type")
        {
            Description = "The Content-Type the body came with (shown in error messages).",
            DefaultValueFactory = _ => "application/json",
        };
        var symbol = new Option<string?>("--symbol") { Description = "The symbol asked for (default: meta.symbol, else the file name)." };
        var interval = new Option<string?>("--interval")
        {
            Description = $"The interval asked for: {string.Join(", ", BarInterval.Tokens)} (default: meta.dataGranularity, else 1d).",
        };
        interval.Validators.Add(result =>
        {
            var token = result.GetValueOrDefault<string?>();
            if (!BarInterval.TryParse(token, out _))
            {
                result.AddError($"--interval '{token}' is not one of {string.Join(", ", BarInterval.Tokens)}.");
            }
        });
        var period2 = new Option<long?>("--period2") { Description = "The request's period2 (exclusive end, epoch seconds)." };
        var retryAfter = new Option<double?>("--retry-after")
        {
            Description = "The Retry-After header in seconds.",
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) &&
                    double.IsFinite(seconds) && seconds is >= 0 and <= 1e9)
                {
                    return seconds;
                }

                result.AddError($"--retry-after must be a number of seconds >= 0, not '{text}'.");
                return null;
            },
        };

        var command = new Command("parse", "Parse a saved Yahoo chart response body (rules R1-R14) and print the result as JSON.")
        {
            file, status, contentType, symbol, interval, period2, retryAfter,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            byte[] body;
            try
            {
                body = File.ReadAllBytes(path.FullName);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"stockdata: cannot read {path.FullName}: {ex.Message}");
                return ExitCodes.Usage;
            }

            var info = new ChartResponseInfo(parse.GetValue(status))
            {
                ContentType = parse.GetValue(contentType),
                Symbol = parse.GetValue(symbol),
                Interval = parse.GetValue(interval) is { } token ? BarInterval.Parse(token) : null,
                Period2 = parse.GetValue(period2),
                RetryAfter = parse.GetValue(retryAfter) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            };
            var result = ChartParser.Parse(body, info);
            if (result.Symbol.Length == 0)
            {
                result = result with { Symbol = SymbolFromFileName(path.Name) };
            }

            using var stdout = Console.OpenStandardOutput();
            FetchResultJsonWriter.Write(stdout, result);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The file name without its extension: <c>SI.json</c> → <c>SI</c>.</summary>
    private static string SymbolFromFileName(string fileName) => Path.GetFileNameWithoutExtension(fileName);
}
