using System.Diagnostics;
using Prometheus;
using StockData.Diagnostics;

namespace StockData.Ingest;

/// <summary>
/// One stage's series (items in / out / failed, queue depth, duration) from <see cref="PipelineMetrics"/>, bound to the
/// stage's label once, so a stage counts through its meter instead of naming metrics and labels at every call.
/// </summary>
internal sealed class StageMeter
{
    private readonly Counter.Child _in;
    private readonly Counter.Child _out;
    private readonly Counter.Child _failed;
    private readonly Gauge.Child _queue;
    private readonly Histogram.Child _duration;

    private StageMeter(string stage)
    {
        Stage = stage;
        _in = PipelineMetrics.StageItemsIn.WithLabels(stage);
        _out = PipelineMetrics.StageItemsOut.WithLabels(stage);
        _failed = PipelineMetrics.StageItemsFailed.WithLabels(stage);
        _queue = PipelineMetrics.StageQueueDepth.WithLabels(stage);
        _duration = PipelineMetrics.StageDuration.WithLabels(stage);
    }

    public static StageMeter Source { get; } = new(PipelineMetrics.Stages.Source);

    public static StageMeter Fetch { get; } = new(PipelineMetrics.Stages.Fetch);

    public static StageMeter Parse { get; } = new(PipelineMetrics.Stages.Parse);

    public static StageMeter Batch { get; } = new(PipelineMetrics.Stages.Batch);

    public static StageMeter Write { get; } = new(PipelineMetrics.Stages.Write);

    /// <summary>The stage label.</summary>
    public string Stage { get; }

    public void In(int count = 1) => _in.Inc(count);

    public void Out() => _out.Inc();

    public void Failed() => _failed.Inc();

    public void QueueDepth(int depth) => _queue.Set(depth);

    /// <summary>A timestamp to pass to <see cref="Elapsed"/> (Stopwatch ticks: no allocation).</summary>
    public static long Start() => Stopwatch.GetTimestamp();

    /// <summary>Observes the time since <paramref name="started"/> as one item's duration; returns it in seconds.</summary>
    public double Elapsed(long started)
    {
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        _duration.Observe(seconds);
        return seconds;
    }

    public void Duration(TimeSpan duration) => _duration.Observe(duration.TotalSeconds);
}
