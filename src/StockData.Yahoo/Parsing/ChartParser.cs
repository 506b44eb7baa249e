using System.Buffers;
using System.Text;
using System.Text.Json;
using StockData.Core;

namespace StockData.Yahoo.Parsing;

/// <summary>
/// Parses one Yahoo chart response (<c>/v8/finance/chart/{symbol}</c>) into a <see cref="FetchResult"/> following
/// the parsing contract, rules R1–R14 (<c>docs/yahoo-parsing-rules.md</c>). Pure and thread-safe: no I/O,
/// no clock. The body is read as UTF-8 bytes by <see cref="Utf8JsonReader"/> and never turned into a string.
/// No body makes it throw: every input ends as data (possibly empty) or exactly one error category, so the caller
/// decides retries from <see cref="FetchResult.Error"/> alone.
/// </summary>
public static class ChartParser
{
    private const int MaxSnippetBytes = 120;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    /// <summary>Parses a response body held in one contiguous buffer.</summary>
    public static FetchResult Parse(ReadOnlySpan<byte> body, ChartResponseInfo info)
    {
        if (Preclassify(info) is { } early)
        {
            return early;
        }

        body = SkipBom(body);
        var scratch = ChartBody.Rent();
        try
        {
            string? jsonError = null;
            try
            {
                var reader = new Utf8JsonReader(body, ReaderOptions);
                ChartBodyReader.Read(ref reader, scratch, readResult: IsDataStatus(info.StatusCode));
            }
            catch (JsonException ex)
            {
                jsonError = ex.Message;
            }

            return Classify(scratch, info, jsonError, body.Length, body[..Math.Min(body.Length, MaxSnippetBytes)]);
        }
        finally
        {
            ChartBody.Return(scratch);
        }
    }

    /// <summary>Parses a response body held in segments (a pipe or a pooled buffer chain).</summary>
    public static FetchResult Parse(in ReadOnlySequence<byte> body, ChartResponseInfo info)
    {
        if (body.IsSingleSegment)
        {
            return Parse(body.FirstSpan, info);
        }

        if (Preclassify(info) is { } early)
        {
            return early;
        }

        var content = SkipBom(body);
        var scratch = ChartBody.Rent();
        try
        {
            string? jsonError = null;
            try
            {
                var reader = new Utf8JsonReader(content, ReaderOptions);
                ChartBodyReader.Read(ref reader, scratch, readResult: IsDataStatus(info.StatusCode));
            }
            catch (JsonException ex)
            {
                jsonError = ex.Message;
            }

            Span<byte> head = stackalloc byte[(int)Math.Min(content.Length, MaxSnippetBytes)];
            content.Slice(0, head.Length).CopyTo(head);
            return Classify(scratch, info, jsonError, content.Length, head);
        }
        finally
        {
            ChartBody.Return(scratch);
        }
    }

    /// <summary>R14 steps that need no body: 429 (1), a session failure the client saw, and 401/403 (2).</summary>
    private static FetchResult? Preclassify(ChartResponseInfo info)
    {
        var symbol = info.Symbol ?? "";
        var interval = info.Interval ?? BarInterval.Daily;
        if (info.StatusCode == 429)
        {
            var message = "HTTP 429 Too Many Requests" +
                          (info.RetryAfter is { } delay ? $"; Retry-After {delay.TotalSeconds:0.###} s" : "; no Retry-After");
            return FetchResult.Failed(symbol, interval, new FetchError(FetchErrorCategory.RateLimited, info.RetryAfter, message));
        }

        if (info.SessionFailure != Session.YahooSessionFailure.None)
        {
            return FetchResult.Failed(symbol, interval, new FetchError(FetchErrorCategory.Unauthorized, null,
                $"HTTP {info.StatusCode}: session failure ({info.SessionFailure}): the session is missing or stale"));
        }

        if (info.StatusCode is 401 or 403)
        {
            return FetchResult.Failed(symbol, interval,
                new FetchError(FetchErrorCategory.Unauthorized, null, $"HTTP {info.StatusCode}: the crumb or cookie was refused"));
        }

        return null;
    }

