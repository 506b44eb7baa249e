namespace StockData.Pipeline.Ingest;

/// <summary>The run cannot go on (the store is unreachable past retries); committed batches are kept.</summary>
internal sealed class IngestFatalException(string message, Exception inner) : Exception(message, inner);
