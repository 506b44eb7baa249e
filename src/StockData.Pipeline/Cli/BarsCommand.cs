using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using StockData.Core;
using StockData.Hosting;
using StockData.Ingest.Sources;
using StockData.Pipeline.Output;
using StockData.Storage.Postgres;
using StockData.Storage.Postgres.Reading;
using StockData.Storage.Postgres.Replica;
using StockData.Yahoo.Client;

namespace StockData.Pipeline.Cli;

/// <summary>
/// <c>stockdata bars --symbol S [--interval] [--from] [--to] [--as-of] [--adjust]</c>: one symbol's stored bars, read
/// like <c>GET /bars/{symbol}</c>. A table on a terminal; CSV (the HTTP API's columns) when standard output is
/// redirected, streamed row by row. Bad input is one line on standard error and exit code 2, before anything is read.
/// </summary>
internal static class BarsCommand
{
    public static Command Create()
    {
        var symbol = new Option<string>("--symbol") { Description = "The symbol to read.", Required = true };
        var interval = new Option<string>("--interval") { Description = "The interval (default 1d).", DefaultValueFactory = _ => BarInterval.Daily.Token };
        var from = new Option<string?>("--from") { Description = "First date or time (ISO-8601; daily intervals compare trade dates, both ends inclusive)." };
        var to = new Option<string?>("--to") { Description = "Last date (daily, inclusive) or end time (intraday, exclusive)." };
        var asOf = new Option<string?>("--as-of") { Description = "Answer with what the store held at this time." };
        var adjust = new Option<string>("--adjust") { Description = "none (default), splits or all (splits and distributions).", DefaultValueFactory = _ => "none" };
        var command = new Command("bars", "Print one symbol's stored bars: a table on a terminal, CSV when redirected.")
        {
            symbol, interval, from, to, asOf, adjust,
        };
        command.SetAction((parse, ct) =>
        {
            var (query, problem) = Query(parse.GetValue(symbol)!, parse.GetValue(interval)!, parse.GetValue(from), parse.GetValue(to),
                parse.GetValue(asOf), parse.GetValue(adjust)!);
            if (query is null)
            {
                Console.Error.WriteLine($"stockdata: {problem}");
                return Task.FromResult(ExitCodes.Usage);
            }

            return StockDataVerb.RunAsync((host, token) => PrintAsync(host.Services, query, token), ct, StandardErrorLogging.Configure);
        });
        return command;
    }

    /// <summary>The query the options ask for, or the one-line problem with them (naming the option).</summary>
    internal static (BarQuery? Query, string? Problem) Query(string symbolText, string intervalText, string? fromText, string? toText,
        string? asOfText, string adjustText)
    {
        var symbol = YahooSymbol.Normalize(symbolText);
        if (YahooSymbol.Problem(symbol) is { } symbolProblem)
        {
            return (null, $"--symbol: {symbolProblem}");
        }

        if (!BarInterval.TryParse(intervalText, out var interval))
        {
            return (null, $"--interval: '{intervalText}' is not one of {string.Join(", ", BarInterval.Tokens)}");
        }

        DateTimeOffset? from = null, to = null, asOf = null;
        if (!SymbolFileReader.TryDate(fromText ?? "", ref from, out var fromError))
        {
            return (null, $"--from: {fromError}");
        }

        if (!SymbolFileReader.TryDate(toText ?? "", ref to, out var toError))
        {
            return (null, $"--to: {toError}");
        }

        if (from > to)
        {
            return (null, "--from: must not be after --to");
        }

        if (!SymbolFileReader.TryDate(asOfText ?? "", ref asOf, out var asOfError))
        {
            return (null, $"--as-of: {asOfError}");
        }

        if (!PriceAdjustments.TryParse(adjustText, out var adjust))
        {
            return (null, $"--adjust: '{adjustText}' is not one of {string.Join(", ", PriceAdjustments.Tokens)}");
        }

        return (new BarQuery(symbol, interval, from, to, asOf, adjust), null);
    }

    private static async Task<int> PrintAsync(IServiceProvider services, BarQuery query, CancellationToken cancellationToken)
    {
        if (query.AsOf > services.GetRequiredService<TimeProvider>().GetUtcNow())
        {
            await Console.Error.WriteLineAsync("stockdata: --as-of: is in the future; the store cannot answer for a time that has not come");
            return ExitCodes.Usage;
        }

        await services.GetRequiredService<SchemaMigrator>().MigrateAsync(cancellationToken);
        var (reader, _) = await services.GetRequiredService<Routed<BarReader>>().PickAsync([query.Symbol], fresh: false, cancellationToken);
        if (!await reader.KnowsSymbolAsync(query.Symbol, cancellationToken))
        {
            await Console.Error.WriteLineAsync($"stockdata: --symbol: {query.Symbol} is not in the store");
            return ExitCodes.Usage;
        }

        var bars = reader.ReadAsync(query, cancellationToken);
        if (TextTable.IsTerminal)
        {
            var table = Table();
            await foreach (var bar in bars)
            {
                AddRow(table, bar);
            }

            table.Print();
            return ExitCodes.Ok;
        }

        await using var stdout = new StreamWriter(Console.OpenStandardOutput(), Console.OutputEncoding, 64 * 1024) { NewLine = "\n" };
        await stdout.WriteLineAsync(BarCsv.Header);
        await foreach (var bar in bars)
        {
            await stdout.WriteLineAsync(BarCsv.Line(query.Symbol, query.Interval.Token, bar));
        }

        return ExitCodes.Ok;
    }

    /// <summary>The terminal table's columns: dates, the four prices, adj_close and volume, numbers right-aligned.</summary>
    internal static TextTable Table() => new(new TextColumn("DATE", 10), new TextColumn("TIME (UTC)", 10),
        new TextColumn("OPEN", 12, AlignRight: true), new TextColumn("HIGH", 12, AlignRight: true), new TextColumn("LOW", 12, AlignRight: true),
        new TextColumn("CLOSE", 12, AlignRight: true), new TextColumn("ADJ CLOSE", 12, AlignRight: true), new TextColumn("VOLUME", 14, AlignRight: true));

    internal static void AddRow(TextTable table, Bar bar) => table.Add(
        bar.TradeDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bar.Timestamp.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
        Price(bar.Open), Price(bar.High), Price(bar.Low), Price(bar.Close),
        bar.AdjClose is { } adjClose ? Price(adjClose) : "",
        bar.Volume?.ToString("N0", CultureInfo.InvariantCulture) ?? "");

    // Six significant decimals at most: enough for pence and crypto, short enough for a terminal.
    private static string Price(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
