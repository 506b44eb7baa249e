using System.Runtime.InteropServices;

namespace StockData.Pipeline.Cli;

/// <summary>
/// Ctrl-C / SIGTERM handling for long verbs: the first signal asks for a graceful stop (close the source, drain, commit
/// completed batches), the second aborts in-flight work. The process is never killed by the signal itself.
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signals;

    public ShutdownSignals()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
        ];
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Stop => _stop.Token;

    /// <summary>Cancelled by the second signal.</summary>
    public CancellationToken Abort => _abort.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
        _abort.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _signals) == 1)
        {
            Console.Error.WriteLine("stockdata: stopping (draining in-flight work; press Ctrl-C again to abort)");
            _stop.Cancel();
        }
        else
        {
            Console.Error.WriteLine("stockdata: aborting");
            _abort.Cancel();
        }
    }
}
