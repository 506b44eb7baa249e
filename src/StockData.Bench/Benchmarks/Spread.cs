using System.Globalization;

namespace StockData.Bench.Benchmarks;

/// <summary>
/// Min, median and max of a benchmark figure's samples. The machines these run on drift by tens of percent within
/// minutes, so one sample says little: every figure is measured several times, interleaved with the others, and
/// printed with its spread.
/// </summary>
internal readonly record struct Spread(double Min, double Median, double Max, int Count)
{
    public static Spread Of(IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToList();
        if (sorted.Count == 0)
        {
            return new Spread(0, 0, 0, 0);
        }

        var middle = sorted.Count / 2;
        var median = sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new Spread(sorted[0], median, sorted[^1], sorted.Count);
    }

    /// <summary>"median (min–max)" in the given number format.</summary>
    public string Format(string format) =>
        string.Create(CultureInfo.InvariantCulture, $"{Median.ToString(format, CultureInfo.InvariantCulture)} " +
                                                    $"({Min.ToString(format, CultureInfo.InvariantCulture)}–{Max.ToString(format, CultureInfo.InvariantCulture)})");

    /// <summary>The JSON form: min, median, max rounded to <paramref name="digits"/>, and the number of samples.</summary>
    public Dictionary<string, object> ToJson(int digits) => new()
    {
        ["min"] = Math.Round(Min, digits),
        ["median"] = Math.Round(Median, digits),
        ["max"] = Math.Round(Max, digits),
        ["samples"] = Count,
    };
}
