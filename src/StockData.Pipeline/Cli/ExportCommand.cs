using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StockData.Core;
using StockData.Diagnostics;
using StockData.Hosting;
using StockData.Pipeline.Export;
using StockData.Storage.Postgres;
using StockData.Storage.Postgres.Export;
using StockData.Storage.Postgres.Replica;
using StockData.Yahoo.Client;

namespace StockData.Pipeline.Cli;

/// <summary>
/// <c>stockdata export --out DIR (--symbols FILE | --all) [--interval] [--from] [--to] [--as-of] [--format csv|parquet]
/// [--partition symbol|year] [--adjust none]</c>: bars, corporate actions and symbol metadata to files, with a manifest.
/// A bad request is one line naming the option and exit code 2, before anything is written.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Export directory (created; empty, or a previous export of the same request to resume).", Required = true };
        var symbols = new Option<string?>("--symbols") { Description = "A file of symbols, one a line ('#' comments; the first word of a line counts)." };
        var all = new Option<bool>("--all") { Description = "Every symbol in the store." };
        var interval = SymbolsCommand.Validated(new Option<string>("--interval") { Description = "Bar interval.", DefaultValueFactory = _ => "1d" });
        var from = new Option<string?>("--from") { Description = "First date or time (ISO-8601, UTC unless an offset is given)." };
        var to = new Option<string?>("--to") { Description = "Last date (daily intervals, inclusive) or end time (intraday, exclusive)." };
        var asOf = new Option<string?>("--as-of") { Description = "Export what the store held at this time (ISO-8601)." };
        var format = new Option<string>("--format") { Description = "csv or parquet.", DefaultValueFactory = _ => "parquet" };
        OneOf(format, "csv", "parquet");
        var partition = new Option<string>("--partition") { Description = "One bars file per symbol, or per interval and trade year.", DefaultValueFactory = _ => "symbol" };
        OneOf(partition, "symbol", "year");
        var adjust = new Option<string>("--adjust") { Description = "Price adjustment of the bars: none (stored values), splits, or all (splits and distributions), as GET /bars?adjust=.", DefaultValueFactory = _ => "none" };
        OneOf(adjust, [.. BarAdjustment.Names]);
        var command = new Command("export", "Write bars, events and symbol metadata to CSV or Parquet files with a manifest (resumable).")
        {
            output, symbols, all, interval, from, to, asOf, format, partition, adjust,
        };
        command.SetAction((parse, ct) =>
        {
            ExportRequest request;
            try
            {
                request = Parse(parse.GetValue(output)!, parse.GetValue(symbols), parse.GetValue(all), parse.GetValue(interval)!, parse.GetValue(from),
                    parse.GetValue(to), parse.GetValue(asOf), parse.GetValue(format)!, parse.GetValue(partition)!, parse.GetValue(adjust)!, null);
            }
            catch (ExportRequestException ex)
            {
                Console.Error.WriteLine($"stockdata: {ex.Message}");
                return Task.FromResult(ExitCodes.Usage);
            }

            return StockDataVerb.RunAsync(async (host, token) =>
            {
                var services = host.Services;
                await services.GetRequiredService<SchemaMigrator>().MigrateAsync(token);
                var timeProvider = services.GetRequiredService<TimeProvider>();
                if (request.AsOf > timeProvider.GetUtcNow())
                {
                    await Console.Error.WriteLineAsync($"stockdata: --as-of: {parse.GetValue(asOf)} is in the future");
                    return ExitCodes.Usage;
                }

                // One server for the whole export (a manifest must come from one store): the standby when there is one
                // and it answers, else the primary.
                var (bars, target) = await services.GetRequiredService<Routed<BarExportReader>>().PickAsync(null, fresh: false, token);
                var exporter = new Exporter(bars, services.GetRequiredService<Routed<CatalogExportReader>>().For(target), timeProvider);
                var started = timeProvider.GetTimestamp();
                ExportSummary summary;
                try
                {
                    summary = await exporter.RunAsync(request, ExportProgress.ForConsole(timeProvider), token);
                }
                catch (ExportRequestException ex)
                {
                    await Console.Error.WriteLineAsync($"stockdata: {ex.Message}");
                    return ExitCodes.Usage;
                }

                var seconds = timeProvider.GetElapsedTime(started).TotalSeconds;
                PipelineLog.ExportFinished(services.GetRequiredService<ILogger<Exporter>>(), summary.Written, summary.Unchanged, summary.Rows, seconds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"exported {summary.Rows} rows in {summary.Written + summary.Unchanged} files ({summary.Written} written, {summary.Unchanged} unchanged, {summary.Bytes} bytes) in {seconds:F1} s; manifest {summary.ManifestPath}"));
                return ExitCodes.Ok;
            }, ct, StandardErrorLogging.Configure);
        });
        return command;
    }

    /// <summary>Like AcceptOnlyFromAmong, but the one-line error names the option.</summary>
    private static void OneOf(Option<string> option, params string[] values) => option.Validators.Add(r =>
    {
        var value = r.GetValueOrDefault<string>();
        if (!values.Contains(value, StringComparer.Ordinal))
        {
            r.AddError($"{option.Name}: '{value}' is not one of {string.Join(", ", values)}");
        }
    });

    /// <summary>
    /// Checks what needs no database (and, given a clock, that <c>--as-of</c> is not in the future); the symbols'
    /// existence and the directory's contents are checked by <see cref="Exporter"/>.
    /// </summary>
    internal static ExportRequest Parse(string output, string? symbolsFile, bool all, string interval, string? from, string? to, string? asOf,
        string format, string partition, string adjust, TimeProvider? time)
    {
        if (all == (symbolsFile is not null))
        {
            throw new ExportRequestException("--symbols", "give either --symbols FILE or --all");
        }

        IReadOnlyList<string>? symbols = null;
        if (symbolsFile is not null)
        {
            symbols = ReadSymbols(symbolsFile);
        }

        var fromTime = Time("--from", from);
        var toTime = Time("--to", to);
        var asOfTime = Time("--as-of", asOf);
        if (fromTime > toTime)
        {
            throw new ExportRequestException("--from", $"{from} is after --to {to}");
        }

        if (time is not null && asOfTime > time.GetUtcNow())
        {
            throw new ExportRequestException("--as-of", $"{asOf} is in the future");
        }

        return new ExportRequest(output, all, symbols, BarInterval.Parse(interval), fromTime, toTime, asOfTime,
            format == "csv" ? ExportFormat.Csv : ExportFormat.Parquet, partition == "year" ? ExportPartition.Year : ExportPartition.Symbol, adjust);
    }

    private static IReadOnlyList<string> ReadSymbols(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ExportRequestException("--symbols", $"cannot read {path} ({ex.Message})");
        }

        var symbols = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Split('#', 2)[0].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var symbol = YahooSymbol.Normalize(line.Split([' ', '\t', ','], 2)[0]);
            if (YahooSymbol.Problem(symbol) is { } problem)
            {
                throw new ExportRequestException("--symbols", $"{path}:{i + 1}: {problem}");
            }

            if (seen.Add(symbol))
            {
                symbols.Add(symbol);
            }
        }

        return symbols.Count > 0 ? symbols : throw new ExportRequestException("--symbols", $"{path} holds no symbol");
    }

    private static DateTimeOffset? Time(string option, string? text)
    {
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : throw new ExportRequestException(option, $"'{text}' is not an ISO-8601 date or time");
    }
}
