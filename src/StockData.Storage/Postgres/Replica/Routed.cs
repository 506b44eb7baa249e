namespace StockData.Storage.Postgres.Replica;

/// <summary>
/// One reader on the primary and the same reader on the standby (none without a read replica); each read goes where
/// <see cref="ReadRouter"/> says, and a standby that cannot be reached hands the read to the primary.
/// </summary>
public sealed class Routed<TReader>(TReader primary, TReader? standby, ReadRouter router)
    where TReader : class
{
    /// <summary>The reader on <paramref name="target"/> (the primary's when there is no standby).</summary>
    public TReader For(ReadTarget target) => target == ReadTarget.Standby && standby is not null ? standby : primary;

    /// <summary>
    /// Runs <paramref name="read"/> on the chosen server; if the standby fails to answer (down, restarting, cut off),
    /// marks it down and runs the read again on the primary, so the caller sees an answer, not the outage.
    /// </summary>
    /// <param name="symbols">The symbols read (null: all of them), for read-your-writes.</param>
    /// <param name="fresh">True when the caller needs the primary's current data (e.g. <c>refresh=true</c>).</param>
    public async Task<(T Result, ReadTarget Target)> ReadAsync<T>(IReadOnlyCollection<string>? symbols, bool fresh,
        Func<TReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        var target = standby is null ? ReadTarget.Primary : await router.ChooseAsync(symbols, fresh, cancellationToken);
        if (target == ReadTarget.Standby)
        {
            try
            {
                var result = await read(standby!, cancellationToken);
                router.Served(ReadTarget.Standby);
                return (result, ReadTarget.Standby);
            }
            catch (Exception ex) when (ReadRouter.IsUnreachable(ex) && !cancellationToken.IsCancellationRequested)
            {
                router.StandbyFailed(ex);
            }
        }

        var answer = await read(primary, cancellationToken);
        router.Served(ReadTarget.Primary);
        return (answer, ReadTarget.Primary);
    }

    /// <summary>
    /// For a read that streams (an export, a CLI listing): chooses the server and, for the standby, checks it answers
    /// before the first row, since a stream cut mid-way cannot be retried elsewhere.
    /// </summary>
    public async Task<(TReader Reader, ReadTarget Target)> PickAsync(IReadOnlyCollection<string>? symbols, bool fresh, CancellationToken cancellationToken)
    {
        var target = standby is null ? ReadTarget.Primary : await router.ChooseAsync(symbols, fresh, cancellationToken);
        if (target == ReadTarget.Standby && await router.ProbeAsync(cancellationToken) is null)
        {
            target = ReadTarget.Primary;
        }

        router.Served(target);
        return (For(target), target);
    }
}
