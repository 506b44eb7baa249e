using Microsoft.Extensions.Logging;
using StockData.IntegrationTests.Upstream.Redis;

namespace StockData.IntegrationTests.Upstream.Fetching;

/// <summary>One <see cref="ListLogger"/> behind every category, for asserting a host's log events in order.</summary>
internal sealed class ListLoggerProvider : ILoggerProvider
{
    public ListLogger Logger { get; } = new();

    public ILogger CreateLogger(string categoryName) => Logger;

    public void Dispose()
    {
    }
}
