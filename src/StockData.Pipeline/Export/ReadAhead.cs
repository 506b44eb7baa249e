using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace StockData.Pipeline.Export;

/// <summary>
/// Reads a row stream on another thread, a batch ahead of its consumer, so decoding rows off the wire and encoding
/// them into a file overlap (two cores instead of one). At most <see cref="Capacity"/> batches wait: memory stays
/// constant.
/// </summary>
internal static class ReadAhead
{
    /// <summary>Rows per batch: 1,024 bars stay below the large-object-heap threshold (85,000 bytes).</summary>
    public const int BatchRows = 1024;

    public const int Capacity = 8;

    public static async IAsyncEnumerable<ArraySegment<T>> BatchesAsync<T>(IAsyncEnumerable<T> source,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<ArraySegment<T>>(new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true });
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
                        batch = new T[BatchRows];
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
