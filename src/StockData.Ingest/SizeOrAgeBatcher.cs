using System.Threading.Tasks.Dataflow;

namespace StockData.Ingest;

/// <summary>
/// A Dataflow propagator that groups items into batches of <c>batchSize</c> rows, or fewer when the batch's
/// <em>first</em> row has waited <c>maxAge</c>, and flushes the partial batch when its input completes.
/// </summary>
/// <remarks>
/// A plain BatchBlock only emits when full or completed, so a trickle of symbols would sit unwritten; re-arming a
/// timer on every item turns "max age" into "debounce" and stalls a steady trickle (wolverine#3490). The age is
/// therefore timed from the first row of the batch and never re-armed. Items heavier than the room left are split
/// (the <c>split</c> callback), so every batch but the last holds exactly <c>batchSize</c> rows.
/// </remarks>
public sealed class SizeOrAgeBatcher<T>
{
    private readonly BufferBlock<T> _input;
    private readonly BufferBlock<IReadOnlyList<T>> _output;
    private readonly int _batchSize;
    private readonly TimeSpan _maxAge;
    private readonly Func<T, int> _rows;
    private readonly Func<T, int, (T Head, T Tail)> _split;
    private readonly TimeProvider _time;
    private readonly Action<TimeSpan>? _formed;

    /// <param name="rows">How many rows an item holds.</param>
    /// <param name="split">Splits an item after its first n rows (n ≥ 1, n &lt; rows).</param>
    /// <param name="formed">Told each batch's age when it is emitted: from its first row to its hand-over to the
    /// output (the batch stage's duration metric), excluding any wait for room in the output.</param>
    public SizeOrAgeBatcher(int batchSize, TimeSpan maxAge, int inputCapacity, int outputCapacity,
        Func<T, int> rows, Func<T, int, (T Head, T Tail)> split, TimeProvider timeProvider, Action<TimeSpan>? formed = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _batchSize = batchSize;
        _maxAge = maxAge;
        _rows = rows;
        _split = split;
        _time = timeProvider;
        _formed = formed;
        _input = new BufferBlock<T>(new DataflowBlockOptions { BoundedCapacity = inputCapacity });
        _output = new BufferBlock<IReadOnlyList<T>>(new DataflowBlockOptions { BoundedCapacity = outputCapacity });
        Block = DataflowBlock.Encapsulate(_input, _output);
        _ = RunAsync();
    }

    /// <summary>The block to link: items in, batches out; completion and faults propagate.</summary>
    public IPropagatorBlock<T, IReadOnlyList<T>> Block { get; }

    /// <summary>Items waiting in the input buffer (the stage's backlog gauge).</summary>
    public int InputCount => _input.Count;

    private async Task RunAsync()
    {
        var batch = new List<T>();
        var rows = 0;
        var firstAt = DateTimeOffset.MinValue;
        try
        {
            while (true)
            {
                var available = _input.OutputAvailableAsync();
                if (batch.Count > 0 && !available.IsCompleted)
                {
                    var wait = firstAt + _maxAge - _time.GetUtcNow();
                    if (wait > TimeSpan.Zero)
                    {
                        using var cancelDelay = new CancellationTokenSource();
                        var delay = Task.Delay(wait, _time, cancelDelay.Token);
                        if (await Task.WhenAny(available, delay) == available)
                        {
                            await cancelDelay.CancelAsync();
                        }
                    }

                    if (!available.IsCompleted)
                    {
                        await FlushAsync();
                        continue;
                    }
                }

                if (!await available)
                {
                    break;
                }

                while (_input.TryReceive(out var item))
                {
                    var itemRows = _rows(item);
                    while (rows + itemRows > _batchSize && rows < _batchSize && itemRows > 0)
                    {
                        var room = _batchSize - rows;
                        var (head, tail) = _split(item, room);
                        Add(head, room);
                        await FlushAsync();
                        item = tail;
                        itemRows -= room;
                    }

                    Add(item, itemRows);
                    if (rows >= _batchSize)
                    {
                        await FlushAsync();
                    }
                }
            }

            if (batch.Count > 0)
            {
                await FlushAsync();
            }

            if (_input.Completion.IsFaulted)
            {
                ((IDataflowBlock)_output).Fault(_input.Completion.Exception!.GetBaseException());
            }
            else
            {
                _output.Complete();
            }
        }
        catch (Exception ex)
        {
            ((IDataflowBlock)_output).Fault(ex);
            ((IDataflowBlock)_input).Fault(ex);
        }

        void Add(T item, int itemRows)
        {
            if (batch.Count == 0)
            {
                firstAt = _time.GetUtcNow();
            }

            batch.Add(item);
            rows += itemRows;
        }

        async Task FlushAsync()
        {
            _formed?.Invoke(_time.GetUtcNow() - firstAt);
            var full = batch;
            batch = [];
            rows = 0;
            if (!await _output.SendAsync(full))
            {
                throw new InvalidOperationException("The batch stage's output refused a batch (the write stage faulted).");
            }
        }
    }
}
