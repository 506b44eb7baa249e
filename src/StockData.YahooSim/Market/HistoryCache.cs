using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StockData.YahooSim.Configuration;

namespace StockData.YahooSim.Market;

/// <summary>
/// Generated histories per (symbol, exchange-local "today"). Bounded by bytes: past the bound it starts afresh,
/// which only costs regeneration (the history is a pure function of the symbol, <c>--seed</c> and the day).
/// </summary>
internal sealed class HistoryCache(IOptions<SimulatorOptions> options)
{
    private const long MaxBytes = 384L * 1024 * 1024;

    private readonly ConcurrentDictionary<string, SymbolProfile> _profiles = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Symbol, int Today), RawHistory> _histories = new();
    private readonly int _seed = options.Value.Seed;
    private long _bytes;

    public SymbolProfile Profile(string symbol)
    {
        if (_profiles.Count > 200_000)
        {
            _profiles.Clear();
        }

        return _profiles.GetOrAdd(symbol, static (s, seed) => SymbolProfile.For(s, seed), _seed);
    }

    public RawHistory History(SymbolProfile profile, DateOnly today)
    {
        var key = (profile.Symbol, today.DayNumber);
        if (_histories.TryGetValue(key, out var history))
        {
            return history;
        }

        history = HistoryGenerator.Generate(profile, today);
        if (Interlocked.Add(ref _bytes, history.ApproximateBytes) > MaxBytes)
        {
            _histories.Clear();
            Interlocked.Exchange(ref _bytes, history.ApproximateBytes);
        }

        return _histories.GetOrAdd(key, history);
    }
}
