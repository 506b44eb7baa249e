namespace StockData.Pipeline.Daemon;

/// <summary>Where the daemon's pipeline is, as <c>/readyz</c> reports it.</summary>
internal enum DaemonStatus
{
    /// <summary>Not running yet (the host is starting).</summary>
    Starting,

    /// <summary>Claiming and fetching.</summary>
    Running,

    /// <summary>Stopped on a fatal error (PostgreSQL unreachable past retries); it restarts after a delay.</summary>
    Stopped,

    /// <summary>SIGTERM: draining in-flight work, no longer claiming.</summary>
    Stopping,

    /// <summary><see cref="DaemonOptions.Enabled"/> is off: this replica serves HTTP only.</summary>
    Disabled,
}
