using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Tasks.Dataflow;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using StockData.Core;
using StockData.Pipeline.Caching;
using StockData.Pipeline.Diagnostics;
using StockData.Pipeline.Fetching;
using StockData.Storage;
using StockData.Storage.Postgres;
using StockData.Yahoo.Client;
using StockData.Yahoo.Parsing;

namespace StockData.Pipeline.Ingest;

/// <summary>
/// The Dataflow graph: source → fetch (rate-limited) → parse (parallel) → sequence → batch (rows / max age) → write.
/// Every block is bounded, producers use SendAsync and every link propagates completion, so a slow database holds
/// the source back instead of filling memory. Per-symbol failures are recorded (rejects table, symbol status) and
/// counted; they never fault the graph. Only a database that stays unreachable does, and stops the run.
/// </summary>
internal sealed class IngestPipeline(
    IOptions<IngestOptions> options,
    IOptions<BarWriterOptions> writerOptions,
    FetchPlanner planner,
    ChartFetchService fetchService,
    IBarWriter writer,
    RejectRecorder rejects,
    SymbolMetadataCache metadata,
    TimeProvider time,
    ILogger<IngestPipeline> logger)
{
    private readonly SymbolMetadataCache _metadata = metadata;
    private readonly FetchPlanner _planner = planner;
    private readonly ChartFetchService _fetchService = fetchService;
    private readonly IBarWriter _writer = writer;
    private readonly RejectRecorder _rejects = rejects;
    private readonly TimeProvider _time = time;
    private readonly ILogger _logger = logger;

    /// <summary>The reject category of a batch the database refused (not an upstream category).</summary>
    public const string WriteFailedCategory = "write_failed";

    private readonly IngestOptions _options = options.Value;
    private readonly int _batchSize = writerOptions.Value.BatchSize;

    /// <summary>
    /// Runs <paramref name="source"/> through the graph until it ends. <paramref name="stopToken"/> stops reading the
    /// source and drains what is in flight (up to DrainTimeout); <paramref name="abortToken"/> cancels in-flight work.
    /// Throws <see cref="IngestFatalException"/> when the store stays unreachable.
    /// </summary>
    public async Task RunAsync(IAsyncEnumerable<SymbolRequest> source, IngestStats stats, IngestCallbacks? callbacks,
        CancellationToken stopToken, CancellationToken abortToken)
    {
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(abortToken);
        var run = new Run(this, stats, callbacks ?? IngestCallbacks.None, abort);
        await run.ExecuteAsync(source, stopToken);
    }

    /// <summary>One run's blocks and state.</summary>
    private sealed class Run
    {
        private readonly IngestPipeline _owner;
        private readonly IngestStats _stats;
        private readonly IngestCallbacks _callbacks;
        private readonly CancellationTokenSource _abort;
        private readonly UnauthorizedGate _unauthorized;
        private readonly ConcurrentDictionary<long, FetchPlan> _plans = new();
        private readonly ConcurrentDictionary<long, SymbolMetadata> _metadata = new();
        private readonly Dictionary<long, int> _nextOffset = [];
        private readonly HashSet<long> _failedFetches = [];
        private readonly TransformBlock<FetchPart, FetchedPart> _fetch;
        private readonly TransformBlock<FetchedPart, ParsedPart> _parse;
        private readonly TransformManyBlock<ParsedPart, FetchChunk> _sequence;
        private readonly SizeOrAgeBatcher<FetchChunk> _batch;
        private readonly ActionBlock<IReadOnlyList<FetchChunk>> _write;
        private Exception? _fatal;

        // The source stage's backlog: fetch parts planned but not yet accepted by the fetch block (above zero while
        // backpressure holds the source). The source itself is an async stream with no input buffer to count.
        private int _sourcePending;

        public Run(IngestPipeline owner, IngestStats stats, IngestCallbacks callbacks, CancellationTokenSource abort)
        {
            _owner = owner;
            _stats = stats;
            _callbacks = callbacks;
            _abort = abort;
            var o = owner._options;
            _unauthorized = new UnauthorizedGate(o.UnauthorizedThreshold, o.UnauthorizedCooldown, owner._time, owner._logger);

            // EnsureOrdered keeps a fetch's parts in order through the parallel stages; the sequencer and the writer's
            // ordering gate rely on it.
            _fetch = new TransformBlock<FetchPart, FetchedPart>(FetchAsync, new ExecutionDataflowBlockOptions
            {
                MaxDegreeOfParallelism = o.FetchConcurrency,
                BoundedCapacity = o.FetchQueueCapacity + o.FetchConcurrency,
                CancellationToken = abort.Token,
                EnsureOrdered = true,
            });
            _parse = new TransformBlock<FetchedPart, ParsedPart>(ParseAsync, new ExecutionDataflowBlockOptions
            {
                MaxDegreeOfParallelism = o.EffectiveParseConcurrency,
                // Each waiting item holds a response body: keep the buffer small.
                BoundedCapacity = o.ParseQueueCapacity + o.EffectiveParseConcurrency,
                CancellationToken = abort.Token,
                EnsureOrdered = true,
            });
            _sequence = new TransformManyBlock<ParsedPart, FetchChunk>(Sequence, new ExecutionDataflowBlockOptions
            {
                MaxDegreeOfParallelism = 1,
                BoundedCapacity = o.BatchQueueCapacity,
                CancellationToken = abort.Token,
            });
            _batch = new SizeOrAgeBatcher<FetchChunk>(owner._batchSize, o.MaxBatchAge, o.BatchQueueCapacity, o.WriteQueueCapacity,
                chunk => chunk.RowCount, (chunk, rows) => chunk.Split(rows), owner._time,
                age => PipelineMetrics.StageDuration.WithLabels(PipelineMetrics.Stages.Batch).Observe(age.TotalSeconds));
            _write = new ActionBlock<IReadOnlyList<FetchChunk>>(WriteAsync, new ExecutionDataflowBlockOptions
            {
                MaxDegreeOfParallelism = o.WriteConcurrency,
                BoundedCapacity = o.WriteQueueCapacity + o.WriteConcurrency,
                CancellationToken = abort.Token,
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
                (PipelineMetrics.Stages.Source, Volatile.Read(ref _sourcePending)),
                (PipelineMetrics.Stages.Fetch, _fetch.InputCount),
                (PipelineMetrics.Stages.Parse, _parse.InputCount),
                (PipelineMetrics.Stages.Batch, _batch.InputCount + _sequence.InputCount),
                (PipelineMetrics.Stages.Write, _write.InputCount),
            ];
        }

        public async Task ExecuteAsync(IAsyncEnumerable<SymbolRequest> source, CancellationToken stopToken)
        {
            using var sampler = _owner._time.CreateTimer(_ => SampleQueues(), null, TimeSpan.Zero, TimeSpan.FromSeconds(1));
            _owner._fetchService.AttemptCompleted += _stats.Request;
            try
            {
                await RunGraphAsync(source, stopToken);
            }
            finally
            {
                _owner._fetchService.AttemptCompleted -= _stats.Request;
            }
        }

        private async Task RunGraphAsync(IAsyncEnumerable<SymbolRequest> source, CancellationToken stopToken)
        {
            try
            {
                await FeedAsync(source, stopToken);
            }
            finally
            {
                _fetch.Complete();
            }

            if (stopToken.IsCancellationRequested)
            {
                PipelineLog.Draining(_owner._logger, _owner._options.DrainTimeout);
                if (await Task.WhenAny(_write.Completion, Task.Delay(_owner._options.DrainTimeout, _owner._time, _abort.Token)) != _write.Completion)
                {
                    PipelineLog.DrainTimedOut(_owner._logger, _owner._options.DrainTimeout);
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

        private async Task FeedAsync(IAsyncEnumerable<SymbolRequest> source, CancellationToken stopToken)
        {
            using var stopOrAbort = CancellationTokenSource.CreateLinkedTokenSource(stopToken, _abort.Token);
            try
            {
                await foreach (var request in source.WithCancellation(stopOrAbort.Token))
                {
                    // An iterator over a buffered file never looks at the token itself: check it per item.
                    stopOrAbort.Token.ThrowIfCancellationRequested();
                    _stats.SymbolRead();
                    var stage = PipelineMetrics.Stages.Source;
                    PipelineMetrics.StageItemsIn.WithLabels(stage).Inc();
                    FetchPlan plan;
                    // The source stage's duration is planning one request (its watermark read, the split into parts),
                    // not the wait for the next request nor for room in the fetch queue: those are idle time and
                    // backpressure, which the queue-depth gauges show.
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        plan = await _owner._planner.PlanAsync(request, _abort.Token);
                    }
                    catch (ArgumentException ex)
                    {
                        // A bad symbol or range: the request can never succeed, so it is a bad request, not a retry.
                        PipelineMetrics.StageItemsFailed.WithLabels(stage).Inc();
                        await FailAsync(request, FetchErrorCategory.BadRequest.ToName(), ex.Message, FetchErrorCategory.BadRequest);
                        continue;
                    }
                    finally
                    {
                        PipelineMetrics.StageDuration.WithLabels(stage).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
                    }

                    _plans[plan.FetchId] = plan;
                    PipelineMetrics.StageItemsOut.WithLabels(stage).Inc();
                    Volatile.Write(ref _sourcePending, plan.Parts.Count);
                    for (var i = 0; i < plan.Parts.Count; i++)
                    {
                        // A send blocked by backpressure gives way to a stop too (a fetch cut short here never
                        // completes, so its watermark stays where its committed rows put it).
                        if (!await _fetch.SendAsync(new FetchPart(plan, i, i == plan.Parts.Count - 1, plan.Parts[i]), stopOrAbort.Token))
                        {
                            return; // the graph is shutting down (fatal failure)
                        }

                        Volatile.Write(ref _sourcePending, plan.Parts.Count - i - 1);
                    }
                }
            }
            catch (OperationCanceledException) when (stopOrAbort.IsCancellationRequested)
            {
                // Stop requested: the source closes, the graph drains what it holds.
            }
            finally
            {
                // Parts a stop or a fatal failure left unsent are never sent: they are no backlog.
                Volatile.Write(ref _sourcePending, 0);
            }
        }

        private async Task<FetchedPart> FetchAsync(FetchPart part)
        {
            var stage = PipelineMetrics.Stages.Fetch;
            PipelineMetrics.StageItemsIn.WithLabels(stage).Inc();
            var started = Stopwatch.GetTimestamp();
            try
            {
                await _unauthorized.WaitAsync(_abort.Token);
                // The request budget counts the requests this fetch sends under the purpose its producer gave.
                RequestPurpose.Current = part.Plan.Request.Purpose ?? RequestPurpose.Other;
                var response = await _owner._fetchService.FetchAsync(part.Request, _abort.Token);
                _unauthorized.Observe((int)response.StatusCode);
                PipelineMetrics.StageItemsOut.WithLabels(stage).Inc();
                return new FetchedPart(part, response, null);
            }
            catch (Exception ex) when (UpstreamFailure(ex) is { } error)
            {
                PipelineMetrics.StageItemsFailed.WithLabels(stage).Inc();
                PipelineMetrics.UpstreamResponses.WithLabels("none", error.Category.ToName()).Inc();
                return new FetchedPart(part, null, error);
            }
            finally
            {
                PipelineMetrics.StageDuration.WithLabels(stage).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
        }

        /// <summary>Failures past the retry budget that end this symbol's fetch (not the run).</summary>
        private static FetchError? UpstreamFailure(Exception ex) => ex switch
        {
            YahooResponseTooLargeException => new FetchError(FetchErrorCategory.Malformed, null, ex.Message),
            Polly.RateLimiting.RateLimiterRejectedException r => new FetchError(FetchErrorCategory.RateLimited, r.RetryAfter, ex.Message),
            // The breaker still open when the retries ran out: the upstream is failing, this symbol is tried again later.
            Polly.CircuitBreaker.BrokenCircuitException b => new FetchError(FetchErrorCategory.ServerError, b.RetryAfter, "circuit open: " + ex.Message),
            TimeoutRejectedException or TimeoutException => new FetchError(FetchErrorCategory.ServerError, null, "timeout: " + ex.Message),
            HttpRequestException => new FetchError(FetchErrorCategory.ServerError, null, "connection: " + ex.Message),
            ArgumentException => new FetchError(FetchErrorCategory.BadRequest, null, ex.Message),
            _ => null,
        };

        private async Task<ParsedPart> ParseAsync(FetchedPart fetched)
        {
            var stage = PipelineMetrics.Stages.Parse;
            PipelineMetrics.StageItemsIn.WithLabels(stage).Inc();
            var started = Stopwatch.GetTimestamp();
            var part = fetched.Part;
            var request = part.Plan.Request;
            FetchResult result;
            if (fetched.Response is { } response)
            {
                using (response)
                {
                    var status = (int)response.StatusCode;
                    result = ChartParser.Parse(response.Body.Span, new ChartResponseInfo(status)
                    {
                        ContentType = response.ContentType,
                        Symbol = request.Symbol,
                        Interval = request.Interval,
                        Period2 = part.Request.Period2?.ToUnixTimeSeconds(),
                        RetryAfter = response.RetryAfter,
                    });
                    PipelineMetrics.UpstreamResponses.WithLabels(PipelineMetrics.StatusClass(status),
                        result.Error?.Category.ToName() ?? "none").Inc();
                }
            }
            else
            {
                result = FetchResult.Failed(request.Symbol, request.Interval, fetched.Error!);
            }

            PipelineMetrics.StageDuration.WithLabels(stage).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            if (result.Error is { } error)
            {
                // Only a response counts as a parse failure: a part that failed at fetch passes through here, already
                // counted by the fetch stage.
                if (fetched.Response is not null)
                {
                    PipelineMetrics.StageItemsFailed.WithLabels(stage).Inc();
                }

                // Report a fetch's failure once, whichever of its parts failed first.
                if (_plans.TryRemove(part.Plan.FetchId, out _))
                {
                    await FailAsync(request, error.Category.ToName(), error.Message, error.Category);
                }

                return new ParsedPart(part, null);
            }

            PipelineMetrics.StageItemsOut.WithLabels(stage).Inc();
            if (result.Metadata is { } meta)
            {
                // Free warm-up of the metadata LRU: the scheduler then finds this symbol without a query.
                _owner._metadata.Remember(request.Symbol, meta);
            }

            return new ParsedPart(part, result);
        }

        /// <summary>
        /// Turns parsed parts into chunks with offsets running across the fetch's parts (the writer's ordering gate
        /// needs them contiguous); a chunk is a slice over the parser's bar list, never a copy. Drops what follows a
        /// failed part (its fetch can no longer complete, so its watermark must not move).
        /// </summary>
        private IEnumerable<FetchChunk> Sequence(ParsedPart parsed)
        {
            var plan = parsed.Part.Plan;
            var id = plan.FetchId;
            if (parsed.Failed || _failedFetches.Contains(id))
            {
                if (!parsed.Failed)
                {
                    // Parsed fine, but an earlier part of its fetch failed: its rows could not commit in order, so the
                    // batch stage drops them (a part that failed itself was counted by the parse stage).
                    PipelineMetrics.StageItemsIn.WithLabels(PipelineMetrics.Stages.Batch).Inc();
                    PipelineMetrics.StageItemsFailed.WithLabels(PipelineMetrics.Stages.Batch).Inc();
                }

                if (parsed.Part.IsLastPart)
                {
                    _failedFetches.Remove(id);
                    _nextOffset.Remove(id);
                    _plans.TryRemove(id, out _);
                    _metadata.TryRemove(id, out _);
                }
                else
                {
                    _failedFetches.Add(id);
                }

                return [];
            }

            var result = parsed.Result!;
            if (result.Metadata is { } metadata)
            {
                // The last response's metadata wins: it carries the freshest trading period.
                _metadata[id] = metadata;
            }

            var offset = _nextOffset.GetValueOrDefault(id);
            var events = FetchEvents.From(result);
            var chunks = new List<FetchChunk>(1);
            // A part without bars still carries its metadata and events, and the last part must end the fetch.
            if (result.Bars.Count > 0 || parsed.Part.IsLastPart || !events.IsEmpty)
            {
                chunks.Add(new FetchChunk(id, plan.Request.Symbol, plan.Request.Interval, plan.IsFullHistory, offset,
                    new BarSlice(result.Bars), parsed.Part.IsLastPart, events));
            }

            offset += result.Bars.Count;
            if (parsed.Part.IsLastPart)
            {
                _nextOffset.Remove(id);
            }
            else
            {
                _nextOffset[id] = offset;
            }

            PipelineMetrics.StageItemsIn.WithLabels(PipelineMetrics.Stages.Batch).Inc(chunks.Count);
            return chunks;
        }

        private async Task WriteAsync(IReadOnlyList<FetchChunk> chunks)
        {
            var stage = PipelineMetrics.Stages.Write;
            PipelineMetrics.StageItemsIn.WithLabels(stage).Inc();
            PipelineMetrics.StageItemsOut.WithLabels(PipelineMetrics.Stages.Batch).Inc();
            var batch = new WriteBatch(chunks);
            var started = Stopwatch.GetTimestamp();
            try
            {
                var result = await _owner._writer.WriteAsync(batch, _abort.Token);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
                PipelineMetrics.WriteDuration.Observe(elapsed);
                PipelineMetrics.StageDuration.WithLabels(stage).Observe(elapsed);
                PipelineMetrics.WriteBatchRows.Observe(batch.RowCount);
                PipelineMetrics.RowsWritten.WithLabels("inserted").Inc(result.Inserted);
                PipelineMetrics.RowsWritten.WithLabels("updated").Inc(result.Updated);
                PipelineMetrics.RowsWritten.WithLabels("unchanged").Inc(result.Unchanged + result.Superseded);
                _stats.Rows(result.Inserted, result.Updated, result.Unchanged + result.Superseded);
                PipelineMetrics.StageItemsOut.WithLabels(stage).Inc();
                foreach (var commit in result.CompletedFetches)
                {
                    _plans.TryRemove(commit.FetchId, out var plan);
                    _metadata.TryRemove(commit.FetchId, out var metadata);
                    if (commit.WatermarkMoved)
                    {
                        _stats.SymbolOk();
                        PipelineMetrics.SymbolsProcessed.WithLabels("ok").Inc();
                    }
                    else
                    {
                        _stats.SymbolFailed();
                        PipelineMetrics.SymbolsProcessed.WithLabels("failed").Inc();
                    }

                    if (plan is not null)
                    {
                        await _callbacks.CommittedAsync(plan.Request, commit, metadata);
                    }
                }
            }
            catch (BarWriteException ex) when (!ex.RetriesExhausted)
            {
                // The database refused this batch (not a connectivity problem): record it against its symbols and go
                // on with the next batch. Fetches whose last chunk was here end failed; later chunks of others will
                // commit without moving their watermark (the writer's gate knows an earlier chunk failed).
                PipelineMetrics.StageItemsFailed.WithLabels(stage).Inc();
                var symbols = chunks.Select(c => c.Symbol).Distinct(StringComparer.Ordinal).ToList();
                PipelineLog.BatchRejected(_owner._logger, batch.RowCount, string.Join(", ", symbols.Take(10)), ex.Message);
                foreach (var chunk in chunks.Where(c => c.IsLast))
                {
                    _metadata.TryRemove(chunk.FetchId, out _);
                    if (_plans.TryRemove(chunk.FetchId, out var plan))
                    {
                        await FailAsync(plan.Request, WriteFailedCategory, ex.Message, null);
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_abort.IsCancellationRequested)
            {
                // The store is unreachable past the writer's retries: nothing downstream can make progress.
                PipelineMetrics.StageItemsFailed.WithLabels(stage).Inc();
                PipelineLog.WriteFatal(_owner._logger, ex.Message, ex);
                Fail(ex);
                throw;
            }
        }

        /// <summary>Counts a symbol as failed (or not found), records the reject and tells the callbacks; once per fetch.</summary>
        private async Task FailAsync(SymbolRequest request, string category, string detail, FetchErrorCategory? upstream)
        {
            if (upstream == FetchErrorCategory.NotFound)
            {
                _stats.SymbolNotFound();
                PipelineMetrics.SymbolsProcessed.WithLabels("not_found").Inc();
            }
            else
            {
                _stats.SymbolFailed();
                PipelineMetrics.SymbolsProcessed.WithLabels("failed").Inc();
            }

            PipelineLog.SymbolFailed(_owner._logger, request.Symbol, request.Interval.Token, category, detail);
            await _owner._rejects.RecordAsync(request.Symbol, request.Interval.Token, category, detail, request.JobItemId, _abort.Token);
            await _callbacks.FailedAsync(request, category, detail);
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
            PipelineMetrics.StageQueueDepth.WithLabels(PipelineMetrics.Stages.Source).Set(Volatile.Read(ref _sourcePending));
            PipelineMetrics.StageQueueDepth.WithLabels(PipelineMetrics.Stages.Fetch).Set(_fetch.InputCount);
            PipelineMetrics.StageQueueDepth.WithLabels(PipelineMetrics.Stages.Parse).Set(_parse.InputCount);
            PipelineMetrics.StageQueueDepth.WithLabels(PipelineMetrics.Stages.Batch).Set(_batch.InputCount + _sequence.InputCount);
            PipelineMetrics.StageQueueDepth.WithLabels(PipelineMetrics.Stages.Write).Set(_write.InputCount);
        }
    }
}
