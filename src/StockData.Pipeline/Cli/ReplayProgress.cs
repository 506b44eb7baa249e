using System.Globalization;
using Spectre.Console;
using StockData.Ingest;
using StockData.Pipeline.Output;

namespace StockData.Pipeline.Cli;

/// <summary>
/// Shows a run's progress: a live Spectre.Console table on a terminal, a plain line every few seconds when output is
/// redirected (a live display would fill logs with escape codes).
/// </summary>
internal sealed class ReplayProgress(IngestStats stats, TimeProvider time)
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);
    private readonly long _started = time.GetTimestamp();

    /// <summary>Runs until <paramref name="done"/> completes.</summary>
    public async Task RunAsync(Task done)
    {
        if (!TextTable.IsTerminal)
        {
            while (await Task.WhenAny(done, Task.Delay(PlainInterval, time)) != done)
            {
                await Console.Error.WriteLineAsync(PlainLine());
            }

            return;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("progress").AddColumn("value");
        await AnsiConsole.Live(table).AutoClear(true).StartAsync(async ctx =>
        {
            while (await Task.WhenAny(done, Task.Delay(TimeSpan.FromMilliseconds(500), time)) != done)
            {
                table.Rows.Clear();
                foreach (var (name, value) in Fields())
                {
                    table.AddRow(Markup.Escape(name), Markup.Escape(value));
                }

                ctx.Refresh();
            }
        });
    }

    /// <summary>The one-line form: symbols done/total, rows/s, errors, each stage's queue depth.</summary>
    public string PlainLine() => "progress: " + string.Join(", ", Fields().Select(f => $"{f.Name} {f.Value}"));

    private IEnumerable<(string Name, string Value)> Fields()
    {
        var elapsed = time.GetElapsedTime(_started).TotalSeconds;
        var total = stats.SymbolsTotal?.ToString("N0", CultureInfo.InvariantCulture) ?? "?";
        yield return ("symbols", $"{stats.SymbolsDone:N0}/{total}");
        yield return ("rows", stats.RowsWritten.ToString("N0", CultureInfo.InvariantCulture));
        yield return ("rows/s", (elapsed > 0 ? stats.RowsWritten / elapsed : 0).ToString("N0", CultureInfo.InvariantCulture));
        yield return ("errors", (stats.SymbolsFailed + stats.InputErrors).ToString(CultureInfo.InvariantCulture));
        yield return ("429s", stats.RateLimited.ToString(CultureInfo.InvariantCulture));
        if (stats.QueueDepths is { } depths)
        {
            yield return ("queues", string.Join(' ', depths().Select(d => $"{d.Stage}={d.Depth}")));
        }
    }
}
