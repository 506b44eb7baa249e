using Microsoft.Extensions.Options;
using StockData.YahooSim.Configuration;
using StockData.YahooSim.Market;

namespace StockData.YahooSim.Faults;

/// <summary>
/// Picks each request's fault from a draw fixed by (seed, symbol, the request's number for that symbol), not by
/// arrival order: concurrent clients see the same faults per symbol attempt in every run.
/// </summary>
internal sealed class FaultInjector(IOptions<SimulatorOptions> options)
{
    private readonly SimulatorOptions _options = options.Value;

    public bool DropsData => _options.DropDates > 0 || _options.DropDividends > 0;

    public FaultKind Pick(ulong symbolSeed, long requestNumber)
    {
        var draw = SplitMix64.Hash01((ulong)_options.FaultSeed, symbolSeed, (ulong)requestNumber, 0xFA17UL);
        var o = _options;
        foreach (var (probability, kind) in (ReadOnlySpan<(double, FaultKind)>)[
                     (o.Fault429, FaultKind.TooManyRequests), (o.Fault500, FaultKind.InternalServerError),
                     (o.Fault503, FaultKind.ServiceUnavailable), (o.FaultTruncate, FaultKind.Truncated),
                     (o.FaultSlow, FaultKind.Slow), (o.FaultReset, FaultKind.Reset)])
        {
            if (draw < probability)
            {
                return kind;
            }

            draw -= probability;
        }

        return FaultKind.None;
    }

    /// <summary>True when this request's response leaves out the row of <paramref name="dayNumber"/>.</summary>
    public bool DropsDate(ulong symbolSeed, long requestNumber, long dayNumber) =>
        _options.DropDates > 0 && SplitMix64.Hash01((ulong)_options.FaultSeed, symbolSeed ^ 0xDA7EUL, (ulong)requestNumber, (ulong)dayNumber) < _options.DropDates;

    /// <summary>True when this request's response leaves out the dividend of <paramref name="dayNumber"/>.</summary>
    public bool DropsDividend(ulong symbolSeed, long requestNumber, long dayNumber) =>
        _options.DropDividends > 0 && SplitMix64.Hash01((ulong)_options.FaultSeed, symbolSeed ^ 0xD1D1UL, (ulong)requestNumber, (ulong)dayNumber) < _options.DropDividends;
}
