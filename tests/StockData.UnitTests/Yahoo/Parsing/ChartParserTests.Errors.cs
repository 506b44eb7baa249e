using System.Buffers;
using System.Text;
using StockData.Core;
using StockData.Yahoo.Parsing;

namespace StockData.UnitTests.Yahoo.Parsing;

/// <summary>Error classification in R14's order, and bodies that are not JSON.</summary>
public sealed partial class ChartParserTests
{
    private const string NotFoundBody =
        """{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}}""";

    private const string BadRequestBody =
        """{"chart":{"result":null,"error":{"code":"Bad Request","description":"Data doesn't exist for startDate = 1, endDate = 2"}}}""";

    private const string UnauthorizedBody =
        """{"finance":{"result":null,"error":{"code":"Unauthorized","description":"Invalid Crumb"}}}""";

    [Fact]
    public void Parse_429WithRetryAfter_RateLimitedCarryingTheDelay()
    {
        var result = Parse("Too Many Requests", 429, retryAfter: TimeSpan.FromSeconds(30), contentType: "text/plain");

        Assert.Equal(FetchErrorCategory.RateLimited, result.Error?.Category);
        Assert.Equal(TimeSpan.FromSeconds(30), result.Error!.RetryAfter);
        Assert.Equal("TEST", result.Symbol);
        Assert.Empty(result.Bars);
    }

    [Theory]
    [InlineData("Too Many Requests")]
    [InlineData("Edge: Too Many Requests")]
    [InlineData("<html><body><h1>429</h1></body></html>")]
    [InlineData("")]
    [InlineData(NotFoundBody)]
    public void Parse_429AnyBodyNoRetryAfter_RateLimitedWithoutDelay(string body)
    {
        var result = Parse(body, 429);

        Assert.Equal(FetchErrorCategory.RateLimited, result.Error?.Category);
        Assert.Null(result.Error!.RetryAfter);
    }

    [Theory]
    [InlineData(401, UnauthorizedBody)]
    [InlineData(403, "Forbidden")]
    [InlineData(401, "")]
    [InlineData(403, NotFoundBody)]
    [InlineData(200, UnauthorizedBody)]
    [InlineData(404, UnauthorizedBody)]
    [InlineData(500, UnauthorizedBody)]
    [InlineData(200, """{"chart":{"result":null,"error":{"code":"Unauthorized","description":"User is unable to access this feature"}}}""")]
    public void Parse_401Or403OrUnauthorizedCode_Unauthorized(int status, string body)
    {
        var result = Parse(body, status);

        Assert.Equal(FetchErrorCategory.Unauthorized, result.Error?.Category);
        Assert.Null(result.Error!.RetryAfter);
    }

