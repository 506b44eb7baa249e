using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace StockData.Pipeline.Export;

/// <summary>
/// Reads a row stream on another thread, a batch ahead of its consumer, so decoding rows off the wire and encoding
/// them into a file overlap (two cores instead of one). At most <see cref="Capacity"/> batches wait: memory stays
/// constant. A batch the consumer has finished with (it asked for the next one) goes back to the producer, so a file
/// allocates its batches once, not once per 1,024 rows.
/// </summary>
internal static class ReadAhead
{
    /// <summary>Rows per batch.</summary>
    public const int BatchRows = 1024;

    public const int Capacity = 8;

    public static async IAsyncEnumerable<ArraySegment<T>> BatchesAsync<T>(IAsyncEnumerable<T> source,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<ArraySegment<T>>(new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true });
        // Batches handed back by the consumer; unbounded, but never holds more than the batches in circulation.
        var free = Channel.CreateUnbounded<T[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(async () =>
        {
            try
            {
                var batch = new T[BatchRows];
                var count = 0;
                await foreach (var item in source.WithCancellation(stop.Token))
                {
                    batch[count++] = item;
                    if (count == batch.Length)
                    {
                        await channel.Writer.WriteAsync(batch, stop.Token);
                        batch = free.Reader.TryRead(out var reused) ? reused : new T[BatchRows];
                        count = 0;
                    }
                }

                if (count > 0)
                {
                    await channel.Writer.WriteAsync(new ArraySegment<T>(batch, 0, count), stop.Token);
                }

                channel.Writer.Complete();
            }
            catch (Exception ex)
            {
                channel.Writer.Complete(ex);
            }
        }, CancellationToken.None);

        try
        {
            await foreach (var batch in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return batch;
                // Back here, the consumer is done with the batch (its rows are overwritten, not cleared: the batches
                // die with the file).
                free.Writer.TryWrite(batch.Array!);
            }
        }
        finally
        {
            // A consumer that stops early (or fails) stops the producer and waits for it, so no query outlives the file.
            await stop.CancelAsync();
            try
            {
                await producer;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
