namespace StockData.Yahoo.Egress;

/// <summary>
/// The egress the current flow sends through: set around one attempt (a chart request and the session requests it may
/// trigger), read by the HTTP handler that picks the egress's connection pool and proxy. An async-local value, so it
/// flows into the awaits of that attempt only; unset means the first configured egress.
/// </summary>
public static class EgressScope
{
    private static readonly AsyncLocal<string?> CurrentId = new();

    /// <summary>The egress id of this flow, or null for the first egress.</summary>
    public static string? Current => CurrentId.Value;

    /// <summary>Sends this flow's requests through <paramref name="egressId"/> until the returned scope is disposed.</summary>
    public static Entered Enter(string egressId)
    {
        var previous = CurrentId.Value;
        CurrentId.Value = egressId;
        return new Entered(previous);
    }

    /// <summary>Restores the previous egress on dispose.</summary>
    public readonly struct Entered(string? previous) : IDisposable
    {
        public void Dispose() => CurrentId.Value = previous;
    }
}
