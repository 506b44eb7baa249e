using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace StockData.IntegrationTests.Yahoo;

/// <summary>Every log line of every category at every level, formatted with its exception, for grepping.</summary>
internal sealed class CapturedLogs : ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<(string Category, EventId Id, string Text)> _entries = new();

    public IReadOnlyList<(string Category, EventId Id, string Text)> Entries => [.. _entries];

    public string Text => string.Join('\n', _entries.Select(e => $"{e.Category} [{e.Id.Id}] {e.Text}"));

    public ILogger CreateLogger(string categoryName) => new Category(this, categoryName);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Add("", eventId, formatter(state, exception), exception, state);

    public void Dispose()
    {
    }

    private void Add(string category, EventId id, string text, Exception? exception, object? state)
    {
        // The structured values too: a sink that writes JSON would write them even when the message leaves one out.
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}")) : "";
        _entries.Enqueue((category, id, $"{text} {values} {exception}"));
    }

    private sealed class Category(CapturedLogs owner, string name) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add(name, eventId, formatter(state, exception), exception, state);
    }
}
