namespace StockData.YahooSim.Market;

/// <summary>
/// A small, fast PRNG whose sequence is fixed by its seed forever (System.Random's seeded algorithm is an
/// implementation detail; a simulator whose history changed with the runtime would break byte-identical tests).
/// </summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;
    private double _spare;
    private bool _hasSpare;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        return Mix(z);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [min, max).</summary>
    public double Between(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Standard normal (Box–Muller, both values of each pair used: generation cost is mostly these).</summary>
    public double NextNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }

        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        var radius = Math.Sqrt(-2.0 * Math.Log(u1));
        var (sin, cos) = Math.SinCos(2.0 * Math.PI * u2);
        _spare = radius * sin;
        _hasSpare = true;
        return radius * cos;
    }

    /// <summary>The SplitMix64 finaliser: a good 64-bit mixer, also used to hash several values into one draw.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform draw in [0, 1) fixed by the given values (order matters).</summary>
    public static double Hash01(ulong a, ulong b, ulong c = 0, ulong d = 0) =>
        (Mix(Mix(Mix(Mix(a) ^ b) ^ c) ^ d) >> 11) * (1.0 / (1UL << 53));

    /// <summary>FNV-1a over the UTF-16 code units: a per-symbol seed stable across processes (string.GetHashCode is randomised).</summary>
    public static ulong HashString(string value)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return Mix(hash);
    }
}
