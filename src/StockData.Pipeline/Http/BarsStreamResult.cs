using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StockData.Core;
using StockData.Pipeline.Output;
using StockData.Upstream.Caching;
using StockData.Storage.Postgres.Reading;

namespace StockData.Pipeline.Http;

/// <summary>
/// Streams stored bars as JSON or CSV in constant memory: each row is written as it is read from PostgreSQL, and the
/// writer's buffer goes to the client whenever it passes <see cref="FlushBytes"/>; no list of bars is ever built.
/// </summary>
/// <remarks>
/// JSON, one symbol: <c>{"symbol","currency","instrument_type","exchange","timezone","interval","as_of","bars":[{"ts","date","open","high","low","close","adj_close","volume"}, …]}</c>;
/// several: <c>{"interval","as_of","symbols":[{"symbol","currency","instrument_type","exchange","timezone","bars":[…]}, …]}</c>;
/// an adjusted answer has <c>"adjust"</c> after <c>"as_of"</c> (the default, unadjusted one has no such key).
/// The metadata (null when the store does not know it) comes from <see cref="SymbolMetadataCache"/>: memory first,
/// one query for the misses. The currency matters for reading the prices (<c>GBp</c> is pence). CSV: a header line
/// <c>symbol,interval,ts,trade_date,open,high,low,close,adj_close,volume</c> and one line per bar (empty for null).
/// A database failure after the first bytes went out aborts the connection, so a client never mistakes a cut
/// response for a complete one.
/// </remarks>
internal sealed class BarsStreamResult(
    IReadOnlyList<string> symbols,
    BarInterval interval,
    DateTimeOffset? from,
    DateTimeOffset? to,
    DateTimeOffset? asOf,
    PriceAdjustment adjust,
    bool csv,
    bool single,
    BarReader reader) : IResult
{
    public const string CsvHeader = BarCsv.Header;

    /// <summary>Bytes buffered before a flush to the client.</summary>
    private const int FlushBytes = 32 * 1024;

    /// <summary>
    /// CSV bytes written to the response pipe before a flush: larger than JSON's, since each flush is a round through
    /// Kestrel's output and CSV rows are cheap to produce (the pipe holds them in pooled segments, not one buffer).
    /// </summary>
    private const int CsvFlushBytes = 128 * 1024;

    /// <summary>CSV bytes formatted locally before they are copied to the response's pipe.</summary>
    private const int ChunkBytes = 32 * 1024;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private Dictionary<string, PriceAdjuster>? _adjusters;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var services = httpContext.RequestServices;
        var gate = services.GetRequiredService<BarReadGate>();
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        await gate.WaitAsync(cancellationToken);
        try
        {
            var metadata = await services.GetRequiredService<SymbolMetadataCache>().GetManyAsync(symbols, cancellationToken);
            // Every symbol's events in one query before the first byte: a failure is still a clean 503.
            _adjusters = adjust == PriceAdjustment.None ? null
                : await reader.LoadAdjustersAsync(symbols, interval, asOf, adjust, from, cancellationToken);
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
            if (csv)
            {
                await WriteCsvAsync(reader, response.BodyWriter, cancellationToken);
            }
            else
            {
                await WriteJsonAsync(reader, metadata, response.Body, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            if (response.HasStarted)
            {
                httpContext.Abort();
            }
            else
            {
                await Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Store unavailable", detail: ex.Message)
                    .ExecuteAsync(httpContext);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task WriteJsonAsync(BarReader reader, IReadOnlyDictionary<string, SymbolMetadata> metadata, Stream body,
        CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(body);
        json.WriteStartObject();
        if (single)
        {
            json.WriteString("symbol", symbols[0]);
            WriteMetadata(json, metadata.GetValueOrDefault(symbols[0]));
        }

        json.WriteString("interval", interval.Token);
        if (asOf is { } time)
        {
            json.WriteString("as_of", time.UtcDateTime);
        }
        else
        {
            json.WriteNull("as_of");
        }

        // Only on adjusted answers, so that the default one stays what it always was.
        if (adjust != PriceAdjustment.None)
        {
            json.WriteString("adjust", adjust.Token());
        }

        if (single)
        {
            json.WritePropertyName("bars");
            await WriteJsonBarsAsync(reader, json, symbols[0], cancellationToken);
        }
        else
        {
            json.WriteStartArray("symbols");
            foreach (var symbol in symbols)
            {
                json.WriteStartObject();
                json.WriteString("symbol", symbol);
                WriteMetadata(json, metadata.GetValueOrDefault(symbol));
                json.WritePropertyName("bars");
                await WriteJsonBarsAsync(reader, json, symbol, cancellationToken);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }

    private static void WriteMetadata(Utf8JsonWriter json, SymbolMetadata? metadata)
    {
        json.WriteString("currency", metadata?.Currency);
        json.WriteString("instrument_type", metadata?.InstrumentType);
        json.WriteString("exchange", metadata?.ExchangeName);
        json.WriteString("timezone", metadata?.ExchangeTimezone);
    }

    private async Task WriteJsonBarsAsync(BarReader reader, Utf8JsonWriter json, string symbol, CancellationToken cancellationToken)
    {
        json.WriteStartArray();
        var scratch = new byte[BarJson.ScratchBytes];
        await foreach (var scaled in reader.ReadScaledAsync(new BarQuery(symbol, interval, from, to, asOf, adjust), _adjusters?[symbol], cancellationToken))
        {
            BarJson.Write(json, scaled, scratch);
            if (json.BytesPending > FlushBytes)
            {
                await json.FlushAsync(cancellationToken);
            }
        }

        json.WriteEndArray();
    }

    /// <summary>
    /// CSV formatted as UTF-8 (<see cref="BarCsv.TryWriteUtf8(Span{byte}, ReadOnlySpan{byte}, in ScaledBar, out int)"/>: no
    /// string per row, no encoder pass, adjusted prices rounded as they are formatted) into a local
    /// buffer, copied to the response's pipe <see cref="ChunkBytes"/> at a time, and one flush per
    /// <see cref="CsvFlushBytes"/>. Kestrel's pipe takes a lock on every GetSpan and Advance: once per line that was
    /// a tenth of the worker's CPU in a profile.
    /// </summary>
    private async Task WriteCsvAsync(BarReader reader, PipeWriter body, CancellationToken cancellationToken)
    {
        body.Write(Utf8.GetBytes(CsvHeader + "\n"));
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            var used = 0;
            var pending = 0;
            foreach (var symbol in symbols)
            {
                var prefix = BarCsv.Utf8Prefix(symbol, interval.Token);
                var lineBytes = BarCsv.MaxLineBytes(prefix.Length);
                await foreach (var bar in reader.ReadScaledAsync(new BarQuery(symbol, interval, from, to, asOf, adjust), _adjusters?[symbol], cancellationToken))
                {
                    if (used + lineBytes > chunk.Length)
                    {
                        body.Write(chunk.AsSpan(0, used));
                        pending += used;
                        used = 0;
                        if (pending >= CsvFlushBytes)
                        {
                            pending = 0;
                            await body.FlushAsync(cancellationToken);
                        }
                    }

                    if (!BarCsv.TryWriteUtf8(chunk.AsSpan(used, lineBytes), prefix, bar, out var written))
                    {
                        throw new InvalidOperationException($"a CSV line of {symbol} is longer than {lineBytes} bytes");
                    }

                    used += written;
                }
            }

            body.Write(chunk.AsSpan(0, used));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        await body.FlushAsync(cancellationToken);
    }

    /// <summary>One CSV row (<see cref="BarCsv.Line"/>).</summary>
    public static string CsvLine(string symbol, string interval, Bar bar) => BarCsv.Line(symbol, interval, bar);
}
