using Microsoft.Extensions.Hosting;
using StockData.Hosting;
using StockData.Pipeline.Quality;

namespace StockData.Pipeline.Cli;

/// <summary>
/// <see cref="VerbRunner"/> for <c>stockdata</c>'s verbs: every host they build also has data quality (its options are
/// validated by every verb, since the quality verbs and the daemon's scan read them), which the shared composition
/// lacks because the benchmark executable has no use for it.
/// </summary>
internal static class StockDataVerb
{
    public static Task<int> RunAsync(Func<IHost, CancellationToken, Task<int>> body, CancellationToken cancellationToken,
        Action<HostApplicationBuilder>? configure = null, bool requireDatabase = true) =>
        VerbRunner.RunAsync(body, cancellationToken, builder =>
        {
            builder.AddStockDataQuality();
            configure?.Invoke(builder);
        }, requireDatabase);
}