    [Fact]
    public void Parse_UnauthorizedJson_MessageCarriesTheDescription()
    {
        var result = Parse(UnauthorizedBody, 401);

        Assert.Equal(FetchErrorCategory.Unauthorized, result.Error?.Category);
        Assert.Contains("401", result.Error!.Message, StringComparison.Ordinal);
        var viaCode = Parse(UnauthorizedBody, 200);
        Assert.Contains("Invalid Crumb", viaCode.Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500, "Internal Server Error")]
    [InlineData(502, "<html><head><title>502 Bad Gateway</title></head></html>")]
    [InlineData(503, "<!DOCTYPE html><html><body>Will be right back...</body></html>")]
    [InlineData(504, "")]
    [InlineData(503, NotFoundBody)]
    [InlineData(500, BadRequestBody)]
    [InlineData(500, """{"chart":{"result":null,"error":null}}""")]
    public void Parse_5xxAnyBody_ServerError(int status, string body)
    {
        var result = Parse(body, status, contentType: "text/html");

        Assert.Equal(FetchErrorCategory.ServerError, result.Error?.Category);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_503Html_MessageShowsTheStartOfTheBody()
    {
        var result = Parse("<html>\n  <body>Will be right back</body>\n</html>", 503, contentType: "text/html");

        Assert.Contains("text/html", result.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("<html> <body>Will be right back", result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(404)]
    [InlineData(200)]
    [InlineData(400)]
    public void Parse_NotFoundErrorObject_NotFoundWhateverTheStatus(int status)
    {
        var result = Parse(NotFoundBody, status, symbol: "SI");

        Assert.Equal(FetchErrorCategory.NotFound, result.Error?.Category);
        Assert.Contains("symbol may be delisted", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal("SI", result.Symbol);
    }

    [Theory]
    [InlineData(400, BadRequestBody)]
    [InlineData(200, BadRequestBody)]
    [InlineData(404, BadRequestBody)]
    [InlineData(422, """{"chart":{"result":null,"error":{"code":"Unprocessable Entity","description":"Invalid input"}}}""")]
    [InlineData(200, """{"chart":{"result":null,"error":{"code":"Unprocessable Entity","description":"Invalid input"}}}""")]
    [InlineData(200, """{"finance":{"result":null,"error":{"code":"Bad Request","description":"x"}}}""")]
    public void Parse_BadRequestOrUnprocessableErrorObject_BadRequest(int status, string body)
    {
        Assert.Equal(FetchErrorCategory.BadRequest, Parse(body, status).Error?.Category);
    }

    [Fact]
    public void Parse_ErrorObjectAfterResult_ErrorStillWins()
    {
        var body = """{"chart":{"result":[{"meta":{"exchangeTimezoneName":"UTC"},"timestamp":[1],"indicators":{"quote":[{"open":[1],"high":[1],"low":[1],"close":[1]}]}}],"error":{"code":"Not Found","description":"gone"}}}""";

        Assert.Equal(FetchErrorCategory.NotFound, Parse(body, 200).Error?.Category);
    }

    [Theory]
    [InlineData(404, "Not Found")]
    [InlineData(404, "<html>404</html>")]
    [InlineData(404, "")]
    [InlineData(404, """{"chart":{"result":null,"error":null}}""")]
    public void Parse_404WithoutErrorObject_NotFound(int status, string body)
    {
        Assert.Equal(FetchErrorCategory.NotFound, Parse(body, status).Error?.Category);
    }

    [Theory]
    [InlineData(400, "Bad Request")]
    [InlineData(405, "")]
    [InlineData(410, "<html>Gone</html>")]
    [InlineData(418, """{"chart":{"result":null,"error":{"code":"Teapot","description":"?"}}}""")]
    public void Parse_Other4xxWithoutKnownErrorObject_BadRequest(int status, string body)
    {
        Assert.Equal(FetchErrorCategory.BadRequest, Parse(body, status).Error?.Category);
    }

    [Theory]
    [InlineData("<!DOCTYPE html><html><body>Will be right back</body></html>")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("""{"chart":{"result":[{"meta":{},"timestamp":[1,2""")]
    [InlineData("""{"chart":{"result":null,"error":null}} trailing""")]
    [InlineData("""{"chart":{"result":null,"error":null}}{}""")]
    [InlineData("""{'chart':{}}""")]
    [InlineData("""{"chart":{"result":[],"error":null},}""")]
    public void Parse_200NotValidJson_Malformed(string body)
    {
        var result = Parse(body, 200);

        Assert.Equal(FetchErrorCategory.Malformed, result.Error?.Category);
        Assert.Empty(result.Bars);
    }

    [Fact]
    public void Parse_200Truncated_MalformedNothingIngested()
    {
        var whole = new ChartJson().Bar(T0).Bar(T0 + Day).Bar(T0 + (2 * Day)).ToBytes();

        for (var cut = 1; cut < whole.Length; cut += 7)
        {
            var result = ChartParser.Parse(whole.AsSpan(0, cut), new ChartResponseInfo(200) { Interval = BarInterval.Daily });
            Assert.True(result.Error?.Category == FetchErrorCategory.Malformed, $"cut at {cut}: {result.Error?.Message ?? "no error"}");
            Assert.Empty(result.Bars);
        }

        Assert.Null(ChartParser.Parse(whole, new ChartResponseInfo(200)).Error);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("nan")]
    public void Parse_BareNonFiniteToken_MalformedBecauseItIsNotJson(string token)
    {
        var body = new ChartJson().Bar(T0).RawRow(T0 + Day, "1", token, "1", "1").ToString();

        var result = Parse(body, 200);

        Assert.Equal(FetchErrorCategory.Malformed, result.Error?.Category);
        Assert.Contains("not valid JSON", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BareNaNInAdjClose_MalformedToo()
    {
        var body = new ChartJson().RawRow(T0, "1", "1", "1", "1", adjClose: "NaN").ToString();

        Assert.Equal(FetchErrorCategory.Malformed, Parse(body, 200).Error?.Category);
    }

    [Fact]
    public void Parse_200UnknownErrorCode_MalformedNamingTheCode()
    {
        var result = Parse("""{"chart":{"result":null,"error":{"code":"Internal Server Error","description":"boom"}}}""", 200);

        Assert.Equal(FetchErrorCategory.Malformed, result.Error?.Category);
        Assert.Contains("Internal Server Error", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ErrorCodeSpacingAndCase_Tolerated()
    {
        Assert.Equal(FetchErrorCategory.NotFound,
            Parse("""{"chart":{"result":null,"error":{"code":" not found ","description":null}}}""", 200).Error?.Category);
    }

    [Fact]
    public void Parse_ErrorIsNotAnObject_IgnoredAndResultUsed()
    {
        var body = new ChartJson().Bar(T0).ToString().Replace("\"error\":null", "\"error\":\"\"", StringComparison.Ordinal);

        var result = Parse(body, 200);

        Assert.Null(result.Error);
        Assert.Single(result.Bars);
    }

    [Fact]
    public void Parse_Utf8Bom_Accepted()
    {
        var body = Encoding.UTF8.Preamble.ToArray().Concat(new ChartJson().Bar(T0).ToBytes()).ToArray();

        var result = ChartParser.Parse(body, new ChartResponseInfo(200));

        Assert.Null(result.Error);
        Assert.Single(result.Bars);
    }

    [Fact]
    public void Parse_MultiSegmentSequence_SameResultAsSpan()
    {
        var body = new ChartJson().Bar(T0, 1).Row(T0 + Day, null, null, null, null).Bar(T0 + (2 * Day), 3).ToBytes();
        var info = new ChartResponseInfo(200) { Interval = BarInterval.Daily };

        var fromSpan = ChartParser.Parse(body, info);
        var fromSequence = ChartParser.Parse(Segmented(body, 7), info);

        Assert.Null(fromSequence.Error);
        Assert.Equal(fromSpan.Bars, fromSequence.Bars);
        Assert.Equal(fromSpan.DroppedRows, fromSequence.DroppedRows);
        Assert.Equal(fromSpan.Metadata, fromSequence.Metadata);
    }

    [Fact]
    public void Parse_MultiSegmentTruncatedSequence_Malformed()
    {
        var body = new ChartJson().Bar(T0).ToBytes();

        var result = ChartParser.Parse(Segmented(body.AsSpan(0, body.Length - 5).ToArray(), 11), new ChartResponseInfo(200));

        Assert.Equal(FetchErrorCategory.Malformed, result.Error?.Category);
    }

    [Fact]
    public void Parse_MultiSegmentWithBomAnd429_ClassifiedLikeSpans()
    {
        var body = Encoding.UTF8.Preamble.ToArray().Concat(new ChartJson().Bar(T0).ToBytes()).ToArray();

        Assert.Null(ChartParser.Parse(Segmented(body, 2), new ChartResponseInfo(200)).Error);
        Assert.Equal(FetchErrorCategory.RateLimited,
            ChartParser.Parse(Segmented(Encoding.UTF8.GetBytes("Too Many Requests"), 3), new ChartResponseInfo(429)).Error?.Category);
        Assert.Equal(FetchErrorCategory.NotFound,
            ChartParser.Parse(Segmented(Encoding.UTF8.GetBytes(NotFoundBody), 5), new ChartResponseInfo(404)).Error?.Category);
    }

    [Fact]
    public void Parse_RandomlyCorruptedFixtures_NeverThrowsAlwaysOneOutcome()
    {
        var random = new Random(314159);
        var files = Directory.GetFiles(StockData.TestSupport.RepoPaths.YahooFixtures, "*.json").Order(StringComparer.Ordinal).ToArray();
        var tokens = new[] { "null", "NaN", "\"NaN\"", "{}", "[]", "-1", "1e999", "\"x\"", ",", "]", "}", "\"" };
        for (var i = 0; i < 600; i++)
        {
            var bytes = File.ReadAllBytes(files[random.Next(files.Length)]).ToList();
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(bytes.Count);
                switch (random.Next(3))
                {
                    case 0:
                        bytes[at] = (byte)random.Next(256);
                        break;
                    case 1:
                        bytes.RemoveRange(at, Math.Min(random.Next(1, 40), bytes.Count - at));
                        break;
                    default:
                        bytes.InsertRange(at, Encoding.UTF8.GetBytes(tokens[random.Next(tokens.Length)]));
                        break;
                }
            }

            var status = new[] { 200, 200, 200, 404, 400, 500 }[random.Next(6)];
            var interval = new[] { "1d", "1m", "3mo" }[random.Next(3)];
            var result = ChartParser.Parse(bytes.ToArray(), new ChartResponseInfo(status) { Interval = BarInterval.Parse(interval), Period2 = 1727913600 });

            Assert.True(result.Error is null || (result.Bars.Count == 0 && result.DroppedRows.Count == 0), $"case {i}");
        }
    }

    private static FetchResult Parse(string body, int status, TimeSpan? retryAfter = null, string? contentType = null,
        string? symbol = "TEST") =>
        ChartParser.Parse(Encoding.UTF8.GetBytes(body), new ChartResponseInfo(status)
        {
            Interval = BarInterval.Daily,
            Symbol = symbol,
            RetryAfter = retryAfter,
            ContentType = contentType,
        });

    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentLength)
    {
        Segment? first = null;
        Segment? last = null;
        for (var offset = 0; offset < bytes.Length; offset += segmentLength)
        {
            var chunk = bytes.AsMemory(offset, Math.Min(segmentLength, bytes.Length - offset));
            last = last is null ? first = new Segment(chunk, 0) : last.Append(chunk);
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
