namespace StockData.Core;

/// <summary>
/// Adjusts one symbol's bars, read in date order, for the splits and cash distributions after each bar. Pure: built
/// from the events, it does no I/O.
/// </summary>
/// <remarks>
/// A bar dated before ex-date E is scaled by every event on E:
/// <list type="bullet">
/// <item>a split of ratio r divides open, high, low, close and adj_close by r and multiplies the volume by r, when the
/// bar's values were written before the split took effect (values fetched later are already split-adjusted by Yahoo,
/// and dividing them again would count the split twice);</item>
/// <item>with <see cref="PriceAdjustment.All"/>, cash c paid on E with previous close p multiplies the four prices by
/// 1 − c/p, the ratio Yahoo's adjclose carries back from each ex-date (adj_close already holds it).</item>
/// </list>
/// The factors are products over the events after a date, so they are computed once per stretch between two ex-dates;
/// each bar then costs a multiply per field. Not thread-safe: one instance per read.
/// </remarks>
public sealed class PriceAdjuster
{
    private readonly DateOnly[] _exDates;
    private readonly double[] _cashSuffix;
    private readonly double[] _splitRatios;
    private readonly DateTimeOffset[] _splitEffective;
    private readonly double[] _splitSuffix;
    private readonly DateTimeOffset[] _earliestSuffix;
    private readonly DateTimeOffset[] _latestSuffix;

    // The stretch of the last bar: dates in [_low, _high) share the segment _segment.
    private int _segment = -1;
    private DateOnly _low;
    private DateOnly _high;

    private PriceAdjuster(DateOnly[] exDates, double[] cash, double[] splitRatios, DateTimeOffset[] splitEffective)
    {
        var n = exDates.Length;
        _exDates = exDates;
        _splitRatios = splitRatios;
        _splitEffective = splitEffective;
        _cashSuffix = new double[n + 1];
        _splitSuffix = new double[n + 1];
        _earliestSuffix = new DateTimeOffset[n + 1];
        _latestSuffix = new DateTimeOffset[n + 1];
        _cashSuffix[n] = 1;
        _splitSuffix[n] = 1;
        _earliestSuffix[n] = DateTimeOffset.MaxValue;
        _latestSuffix[n] = DateTimeOffset.MinValue;
        for (var k = n - 1; k >= 0; k--)
        {
            _cashSuffix[k] = _cashSuffix[k + 1] * cash[k];
            _splitSuffix[k] = _splitSuffix[k + 1] * splitRatios[k];
            var isSplit = splitRatios[k] != 1;
            _earliestSuffix[k] = isSplit && splitEffective[k] < _earliestSuffix[k + 1] ? splitEffective[k] : _earliestSuffix[k + 1];
            _latestSuffix[k] = isSplit && splitEffective[k] > _latestSuffix[k + 1] ? splitEffective[k] : _latestSuffix[k + 1];
        }
    }

    private PriceAdjuster(PriceAdjuster other)
    {
        _exDates = other._exDates;
        _cashSuffix = other._cashSuffix;
        _splitRatios = other._splitRatios;
        _splitEffective = other._splitEffective;
        _splitSuffix = other._splitSuffix;
        _earliestSuffix = other._earliestSuffix;
        _latestSuffix = other._latestSuffix;
    }

    /// <summary>
    /// An adjuster of the same events for another read (the factors are shared, read-only; only the cache of the last
    /// stretch is its own), so reads on several threads can each have one.
    /// </summary>
    public PriceAdjuster Clone() => new(this);

    /// <summary>True when no bar changes (<see cref="PriceAdjustment.None"/>, or no events that count).</summary>
    public bool IsIdentity => _exDates.Length == 0;

    /// <summary>
    /// Whether <see cref="Apply"/> needs each bar's write time: only when a split counts. Without one a reader can skip
    /// that column (most symbols have no split).
    /// </summary>
    public bool NeedsWriteTimes => Array.Exists(_splitRatios, r => r != 1);

