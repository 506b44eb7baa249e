using System.Text.Json;

namespace StockData.IntegrationTests.Upstream.Fetching;

/// <summary>The simulator's arrival log (<c>/sim/stats</c> <c>arrivals</c>): when each chart request came, and its status.</summary>
internal sealed record SimArrivals(IReadOnlyList<(double Seconds, int Status)> Requests, double NowSeconds)
{
    public static SimArrivals From(JsonElement stats) => new(
        [.. stats.GetProperty("arrivals").EnumerateArray().Select(a => (a[0].GetDouble() / 1000, a[1].GetInt32()))],
        stats.GetProperty("now_ms").GetDouble() / 1000);

    public IEnumerable<double> TimesOf(int status) => Requests.Where(r => r.Status == status).Select(r => r.Seconds);

    /// <summary>
    /// The largest excess, over all windows between two arrivals, of the requests in the window over
    /// <c>rate × window + burst</c> (≤ 0 when the arrivals never beat the bucket).
    /// </summary>
    public double WorstExcess(double rate, double burst, double from = double.MinValue, double to = double.MaxValue)
    {
        var times = Requests.Select(r => r.Seconds).Where(t => t >= from && t <= to).OrderBy(t => t).ToList();
        var worst = double.MinValue;
        for (var i = 0; i < times.Count; i++)
        {
            for (var j = i; j < times.Count; j++)
            {
                worst = Math.Max(worst, j - i + 1 - (rate * (times[j] - times[i]) + burst));
            }
        }

        return times.Count == 0 ? 0 : worst;
    }
}
