using System.Net;
using StockData.Core;
using StockData.Upstream.Caching;
using StockData.TestSupport;
using StockData.Yahoo.Client;

namespace StockData.UnitTests.Upstream.Caching;

public sealed class CachedChartResponseTests
{
    [Fact]
    public void RoundTrip_KeepsStatusContentTypeRetryAfterAndBody_Compressed()
    {
        var body = File.ReadAllBytes(Directory.EnumerateFiles(RepoPaths.YahooFixtures, "*.json")
            .OrderByDescending(f => new FileInfo(f).Length).First());
        var request = YahooChartRequest.ForRange("AAPL", BarInterval.Daily, "1y");
        // A response owns a buffer of the shared pool, which it returns on dispose.
        var pooled = System.Buffers.ArrayPool<byte>.Shared.Rent(body.Length);
        body.CopyTo(pooled, 0);
        using var original = new YahooResponse(request, new Uri("https://query2.finance.yahoo.com/v8/finance/chart/AAPL"), HttpStatusCode.OK,
            "application/json;charset=utf-8", TimeSpan.FromSeconds(3), HttpVersion.Version20, pooled, body.Length);

        var cached = CachedChartResponse.From(original);
        using var back = cached.ToResponse(request);

        Assert.True(cached.Body.Length * 3 < body.Length, $"{cached.Body.Length} compressed bytes for {body.Length}");
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        Assert.Equal("application/json;charset=utf-8", back.ContentType);
        Assert.Equal(TimeSpan.FromSeconds(3), back.RetryAfter);
        Assert.Equal(original.RequestUri, back.RequestUri);
        Assert.True(back.Body.Span.SequenceEqual(body));
    }
}
