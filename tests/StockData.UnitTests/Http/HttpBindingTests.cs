using StockData.Pipeline.Http;

namespace StockData.UnitTests.Http;

public sealed class HttpBindingTests
{
    [Theory]
    [InlineData("http://127.0.0.1:9464", true)]
    [InlineData("http://127.0.0.2:9464", true)]
    [InlineData("http://localhost:9464", true)]
    [InlineData("http://[::1]:9464", true)]
    [InlineData("http://127.0.0.1:9464;http://[::1]:9464", true)]
    [InlineData("http://0.0.0.0:9464", false)]
    [InlineData("http://[::]:9464", false)]
    [InlineData("http://*:9464", false)]
    [InlineData("http://+:9464", false)]
    [InlineData("http://10.1.2.3:9464", false)]
    [InlineData("http://worker.example:9464", false)]
    [InlineData("http://127.0.0.1:9464;http://0.0.0.0:9465", false)]
    [InlineData("", false)]
    public void IsLoopbackOnly_ByHost(string urls, bool expected) => Assert.Equal(expected, HttpBinding.IsLoopbackOnly(urls));

    [Theory]
    [InlineData("http://127.0.0.1:9464", "127.0.0.1")]
    [InlineData("https://localhost:443/", "localhost")]
    [InlineData("http://[::1]:0", "::1")]
    [InlineData("http://*:80", "*")]
    [InlineData("http://host", "host")]
    [InlineData("ftp://127.0.0.1:21", null)]
    [InlineData("127.0.0.1:9464", null)]
    [InlineData("http://:9464", null)]
    [InlineData("http://host:port", null)]
    public void Host_ParsesKestrelUrls(string url, string? expected) => Assert.Equal(expected, HttpBinding.Host(url));
}
