using Microsoft.Extensions.Options;

namespace StockData.Pipeline.Http;

/// <summary>
/// Bounds the bars responses streaming at once (<see cref="HttpApiOptions.MaxConcurrentReads"/>): each holds a pooled
/// connection for as long as its client takes to read, so slow clients must not drain the pool the pipeline writes through.
/// </summary>
internal sealed class BarReadGate(IOptions<HttpApiOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentReads, options.Value.MaxConcurrentReads);

    public Task WaitAsync(CancellationToken cancellationToken) => _slots.WaitAsync(cancellationToken);

    public void Release() => _slots.Release();

    public void Dispose() => _slots.Dispose();
}
