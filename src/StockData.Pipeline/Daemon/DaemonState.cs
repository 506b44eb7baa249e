namespace StockData.Pipeline.Daemon;

/// <summary>The daemon pipeline's status, shared by the worker (writes) and the readiness endpoint (reads).</summary>
internal sealed class DaemonState
{
    private volatile StatusHolder _current = new(DaemonStatus.Starting, null);

    public DaemonStatus Status => _current.Status;

    /// <summary>Why the pipeline last stopped, when it did.</summary>
    public string? LastError => _current.LastError;

    public void Set(DaemonStatus status, string? error = null) => _current = new StatusHolder(status, error);

    /// <summary>The lower-case name <c>/readyz</c> prints.</summary>
    public static string Name(DaemonStatus status) => status switch
    {
        DaemonStatus.Starting => "starting",
        DaemonStatus.Running => "running",
        DaemonStatus.Stopped => "stopped",
        DaemonStatus.Stopping => "stopping",
        DaemonStatus.Disabled => "disabled",
        _ => "unknown",
    };

    private sealed record StatusHolder(DaemonStatus Status, string? LastError);
}
