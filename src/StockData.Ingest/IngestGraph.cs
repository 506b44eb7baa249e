using System.Threading.Tasks.Dataflow;
using StockData.Core;
using StockData.Diagnostics;

namespace StockData.Ingest;

/// <summary>
/// One run's graph: the stages' blocks, bounded and linked with completion propagated, and the run's life (feed, drain
/// on stop, tear down on a fatal failure). Every block is bounded and the source sends with SendAsync, so a slow
/// database holds the source back instead of filling memory. The run owns its statistics and its callbacks (the
/// auth cooldown is the fleet's, shared by every run); per-fetch facts ride on the messages (<see cref="FetchTicket"/>).
/// </summary>
internal sealed class IngestGraph
{
    private readonly IngestPipeline.Parts _parts;
    private readonly CancellationTokenSource _abort;
    private readonly SourceStage _source;
    private readonly TransformBlock<FetchPart, FetchedPart> _fetch;
    private readonly TransformBlock<FetchedPart, ParsedPart> _parse;
    private readonly TransformManyBlock<ParsedPart, BatchItem> _sequence;
    private readonly SizeOrAgeBatcher<BatchItem> _batch;
    private readonly ActionBlock<IReadOnlyList<BatchItem>> _write;
    private Exception? _fatal;

    public IngestGraph(IngestPipeline.Parts parts, IngestStats stats, IngestCallbacks callbacks, CancellationTokenSource abort)
    {
        _parts = parts;
        _abort = abort;
        var o = parts.Options;
        var token = abort.Token;
        _source = new SourceStage(parts.Planner, stats, token);
        var fetch = new FetchStage(parts.FetchService, stats, token);
        var parse = new ParseStage(parts.MetadataCache);
        var sequence = new SequenceStage();
        var write = new WriteStage(parts.Writer, parts.Rejects, stats, callbacks, Fail, parts.Logger, token);

        // EnsureOrdered keeps a fetch's parts in order through the parallel stages; the sequencer and the writer's
        // ordering gate rely on it.
        _fetch = new TransformBlock<FetchPart, FetchedPart>(fetch.FetchAsync, new ExecutionDataflowBlockOptions
        {
            MaxDegreeOfParallelism = o.FetchConcurrency,
            BoundedCapacity = o.FetchQueueCapacity + o.FetchConcurrency,
            CancellationToken = token,
            EnsureOrdered = true,
        });
        _parse = new TransformBlock<FetchedPart, ParsedPart>(parse.Parse, new ExecutionDataflowBlockOptions
        {
            MaxDegreeOfParallelism = o.EffectiveParseConcurrency,
            // Each waiting item holds a response body: keep the buffer small.
            BoundedCapacity = o.ParseQueueCapacity + o.EffectiveParseConcurrency,
            CancellationToken = token,
            EnsureOrdered = true,
        });
        _sequence = new TransformManyBlock<ParsedPart, BatchItem>(sequence.Sequence, new ExecutionDataflowBlockOptions
        {
            // One at a time: the sequence stage owns each fetch's running offset and failure flag.
            MaxDegreeOfParallelism = 1,
            BoundedCapacity = o.BatchQueueCapacity,
            CancellationToken = token,
        });
        _batch = BatchStage.Create(parts.BatchSize, o, parts.Time);
        _write = new ActionBlock<IReadOnlyList<BatchItem>>(write.WriteAsync, new ExecutionDataflowBlockOptions
        {
            MaxDegreeOfParallelism = o.WriteConcurrency,
            BoundedCapacity = o.WriteQueueCapacity + o.WriteConcurrency,
            CancellationToken = token,
        });

        var link = new DataflowLinkOptions { PropagateCompletion = true };
        _fetch.LinkTo(_parse, link);
        _parse.LinkTo(_sequence, link);
        _sequence.LinkTo(_batch.Block, link);
        _batch.Block.LinkTo(_write, link);

        // A block that faults (an unexpected exception, e.g. the store gone while recording a reject) would leave
        // the blocks before it full and the source blocked on SendAsync: tear the whole graph down instead.
        foreach (var block in new IDataflowBlock[] { _fetch, _parse, _sequence, _batch.Block, _write })
        {
            _ = block.Completion.ContinueWith(t => Fail(t.Exception!.GetBaseException()), CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        stats.QueueDepths = () =>
        [
            (PipelineMetrics.Stages.Source, _source.Pending),
            (PipelineMetrics.Stages.Fetch, _fetch.InputCount),
            (PipelineMetrics.Stages.Parse, _parse.InputCount),
            (PipelineMetrics.Stages.Batch, _batch.InputCount + _sequence.InputCount),
            (PipelineMetrics.Stages.Write, _write.InputCount),
        ];
    }

    public async Task RunAsync(IAsyncEnumerable<SymbolRequest> source, CancellationToken stopToken)
    {
        using var sampler = _parts.Time.CreateTimer(_ => SampleQueues(), null, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        try
        {
            await _source.FeedAsync(source, _fetch, stopToken);
        }
        finally
        {
            _fetch.Complete();
        }

        var drainTimeout = _parts.Options.DrainTimeout;
        if (stopToken.IsCancellationRequested)
        {
            PipelineLog.Draining(_parts.Logger, drainTimeout);
            if (await Task.WhenAny(_write.Completion, Task.Delay(drainTimeout, _parts.Time, _abort.Token)) != _write.Completion)
            {
                PipelineLog.DrainTimedOut(_parts.Logger, drainTimeout);
                await _abort.CancelAsync();
            }
        }

        try
        {
            await _write.Completion;
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested && _fatal is null)
        {
            // Aborted on purpose (second Ctrl-C, drain timeout): committed batches stay committed.
        }
        catch (Exception) when (_fatal is not null)
        {
            // The graph was torn down because of _fatal; report that, not the cancellation it caused.
        }

        SampleQueues();
        if (_fatal is not null)
        {
            throw new IngestFatalException(_fatal.Message, _fatal);
        }
    }

    private void Fail(Exception ex)
    {
        if (ex is OperationCanceledException && _abort.IsCancellationRequested)
        {
            return; // the consequence of a stop, not a cause
        }

        Interlocked.CompareExchange(ref _fatal, ex, null);
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run already ended.
        }
    }

    private void SampleQueues()
    {
        StageMeter.Source.QueueDepth(_source.Pending);
        StageMeter.Fetch.QueueDepth(_fetch.InputCount);
        StageMeter.Parse.QueueDepth(_parse.InputCount);
        StageMeter.Batch.QueueDepth(_batch.InputCount + _sequence.InputCount);
        StageMeter.Write.QueueDepth(_write.InputCount);
    }
}
