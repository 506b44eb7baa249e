using System.Globalization;
using System.Text;
using System.Text.Json;
using StockData.Core;
using StockData.Pipeline.Output;
using StockData.Pipeline.Daemon;

namespace StockData.Pipeline.Budget;

/// <summary>
/// <c>stockdata budget</c>: the spend and the plan against the allowance. The plan follows <see cref="RefreshSchedule"/>:
/// a daily-or-longer symbol-interval is fetched twice a trading day (once to learn the session, once for its final
/// bar), an intraday one every <see cref="DaemonOptions.IntradayRefreshInterval"/> around the clock, one request each
/// (an incremental intraday range is far inside a request's limit).
/// </summary>
internal static class BudgetReport
{
    /// <summary>Requests one scheduled symbol-interval takes per day.</summary>
    public static double PerDay(string interval, DaemonOptions daemon)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        if (!BarInterval.TryParse(interval, out var parsed) || parsed.IsDailyOrLonger)
        {
            return 2;
        }

        return Math.Ceiling(TimeSpan.FromDays(1) / daemon.IntradayRefreshInterval);
    }

    /// <summary>
    /// The document: every egress that is planned or has spent. The plan is spread evenly over
    /// <paramref name="plannedEgresses"/> (the router sends each request through the egress whose slot is earliest, so
    /// a pool of equal egresses shares the load evenly); an egress that only spent (a removed one) has no plan.
    /// </summary>
    public static BudgetDocument Build(IReadOnlyList<string> plannedEgresses, double permitsPerSecond,
        IReadOnlyList<(string Egress, string Purpose, long Requests)> spent, IReadOnlyList<(string Interval, int SymbolIntervals)> scheduled,
        DaemonOptions daemon)
    {
        ArgumentOutOfRangeException.ThrowIfZero(plannedEgresses.Count);
        var allowance = permitsPerSecond * 86_400;
        var share = 1.0 / plannedEgresses.Count;
        var plan = scheduled.Select(s =>
        {
            var each = PerDay(s.Interval, daemon);
            return new PlanLine(s.Interval, s.SymbolIntervals, each, each * s.SymbolIntervals * share);
        }).ToList();
        var egresses = spent.Select(s => s.Egress).Concat(plannedEgresses).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var list = new List<EgressBudget>();
        foreach (var egress in egresses)
        {
            var planned = plannedEgresses.Contains(egress, StringComparer.Ordinal);
            var byPurpose = RequestPurpose.All.Concat(spent.Where(s => s.Egress == egress).Select(s => s.Purpose)).Distinct(StringComparer.Ordinal)
                .ToDictionary(p => p, p => spent.Where(s => s.Egress == egress && s.Purpose == p).Sum(s => s.Requests), StringComparer.Ordinal);
            var planPerDay = planned ? plan.Sum(p => p.RequestsPerDay) : 0;
            list.Add(new EgressBudget(egress, allowance, byPurpose.Values.Sum(), byPurpose, planPerDay, planned ? plan : [], planPerDay > allowance));
        }

        return new BudgetDocument(list);
    }

    public static string Json(BudgetDocument document)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            JsonSerializer.Serialize(writer, document, BudgetJsonContext.Default.BudgetDocument);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Per egress: a summary line, the spend by purpose and the plan by interval (Spectre tables on a terminal).</summary>
    public static void Print(BudgetDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        foreach (var egress in document.Egresses)
        {
            Console.WriteLine(Summary(egress));
            if (TextTable.IsTerminal)
            {
                SpentTable(egress).Print();
                PlanTable(egress).Print();
            }
            else
            {
                Console.WriteLine(SpentTable(egress).ToPlainText());
                Console.WriteLine();
                Console.WriteLine(PlanTable(egress).ToPlainText());
            }

            Console.WriteLine();
        }
    }

    /// <summary>The warnings for plans above their allowance (printed on standard error).</summary>
    public static IEnumerable<string> Warnings(BudgetDocument document) =>
        document.Egresses.Where(e => e.OverAllowance).Select(e => string.Create(CultureInfo.InvariantCulture,
            $"warning: egress {e.Egress}: the schedules need {e.PlanPerDay:N0} requests a day, more than its allowance of {e.AllowancePerDay:N0}; symbols will be refreshed late (raise StockData:RateLimit:PermitsPerSecond only if the upstream allows it, add an egress, or schedule fewer)"));

    public static string Summary(EgressBudget egress) => string.Create(CultureInfo.InvariantCulture,
        $"egress {egress.Egress}: allowance {egress.AllowancePerDay:N0} requests/day; spent in the last 24 h {egress.SpentLastDay:N0} " +
        $"({Percent(egress.SpentLastDay, egress.AllowancePerDay)}); plan {egress.PlanPerDay:N0} requests/day ({Percent(egress.PlanPerDay, egress.AllowancePerDay)})");

    private static string Percent(double value, double of) =>
        of <= 0 ? "-" : (value / of).ToString("P1", CultureInfo.InvariantCulture);

    private static TextTable SpentTable(EgressBudget egress)
    {
        var table = new TextTable(new TextColumn("PURPOSE", 14), new TextColumn("REQUESTS 24H", 12, AlignRight: true));
        foreach (var (purpose, requests) in egress.SpentByPurpose)
        {
            table.Add(purpose, requests.ToString("N0", CultureInfo.InvariantCulture));
        }

        return table;
    }

    private static TextTable PlanTable(EgressBudget egress)
    {
        var table = new TextTable(new TextColumn("INTERVAL", 8), new TextColumn("SCHEDULED", 9, AlignRight: true),
            new TextColumn("EACH/DAY", 8, AlignRight: true), new TextColumn("REQUESTS/DAY", 12, AlignRight: true));
        foreach (var line in egress.Plan)
        {
            table.Add(line.Interval, line.SymbolIntervals.ToString("N0", CultureInfo.InvariantCulture),
                line.RequestsPerSymbolInterval.ToString("N0", CultureInfo.InvariantCulture), line.RequestsPerDay.ToString("N0", CultureInfo.InvariantCulture));
        }

        return table;
    }
}
