namespace StockData.Upstream.Fetching;

/// <summary>
/// When the current attempt's rate-limiter slot fell due (or, without one, when it was granted), carried from
/// <see cref="ChartFetchService"/> down to <see cref="SlotKeeper"/>'s checks in the HTTP handler chain and on the
/// connection. An async-local value flows to the calls an attempt makes (the Yahoo client, its handlers, the
/// connection's writes) and never back up, so concurrent attempts each see their own grant.
/// </summary>
public sealed class SendSlot
{
    private readonly AsyncLocal<Ticket?> _ticket = new();

    /// <summary>Marks the calls that follow as sent under a slot granted at <paramref name="timestamp"/> (0 = none).</summary>
    public void Granted(long timestamp) => _ticket.Value = timestamp == 0 ? null : new Ticket(timestamp);

    /// <summary>The grant's timestamp for this flow (a new slot's once the old one was given up), or 0 when the request went through no limiter.</summary>
    public long GrantedAt => _ticket.Value?.SlotAt ?? 0;

    /// <summary>This flow's slot, or null.</summary>
    internal Ticket? Current => _ticket.Value;

    /// <summary>
    /// One attempt's slot. A reference the flow shares, so a check deep in the connection sees a slot replaced by the
    /// handler before it and marks the request checked once (a request's later writes are its body, not a new send).
    /// </summary>
    internal sealed class Ticket(long slotAt)
    {
        public long SlotAt = slotAt;

        public bool Written;
    }
}
