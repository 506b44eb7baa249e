using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using StockData.Core;
using StockData.Yahoo.Client;

namespace StockData.Ingest.Sources;

/// <summary>
/// Streams a symbol file: one symbol per line (<c>#</c> comments, blank lines), or CSV with a header
/// <c>symbol[,interval][,from][,to]</c>. Every bad line becomes a <c>file:line: reason</c> error and nothing else is
/// lost; duplicates (same symbol and interval) are returned once.
/// </summary>
/// <remarks>
/// Memory stays bounded whatever the input: lines are cut at <see cref="MaxLineBytes"/> without buffering the rest
/// (a million-line file, or one 100 MB line, costs a fixed buffer), and the duplicate set holds only valid symbols.
/// </remarks>
public static class SymbolFileReader
{
    /// <summary>Longer lines are reported and skipped: no symbol or CSV row needs more.</summary>
    public const int MaxLineBytes = 256;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <param name="validateSymbol">Returns why a symbol is unusable, or null when it is fine.</param>
    public static async IAsyncEnumerable<SymbolLine> ReadAsync(Stream stream, string source, BarInterval defaultInterval,
        DateTimeOffset? defaultFrom, DateTimeOffset? defaultTo, Func<string, string?> validateSymbol,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var seen = new HashSet<(string, string)>();
        Header? header = null;
        var sawContent = false;
        await foreach (var (number, bytes, tooLong) in ReadLinesAsync(stream, cancellationToken))
        {
            if (tooLong)
            {
                yield return new SymbolLine(source, number, null, $"line too long (over {MaxLineBytes} bytes)");
                continue;
            }

            if (!TryDecode(bytes.Span, out var text))
            {
                yield return new SymbolLine(source, number, null, "not valid UTF-8");
                continue;
            }

            var hash = text.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                text = text[..hash];
            }

            text = text.Trim();
            if (text.Length == 0)
            {
                continue;
            }

            if (!sawContent)
            {
                sawContent = true;
                if (Header.TryParse(text, out var parsed, out var headerError))
                {
                    header = parsed;
                    continue;
                }

                if (headerError is not null)
                {
                    yield return new SymbolLine(source, number, null, headerError);
                    yield break;
                }
            }

            var line = header is null
                ? ParsePlain(text, defaultInterval, defaultFrom, defaultTo, validateSymbol)
                : header.Parse(text, defaultInterval, defaultFrom, defaultTo, validateSymbol);
            if (line.Error is not null)
            {
                yield return new SymbolLine(source, number, null, line.Error);
            }
            else if (seen.Add((line.Request!.Symbol, line.Request.Interval.Token)))
            {
                yield return new SymbolLine(source, number, line.Request, null);
            }
        }
    }

    private static bool TryDecode(ReadOnlySpan<byte> bytes, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }
    }

    private static (SymbolRequest? Request, string? Error) ParsePlain(string text, BarInterval interval, DateTimeOffset? from,
        DateTimeOffset? to, Func<string, string?> validateSymbol)
    {
        if (text.Contains(',', StringComparison.Ordinal))
        {
            return (null, "a comma in a plain symbol list (for CSV, start the file with a header 'symbol,interval,from,to')");
        }

        return validateSymbol(text) is { } error ? (null, error) : (new SymbolRequest(YahooSymbol.Normalize(text), interval, from, to), null);
    }

    /// <summary>Reads raw lines (without CR/LF, BOM removed), cutting each at MaxLineBytes.</summary>
    private static async IAsyncEnumerable<(int Number, ReadOnlyMemory<byte> Bytes, bool TooLong)> ReadLinesAsync(Stream stream,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var line = new byte[MaxLineBytes + 1];
        var lineLength = 0;
        var tooLong = false;
        var number = 0;
        var first = true;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                var start = 0;
                if (first)
                {
                    first = false;
                    if (read >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF)
                    {
                        start = 3;
                    }
                }

                for (var i = start; i < read; i++)
                {
                    var b = buffer[i];
                    if (b == (byte)'\n')
                    {
                        number++;
                        yield return (number, Trimmed(line, lineLength), tooLong);
                        lineLength = 0;
                        tooLong = false;
                    }
                    else if (lineLength < line.Length)
                    {
                        line[lineLength++] = b;
                    }
                    else
                    {
                        tooLong = true;
                    }
                }
            }

            if (lineLength > 0 || tooLong)
            {
                number++;
                yield return (number, Trimmed(line, lineLength), tooLong);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        static ReadOnlyMemory<byte> Trimmed(byte[] line, int length)
        {
            if (length > 0 && line[length - 1] == (byte)'\r')
            {
                length--;
            }

            // A copy: the caller may hold it while the next line is read.
            return line.AsSpan(0, Math.Min(length, MaxLineBytes + 1)).ToArray();
        }
    }

    /// <summary>The CSV header: which column holds what.</summary>
    private sealed class Header
    {
        private int _symbol = -1;
        private int _interval = -1;
        private int _from = -1;
        private int _to = -1;
        private int _columns;

        public static bool TryParse(string text, out Header header, out string? error)
        {
            header = new Header();
            error = null;
            var names = text.Split(',');
            if (!names[0].Trim().Equals("symbol", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            header._columns = names.Length;
            for (var i = 0; i < names.Length; i++)
            {
                switch (names[i].Trim().ToLowerInvariant())
                {
                    case "symbol": header._symbol = i; break;
                    case "interval": header._interval = i; break;
                    case "from": header._from = i; break;
                    case "to": header._to = i; break;
                    default:
                        error = $"unknown CSV column '{names[i].Trim()}' (expected symbol[,interval][,from][,to])";
                        return false;
                }
            }

            return true;
        }

        public (SymbolRequest? Request, string? Error) Parse(string text, BarInterval interval, DateTimeOffset? from, DateTimeOffset? to,
            Func<string, string?> validateSymbol)
        {
            var cells = text.Split(',');
            if (cells.Length > _columns)
            {
                return (null, $"{cells.Length} fields, the header has {_columns}");
            }

            string Cell(int index) => index >= 0 && index < cells.Length ? cells[index].Trim() : "";

            var symbol = YahooSymbol.Normalize(Cell(_symbol));
            if (validateSymbol(symbol) is { } symbolError)
            {
                return (null, symbolError);
            }

            if (Cell(_interval) is { Length: > 0 } token && !BarInterval.TryParse(token, out interval))
            {
                return (null, $"unknown interval '{token}' (known: {string.Join(", ", BarInterval.Tokens)})");
            }

            if (!TryDate(Cell(_from), ref from, out var fromError))
            {
                return (null, $"from: {fromError}");
            }

            if (!TryDate(Cell(_to), ref to, out var toError))
            {
                return (null, $"to: {toError}");
            }

            if (from is not null && to is not null && from >= to)
            {
                return (null, "from must be before to");
            }

            return (new SymbolRequest(symbol, interval, from, to), null);
        }
    }

    /// <summary>An ISO-8601 date or date-time (UTC unless it says otherwise); empty keeps the default.</summary>
    public static bool TryDate(string text, ref DateTimeOffset? value, out string? error)
    {
        error = null;
        if (text.Length == 0)
        {
            return true;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            value = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out var parsed))
        {
            value = parsed;
            return true;
        }

        error = $"'{text}' is not an ISO-8601 date (e.g. 2020-01-31)";
        return false;
    }
}
