using System.Globalization;

namespace StockData.YahooSim.Market;

/// <summary>Dates a symbol never traded on (halts): absent from every response, unlike the random drop fault.</summary>
internal static class HaltList
{
    public static bool TryParse(string? text, out HashSet<(string Symbol, int Day)> halts, out string? error)
    {
        halts = [];
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        foreach (var item in text.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = item.LastIndexOf(':');
            if (colon <= 0 || !DateOnly.TryParseExact(item[(colon + 1)..], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                error = $"'{item}' is not SYMBOL:yyyy-MM-dd";
                return false;
            }

            halts.Add((item[..colon].ToUpperInvariant(), date.DayNumber));
        }

        return true;
    }
}
