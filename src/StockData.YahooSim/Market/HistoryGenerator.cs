namespace StockData.YahooSim.Market;

/// <summary>
/// Generates a symbol's raw history: a geometric random walk seeded by the symbol, with valid OHLC relations,
/// lognormal volumes, quarterly dividends for payers and splits when the price runs high (reverse splits when it
/// collapses), as real companies do. The walk only moves forward, so the history up to any day never depends on
/// the horizon: a later "now" extends it and never rewrites it.
/// </summary>
internal static class HistoryGenerator
{
    public static RawHistory Generate(SymbolProfile profile, DateOnly horizon)
    {
        var exchange = profile.Exchange;
        var capacity = Math.Max(16, (int)((horizon.DayNumber - profile.Listing.DayNumber) * (exchange.SevenDays ? 1.0 : 0.72)) + 8);
        var days = new List<int>(capacity);
        var open = new List<double>(capacity);
        var high = new List<double>(capacity);
        var low = new List<double>(capacity);
        var close = new List<double>(capacity);
        var volume = new List<double>(capacity);
        var splits = new List<(int, int, int)>();
        var dividends = new List<(int, double, double)>();

        var rng = new SplitMix64(profile.Seed);
        var dt = 1.0 / profile.TradingDaysPerYear;
        var sigma = profile.Volatility * Math.Sqrt(dt);
        var mu = (profile.Drift - 0.5 * profile.Volatility * profile.Volatility) * dt;
        var previousClose = profile.InitialPrice;
        var pendingSplit = (Numerator: 0, Denominator: 0);
        var lastSplitIndex = -1000;
        var lastDividendQuarter = -1;

        for (var day = profile.Listing; day <= horizon; day = day.AddDays(1))
        {
            if (!exchange.IsTradingDay(day))
            {
                continue;
            }

            var index = days.Count;
            if (pendingSplit.Numerator > 0)
            {
                // The ex-date of a split: the tape's price divides by the ratio overnight.
                previousClose = previousClose * pendingSplit.Denominator / pendingSplit.Numerator;
                splits.Add((index, pendingSplit.Numerator, pendingSplit.Denominator));
                lastSplitIndex = index;
                pendingSplit = (0, 0);
            }
            else if (profile.DividendYield > 0 && IsDividendDay(profile, day, ref lastDividendQuarter))
            {
                // Never on a split day, so the multiplier's units agree (amount and previous close in the same shares).
                var amount = Math.Max(0.01, Math.Round(previousClose * profile.DividendYield / 4, 2));
                if (amount < previousClose * 0.5)
                {
                    dividends.Add((index, amount, 1 - amount / previousClose));
                    previousClose -= amount;
                }
            }

            var dayOpen = previousClose * Math.Exp(sigma * 0.25 * rng.NextNormal());
            var dayClose = previousClose * Math.Exp(mu + sigma * rng.NextNormal());
            var top = Math.Max(dayOpen, dayClose);
            var bottom = Math.Min(dayOpen, dayClose);
            days.Add(day.DayNumber);
            open.Add(dayOpen);
            close.Add(dayClose);
            high.Add(top * Math.Exp(Math.Abs(rng.NextNormal()) * sigma * 0.5));
            low.Add(bottom * Math.Exp(-Math.Abs(rng.NextNormal()) * sigma * 0.5));
            volume.Add(profile.BaseVolume * Math.Exp(0.35 * rng.NextNormal()));
            previousClose = dayClose;

            if (profile.SplitThreshold > 0 && index - lastSplitIndex > 250)
            {
                if (dayClose > profile.SplitThreshold)
                {
                    var ratio = dayClose > profile.SplitThreshold * 3 ? 10 : dayClose > profile.SplitThreshold * 1.5 ? 4 : 2;
                    pendingSplit = (ratio, 1);
                }
                else if (dayClose < 1.0)
                {
                    pendingSplit = (1, 10);
                }
            }
        }

        return new RawHistory
        {
            Profile = profile,
            Days = [.. days],
            Open = [.. open],
            High = [.. high],
            Low = [.. low],
            Close = [.. close],
            Volume = [.. volume],
            Splits = [.. splits],
            Dividends = [.. dividends],
        };
    }

    /// <summary>The first trading day on or after the profile's dividend date in each quarter.</summary>
    private static bool IsDividendDay(SymbolProfile profile, DateOnly day, ref int lastQuarter)
    {
        var quarter = day.Year * 4 + (day.Month - 1) / 3;
        if (quarter == lastQuarter || (day.Month - 1) % 3 < profile.DividendMonthOffset)
        {
            return false;
        }

        if ((day.Month - 1) % 3 == profile.DividendMonthOffset && day.Day < profile.DividendDay)
        {
            return false;
        }

        lastQuarter = quarter;
        return true;
    }
}
