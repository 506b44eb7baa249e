using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using StockData.Core;
using StockData.Hosting;
using StockData.Ingest.Sources;
using StockData.Pipeline.Output;
using StockData.Storage.Postgres;
using StockData.Storage.Postgres.Universe;
using StockData.Yahoo.Client;

namespace StockData.Pipeline.Cli;

/// <summary>
/// <c>stockdata symbols import|add|list|remove</c>: the universe <c>run</c> keeps up to date. Adding schedules a
/// symbol-interval (due at once); removing takes it off the schedule and keeps its watermark and bars.
/// </summary>
internal static class SymbolsCommand
{
    private static readonly string[] Statuses = ["active", "not_found", "failing"];

    public static Command Create()
    {
        var command = new Command("symbols", "Manage the symbol universe the worker (stockdata run) keeps up to date.");
        command.Subcommands.Add(CreateImport());
        command.Subcommands.Add(CreateAdd());
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateRemove());
        return command;
    }

    private static Option<string> IntervalOption(string description) => Validated(new Option<string>("--interval")
    {
        Description = description,
        DefaultValueFactory = _ => BarInterval.Daily.Token,
    });

    internal static Option<string> Validated(Option<string> interval)
    {
        interval.Validators.Add(r =>
        {
            if (!BarInterval.TryParse(r.GetValueOrDefault<string>(), out _))
            {
                r.AddError($"--interval must be one of {string.Join(", ", BarInterval.Tokens)}.");
            }
        });
        return interval;
    }

    private static Command CreateImport()
    {
        var file = new Argument<string>("file") { Description = "Symbol list in replay's formats: one symbol per line (# comments), or CSV with a header symbol[,interval]; '-' reads stdin." };
        var interval = IntervalOption("Interval for lines that name none.");
        var command = new Command("import", "Add every symbol of a file to the universe (invalid lines are reported as file:line and skipped).") { file, interval };
        command.SetAction((parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (path != "-" && !File.Exists(path))
            {
                Console.Error.WriteLine($"stockdata: no such file: {path}");
                return Task.FromResult(ExitCodes.Usage);
            }

            var defaultInterval = BarInterval.Parse(parse.GetValue(interval)!);
            return StockDataVerb.RunAsync(async (host, token) =>
            {
                var entries = new List<(string, string)>();
                var rejected = 0;
                await using (var input = path == "-" ? Console.OpenStandardInput() : File.OpenRead(path))
                {
                    await foreach (var line in SymbolFileReader.ReadAsync(input, path == "-" ? "stdin" : path, defaultInterval, null, null,
                                       YahooSymbol.Problem, token))
                    {
                        if (line.Error is not null)
                        {
                            rejected++;
                            await Console.Error.WriteLineAsync(line.ToString());
                            continue;
                        }

                        entries.Add((line.Request!.Symbol, line.Request.Interval.Token));
                    }
                }

                if (entries.Count > 0)
                {
                    await AddAsync(host.Services, entries, token);
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rejected} line(s) rejected"));
                return rejected > 0 ? ExitCodes.Failed : ExitCodes.Ok;
            }, ct, StandardErrorLogging.Configure);
        });
        return command;
    }

    private static Command CreateAdd()
    {
        var symbols = new Argument<string[]>("symbol") { Description = "Symbols to add.", Arity = ArgumentArity.OneOrMore };
        var interval = IntervalOption("The interval to keep up to date.");
        var command = new Command("add", "Add symbols to the universe (due at once).") { symbols, interval };
        command.SetAction((parse, ct) =>
        {
            var names = parse.GetValue(symbols)!.Select(YahooSymbol.Normalize).Distinct(StringComparer.Ordinal).ToList();
            foreach (var name in names)
            {
                if (YahooSymbol.Problem(name) is { } problem)
                {
                    Console.Error.WriteLine($"stockdata: {problem}");
                    return Task.FromResult(ExitCodes.Usage);
                }
            }

            var token = parse.GetValue(interval)!;
            return StockDataVerb.RunAsync(async (host, cancellation) =>
            {
                await AddAsync(host.Services, names.Select(n => (n, token)).ToList(), cancellation);
                return ExitCodes.Ok;
            }, ct, StandardErrorLogging.Configure);
        });
        return command;
    }

    private static Command CreateList()
    {
        var status = new Option<string?>("--status") { Description = "Only symbols of this status: active, not_found or failing." };
        status.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } s && !Statuses.Contains(s, StringComparer.Ordinal))
            {
                r.AddError("--status must be active, not_found or failing.");
            }
        });
        var all = new Option<bool>("--all") { Description = "Also list symbol-intervals the store knows but does not refresh (replayed, job-fetched or removed)." };
        var command = new Command("list", "List the universe: each symbol-interval with its status, next fetch, watermark, failures and lease.") { status, all };
        command.SetAction((parse, ct) => StockDataVerb.RunAsync(async (host, token) =>
        {
            await host.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(token);
            var universe = host.Services.GetRequiredService<SymbolUniverse>();
            var table = new TextTable(new TextColumn("SYMBOL", 12), new TextColumn("INTERVAL", 8), new TextColumn("STATUS", 9),
                new TextColumn("NEXT FETCH (UTC)", 19), new TextColumn("WATERMARK (UTC)", 19), new TextColumn("FAILS", 5, AlignRight: true),
                new TextColumn("LEASE", 24), new TextColumn("LAST ERROR"));
            var count = 0;
            await foreach (var entry in universe.ListAsync(parse.GetValue(status), parse.GetValue(all), token))
            {
                count++;
                var lease = entry.LeaseOwner is { } owner ? string.Create(CultureInfo.InvariantCulture, $"{owner} until {entry.LeaseUntil:HH:mm:ss}") : "";
                table.Add(entry.Symbol, entry.Interval, entry.Status, Time(entry.NextFetchAt, "not scheduled"), Time(entry.Watermark, "-"),
                    entry.ConsecutiveFailures.ToString(CultureInfo.InvariantCulture), lease, Shorten(entry.LastError));
            }

            table.Print();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} symbol-interval(s)"));
            return ExitCodes.Ok;
        }, ct, StandardErrorLogging.Configure));
        return command;
    }

    private static Command CreateRemove()
    {
        var symbols = new Argument<string[]>("symbol") { Description = "Symbols to remove.", Arity = ArgumentArity.OneOrMore };
        var interval = Validated(new Option<string>("--interval") { Description = "Only this interval (default: every interval of the symbol)." });
        var command = new Command("remove", "Take symbols off the refresh schedule (their watermarks and bars stay; adding them back resumes incrementally).")
        {
            symbols, interval,
        };
        command.SetAction((parse, ct) =>
        {
            var names = parse.GetValue(symbols)!.Select(YahooSymbol.Normalize).Distinct(StringComparer.Ordinal).ToList();
            return StockDataVerb.RunAsync(async (host, token) =>
            {
                await host.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(token);
                var removed = await host.Services.GetRequiredService<SymbolUniverse>().RemoveAsync(names, parse.GetValue(interval), token);
                foreach (var (symbol, token2) in removed)
                {
                    Console.WriteLine($"removed {symbol} {token2}");
                }

                var missing = names.Except(removed.Select(r => r.Symbol), StringComparer.Ordinal).ToList();
                if (missing.Count > 0)
                {
                    await Console.Error.WriteLineAsync($"stockdata: not in the universe: {string.Join(", ", missing)}");
                }

                return missing.Count > 0 ? ExitCodes.Failed : ExitCodes.Ok;
            }, ct, StandardErrorLogging.Configure);
        });
        return command;
    }

    private static async Task AddAsync(IServiceProvider services, IReadOnlyList<(string Symbol, string Interval)> entries, CancellationToken token)
    {
        await services.GetRequiredService<SchemaMigrator>().MigrateAsync(token);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var result = await services.GetRequiredService<SymbolUniverse>().AddAsync(entries, now, token);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Added} added, {result.Rescheduled} back on the schedule, {result.AlreadyScheduled} already scheduled"));
    }

    private static string Time(DateTimeOffset? value, string none) =>
        value is { } time ? time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : none;

    private static string Shorten(string? text) => text is { Length: > 80 } ? text[..77] + "..." : text ?? "";
}
