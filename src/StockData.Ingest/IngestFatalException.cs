namespace StockData.Ingest;

/// <summary>The run cannot go on (the store is unreachable past retries); committed batches are kept.</summary>
public sealed class IngestFatalException(string message, Exception inner) : Exception(message, inner);
