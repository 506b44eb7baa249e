namespace StockData.YahooSim.Market;

/// <summary>
/// Back-adjusts a raw history the way Yahoo shows it as of one day (index <c>asOf</c>): prices before a split are
/// divided by the split ratio and volumes multiplied by it; dividend amounts are split-adjusted too; adjclose is the
/// close times the product of (1 − dividend / previous close) of every later dividend.
/// </summary>
internal sealed class Adjuster
{
    private readonly RawHistory _raw;
    private readonly int[] _splitIndex;
    private readonly double[] _splitPrefix;
    private readonly int[] _dividendIndex;
    private readonly double[] _dividendPrefix;
    private readonly int _splitsKnown;
    private readonly int _dividendsKnown;

    public Adjuster(RawHistory raw, int asOf)
    {
        _raw = raw;
        _splitIndex = [.. raw.Splits.Select(s => s.Index)];
        _splitPrefix = new double[raw.Splits.Length + 1];
        _splitPrefix[0] = 1;
        for (var k = 0; k < raw.Splits.Length; k++)
        {
            _splitPrefix[k + 1] = _splitPrefix[k] * raw.Splits[k].Numerator / raw.Splits[k].Denominator;
        }

        _dividendIndex = [.. raw.Dividends.Select(d => d.Index)];
        _dividendPrefix = new double[raw.Dividends.Length + 1];
        _dividendPrefix[0] = 1;
        for (var k = 0; k < raw.Dividends.Length; k++)
        {
            _dividendPrefix[k + 1] = _dividendPrefix[k] * raw.Dividends[k].Multiplier;
        }

        _splitsKnown = CountUpTo(_splitIndex, asOf);
        _dividendsKnown = CountUpTo(_dividendIndex, asOf);
    }

    /// <summary>The product of the ratios of the splits after day <paramref name="index"/> (and not after as-of).</summary>
    public double SplitFactorAfter(int index) => _splitPrefix[_splitsKnown] / _splitPrefix[Math.Min(_splitsKnown, CountUpTo(_splitIndex, index))];

    public double DividendFactorAfter(int index) =>
        _dividendPrefix[_dividendsKnown] / _dividendPrefix[Math.Min(_dividendsKnown, CountUpTo(_dividendIndex, index))];

    public double Open(int i) => _raw.Open[i] / SplitFactorAfter(i);

    public double High(int i) => _raw.High[i] / SplitFactorAfter(i);

    public double Low(int i) => _raw.Low[i] / SplitFactorAfter(i);

    public double Close(int i) => _raw.Close[i] / SplitFactorAfter(i);

    public long Volume(int i) => (long)Math.Round(_raw.Volume[i] * SplitFactorAfter(i));

    public double AdjClose(int i) => Close(i) * DividendFactorAfter(i);

    /// <summary>Dividend amounts as Yahoo lists them: in today's shares.</summary>
    public double DividendAmount(int k) => Math.Round(_raw.Dividends[k].Amount / SplitFactorAfter(_raw.Dividends[k].Index), 6);

    private static int CountUpTo(int[] indexes, int index)
    {
        var position = Array.BinarySearch(indexes, index);
        return position >= 0 ? position + 1 : ~position;
    }
}
