using StockData.Core;
using StockData.Ingest.Sources;
using StockData.Storage.Postgres.Jobs;
using StockData.Yahoo.Client;

namespace StockData.Pipeline.Jobs;

/// <summary>
/// Validates a job request the same way for <c>jobs submit</c> and <c>POST /jobs</c>: every symbol (as replay checks
/// them), the interval, the range and the priority. Symbols are de-duplicated per interval.
/// </summary>
internal static class JobRequests
{
    /// <summary>The most items one job may hold (a larger universe is several jobs).</summary>
    public const int MaxItems = 100_000;

    public static (JobSubmission? Submission, JobRequestError? Error) FromSymbols(IReadOnlyList<string> symbols, string? interval,
        string? from, string? to, string? priority)
    {
        var (spec, error) = Defaults(interval, from, to, priority);
        if (spec is null)
        {
            return (null, error);
        }

        if (symbols.Count == 0)
        {
            return (null, new JobRequestError("symbols", "at least one symbol is required"));
        }

        if (symbols.Count > MaxItems)
        {
            return (null, new JobRequestError("symbols", $"at most {MaxItems} symbols per job"));
        }

        var items = new List<NewJobItem>(symbols.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var symbol in symbols.Select(YahooSymbol.Normalize))
        {
            if (YahooSymbol.Problem(symbol) is { } problem)
            {
                return (null, new JobRequestError("symbols", problem));
            }

            if (seen.Add(symbol))
            {
                items.Add(new NewJobItem(symbol, spec.Interval, spec.From, spec.To));
            }
        }

        return (new JobSubmission(spec, items), null);
    }

    /// <summary>The job's own settings: interval (default 1d), range, priority (high or normal; default normal).</summary>
    public static (JobSpec? Spec, JobRequestError? Error) Defaults(string? interval, string? from, string? to, string? priority)
    {
        interval ??= BarInterval.Daily.Token;
        if (!BarInterval.TryParse(interval, out _))
        {
            return (null, new JobRequestError("interval", $"'{interval}' is not one of {string.Join(", ", BarInterval.Tokens)}"));
        }

        DateTimeOffset? start = null, end = null;
        if (!SymbolFileReader.TryDate(from ?? "", ref start, out var fromError))
        {
            return (null, new JobRequestError("from", fromError!));
        }

        if (!SymbolFileReader.TryDate(to ?? "", ref end, out var toError))
        {
            return (null, new JobRequestError("to", toError!));
        }

        if (start is not null && end is not null && start >= end)
        {
            return (null, new JobRequestError("from", "from must be before to"));
        }

        var level = JobPriority.Normal;
        if (priority is not null && !JobPriorityNames.TryParseSubmittable(priority, out level))
        {
            return (null, new JobRequestError("priority", $"'{priority}' is not high or normal"));
        }

        return (new JobSpec(level, interval, start, end), null);
    }
}