    /// <summary>
    /// The adjuster for <paramref name="adjustment"/>: splits count for <see cref="PriceAdjustment.Splits"/> and
    /// <see cref="PriceAdjustment.All"/>, cash only for <see cref="PriceAdjustment.All"/>. Events on one date combine
    /// (ratios multiply; a split there takes effect at the latest of their times).
    /// </summary>
    /// <param name="shareSplits">The splits that bring each payment's amount and previous close to the same shares, when
    /// they are more than <paramref name="splits"/>: an as-of read before a split does not apply it to the bars, but
    /// the store may hold a dividend amount Yahoo restated for it since (the multiplier is a ratio: any common shares
    /// do). Null: <paramref name="splits"/>.</param>
    public static PriceAdjuster Create(PriceAdjustment adjustment, IEnumerable<SplitAdjustment> splits, IEnumerable<CashAdjustment> cash,
        IEnumerable<SplitAdjustment>? shareSplits = null)
    {
        ArgumentNullException.ThrowIfNull(splits);
        ArgumentNullException.ThrowIfNull(cash);
        var byDate = new SortedDictionary<DateOnly, (double Cash, double Ratio, DateTimeOffset Effective)>();
        if (adjustment != PriceAdjustment.None)
        {
            foreach (var split in splits)
            {
                if (split.Ratio > 0 && double.IsFinite(split.Ratio) && split.Ratio != 1)
                {
                    var (c, r, e) = byDate.GetValueOrDefault(split.ExDate, (1, 1, DateTimeOffset.MinValue));
                    byDate[split.ExDate] = (c, r * split.Ratio, split.EffectiveAt > e ? split.EffectiveAt : e);
                }
            }
        }

        if (adjustment == PriceAdjustment.All)
        {
            // The splits alone first: they bring each amount and previous close to today's shares.
            var shares = shareSplits is null ? Create(PriceAdjustment.Splits, byDate.Select(p => new SplitAdjustment(p.Key, p.Value.Ratio, p.Value.Effective)), [])
                : Create(PriceAdjustment.Splits, shareSplits, []);
            foreach (var paid in cash)
            {
                var multiplier = Multiplier(paid, shares);
                if (multiplier != 1)
                {
                    var (c, r, e) = byDate.GetValueOrDefault(paid.ExDate, (1, 1, DateTimeOffset.MinValue));
                    byDate[paid.ExDate] = (c * multiplier, r, e);
                }
            }
        }

        return new PriceAdjuster(
            [.. byDate.Keys],
            [.. byDate.Values.Select(v => v.Cash)],
            [.. byDate.Values.Select(v => v.Ratio)],
            [.. byDate.Values.Select(v => v.Effective)]);
    }

    /// <summary>
    /// 1 − amount / previous close, both in today's shares; 1 when there is nothing to scale (no previous bar, a
    /// non-positive close, or an amount the close does not exceed: a data error that would flip prices' sign).
    /// </summary>
    private static double Multiplier(in CashAdjustment paid, PriceAdjuster shares)
    {
        // Each value divided by the splits after its own date that it predates: a payment on a split's ex-date is
        // then per new share (as Yahoo lists it) while the close before it is per old share, until restated.
        var amount = paid.Amount / shares.SplitRatio(paid.ExDate, paid.AmountWrittenAt);
        var close = paid.PreviousClose / shares.SplitRatio(paid.PreviousDate, paid.PreviousCloseWrittenAt);
        return close > 0 && double.IsFinite(close) && amount > 0 && amount < close ? 1 - (amount / close) : 1;
    }

    private double SplitRatio(DateOnly date, DateTimeOffset? writtenAt) => SplitRatio(Segment(date), writtenAt ?? DateTimeOffset.MinValue);

    /// <summary>The bar adjusted. <paramref name="writtenAt"/>: when its values were stored; null counts them as raw (every split applies).</summary>
    public Bar Apply(in Bar bar, DateTimeOffset? writtenAt) => Scale(bar, writtenAt).Rounded();

    /// <summary>
    /// The bar's values multiplied by their factors, before <see cref="Significant"/> rounds them (<see cref="Apply"/> is
    /// this, rounded). A split's volume is rounded here already: it is a count of shares.
    /// </summary>
    public ScaledBar Scale(in Bar bar, DateTimeOffset? writtenAt)
    {
        var (price, ratio) = Factors(bar.TradeDate, writtenAt ?? DateTimeOffset.MinValue);
        if (price == 1 && ratio == 1)
        {
            return ScaledBar.Unscaled(bar);
        }

        var split = ratio != 1;
        return new ScaledBar(
            new Bar(
                bar.Timestamp,
                bar.TradeDate,
                bar.Open * price,
                bar.High * price,
                bar.Low * price,
                bar.Close * price,
                split && bar.AdjClose is { } adjClose ? adjClose * (1 / ratio) : bar.AdjClose,
                !split || bar.Volume is not { } volume ? bar.Volume : (long)Math.Round(volume * ratio, MidpointRounding.AwayFromZero)),
            PricesScaled: true,
            AdjCloseScaled: split && bar.AdjClose is not null);
    }