    /// <summary>The rest of R14, in its order, once the body has been read.</summary>
    private static FetchResult Classify(ChartBody body, ChartResponseInfo info, string? jsonError, long length, ReadOnlySpan<byte> head)
    {
        var status = info.StatusCode;
        var symbol = info.Symbol ?? body.Symbol ?? "";
        var interval = info.Interval ??
                       (BarInterval.TryParse(body.DataGranularity, out var granularity) ? granularity : BarInterval.Daily);
        var errorText = body.HasErrorObject ? DescribeError(body) : null;

        // (2) A JSON error whose code is Unauthorized, whatever the status.
        if (body.HasErrorObject && CodeIs(body, "Unauthorized"))
        {
            return Fail(FetchErrorCategory.Unauthorized, $"HTTP {status}: {errorText}");
        }

        // (3) Any 5xx, JSON or not (an outage page is HTML).
        if (status is >= 500 and <= 599)
        {
            return Fail(FetchErrorCategory.ServerError, $"HTTP {status}: {errorText ?? BodySummary(info, jsonError, length, head)}");
        }

        // (4) A JSON error object decides, whatever the status (Yahoo sends Not Found under 404 and under 200).
        if (body.HasErrorObject && CodeIs(body, "Not Found"))
        {
            return Fail(FetchErrorCategory.NotFound, $"HTTP {status}: {errorText}");
        }

        if (body.HasErrorObject && (CodeIs(body, "Bad Request") || CodeIs(body, "Unprocessable Entity")))
        {
            return Fail(FetchErrorCategory.BadRequest, $"HTTP {status}: {errorText}");
        }

        // (5) The status alone.
        if (status == 404)
        {
            return Fail(FetchErrorCategory.NotFound, $"HTTP 404: {errorText ?? BodySummary(info, jsonError, length, head)}");
        }

        if (status is >= 400 and <= 499)
        {
            return Fail(FetchErrorCategory.BadRequest, $"HTTP {status}: {errorText ?? BodySummary(info, jsonError, length, head)}");
        }

        // (6) A data response that cannot be used.
        if (jsonError is not null)
        {
            return Fail(FetchErrorCategory.Malformed, $"HTTP {status}: {BodySummary(info, jsonError, length, head)}");
        }

        if (body.HasErrorObject)
        {
            // An error code the contract does not name: nothing can be ingested from it, and it is not ours to guess.
            return Fail(FetchErrorCategory.Malformed, $"HTTP {status} with an unrecognised error: {errorText}");
        }

        return ChartResultBuilder.Build(body, info, symbol, interval);

        FetchResult Fail(FetchErrorCategory category, string message) =>
            FetchResult.Failed(symbol, interval, new FetchError(category, null, message));
    }

    private static bool IsDataStatus(int status) => status is < 400 or > 599;

    private static bool CodeIs(ChartBody body, string code) =>
        string.Equals(body.ErrorCode?.Trim(), code, StringComparison.OrdinalIgnoreCase);

    private static string DescribeError(ChartBody body) =>
        (body.ErrorCode, body.ErrorDescription) switch
        {
            (null, null) => "an error object without code or description",
            ({ } code, null) => code,
            (null, { } description) => description,
            ({ } code, { } description) => $"{code}: {description}",
        };

    private static string BodySummary(ChartResponseInfo info, string? jsonError, long length, ReadOnlySpan<byte> head)
    {
        var contentType = info.ContentType is { Length: > 0 } type ? $" ({type})" : "";
        if (length == 0)
        {
            return $"empty body{contentType}";
        }

        return jsonError is null
            ? $"{length}-byte JSON body{contentType} without an error object"
            : $"{length}-byte body{contentType} is not valid JSON ({jsonError}); it starts \"{Snippet(head)}\"";
    }

    /// <summary>
    /// The start of the body for an error message, whitespace runs and controls folded to one space. This is the only text made from the
    /// body, at most <see cref="MaxSnippetBytes"/> bytes, and only on error paths.
    /// </summary>
    private static string Snippet(ReadOnlySpan<byte> head)
    {
        var text = Encoding.UTF8.GetString(head);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var folded = char.IsWhiteSpace(c) || char.IsControl(c) ? ' ' : c;
            if (folded != ' ' || (builder.Length > 0 && builder[^1] != ' '))
            {
                builder.Append(folded);
            }
        }

        return builder.ToString().TrimEnd();
    }

    private static ReadOnlySpan<byte> SkipBom(ReadOnlySpan<byte> body) =>
        body.StartsWith(Encoding.UTF8.Preamble) ? body[Encoding.UTF8.Preamble.Length..] : body;

    private static ReadOnlySequence<byte> SkipBom(in ReadOnlySequence<byte> body)
    {
        Span<byte> head = stackalloc byte[3];
        if (body.Length >= 3)
        {
            body.Slice(0, 3).CopyTo(head);
            if (head.SequenceEqual(Encoding.UTF8.Preamble))
            {
                return body.Slice(3);
            }
        }

        return body;
    }
}