    /// <summary>
    /// <paramref name="value"/> to <see cref="SignificantDigits"/> significant digits. A product of a stored price and
    /// a factor carries the factor's noise in its last digits (16.502855716023433 for a stored 20.0661): a reader
    /// gains nothing from them, while they make every adjusted CSV or JSON number about twice as long as a stored one.
    /// Ten digits keep any price to far better than the 1e-6 relative to which adjusted prices match Yahoo's adj_close.
    /// </summary>
    public static double Significant(double value)
    {
        if (value == 0 || !double.IsFinite(value))
        {
            return value;
        }

        // The power of ten of the leading digit, then a scale that leaves SignificantDigits digits before the point.
        var shift = SignificantDigits - 1 - DecimalExponent(Math.Abs(value));
        if (shift is <= 0 or >= 23)
        {
            // Integers of ten or more digits, or values so small no price has them: left as they are (powers of ten
            // beyond 1e22 are not exact doubles, so the division below would add noise instead of removing it).
            return value;
        }

        var scale = PowersOfTen[shift];
        return Math.Round(value * scale, MidpointRounding.AwayFromZero) / scale;
    }

    /// <summary>
    /// floor(log10(<paramref name="magnitude"/>)) of a positive finite value: the power of ten of its leading digit.
    /// Public so that a formatter that rounds to <see cref="SignificantDigits"/> itself counts digits the same way.
    /// </summary>
    /// <remarks>
    /// Math.Log10 was a fifth of <see cref="Significant"/>'s time. Between 1e-13 and 1e9 (every exponent that leaves
    /// Significant something to round) the binary exponent gives it instead: e2 · log10 2, rounded down (1233 / 4096 is
    /// log10 2 to within 5e-6, exact enough for |e2| &lt; 50), is the answer or one below it, and one comparison
    /// decides. Elsewhere Math.Log10 still answers.
    /// </remarks>
    public static int DecimalExponent(double magnitude)
    {
        if (magnitude is >= 1e-13 and < 1e9)
        {
            var exponent = (Math.ILogB(magnitude) * 1233) >> 12;
            return magnitude >= DecimalPowers[exponent + 1 + DecimalPowersOffset] ? exponent + 1 : exponent;
        }

        return (int)Math.Floor(Math.Log10(magnitude));
    }

    /// <summary>10^k for k from −14 to 9, at <c>k + <see cref="DecimalPowersOffset"/></c> (those below 1 are the doubles nearest them).</summary>
    private static readonly double[] DecimalPowers =
        [1e-14, 1e-13, 1e-12, 1e-11, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

    private const int DecimalPowersOffset = 14;

    /// <summary>Significant digits of an adjusted price (<see cref="Significant"/>).</summary>
    public const int SignificantDigits = 10;

    // Exact doubles: every power of ten up to 1e22 is.
    private static readonly double[] PowersOfTen =
        [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

    /// <summary>
    /// The price multiplier (cash and splits) and the split ratio for a bar of <paramref name="date"/> whose values were
    /// written at <paramref name="writtenAt"/>.
    /// </summary>
    public (double Price, double SplitRatio) Factors(DateOnly date, DateTimeOffset writtenAt)
    {
        var k = Segment(date);
        var ratio = SplitRatio(k, writtenAt);
        return (_cashSuffix[k] / ratio, ratio);
    }

    private double SplitRatio(int k, DateTimeOffset writtenAt)
    {
        if (writtenAt >= _latestSuffix[k])
        {
            return 1;
        }

        if (writtenAt < _earliestSuffix[k])
        {
            return _splitSuffix[k];
        }

        // Values written between two later splits' times: only the splits they predate count (a rare, mixed store).
        var ratio = 1.0;
        for (var j = k; j < _exDates.Length; j++)
        {
            if (_splitRatios[j] != 1 && writtenAt < _splitEffective[j])
            {
                ratio *= _splitRatios[j];
            }
        }

        return ratio;
    }

    /// <summary>Index of the first ex-date after <paramref name="date"/> (events from there on apply to it).</summary>
    private int Segment(DateOnly date)
    {
        if (_segment >= 0 && date >= _low && date < _high)
        {
            return _segment;
        }

        var position = Array.BinarySearch(_exDates, date);
        // An event on the bar's own date does not apply to it: the first applying one is after it.
        var k = position >= 0 ? position + 1 : ~position;
        _segment = k;
        _low = k == 0 ? DateOnly.MinValue : _exDates[k - 1];
        _high = k == _exDates.Length ? DateOnly.MaxValue : _exDates[k];
        return k;
    }
}
