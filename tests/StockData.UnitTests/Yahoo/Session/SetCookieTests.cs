using System.Net;
using StockData.Yahoo.Session;

namespace StockData.UnitTests.Yahoo.Session;

public sealed class SetCookieTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TryParse_YahooA3_ValueKeepsItsEqualsSignsAndAttributesAreIgnored()
    {
        var ok = SetCookie.TryParse(
            "A3=d=AQABBKx9&S=AQAAAj1; Expires=Tue, 05 Jan 2027 12:00:00 GMT; Max-Age=31557600; Domain=.yahoo.com; Path=/; Secure; HttpOnly; SameSite=None",
            Now, out var name, out var value, out var expired);

        Assert.True(ok);
        Assert.Equal("A3", name);
        Assert.Equal("d=AQABBKx9&S=AQAAAj1", value);
        Assert.False(expired);
    }

    [Theory]
    [InlineData("A1=x; Max-Age=0", true)]
    [InlineData("A1=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT", true)]
    [InlineData("A1=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60", false)]
    [InlineData("A1=x; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT", false)]
    [InlineData("A1=\"quoted\"; Path=/", false)]
    public void TryParse_DeletionsAreRecognised_MaxAgeWinsOverExpires(string line, bool expectedExpired)
    {
        Assert.True(SetCookie.TryParse(line, Now, out _, out _, out var expired));
        Assert.Equal(expectedExpired, expired);
    }

    [Theory]
    [InlineData("")]
    [InlineData("novalue")]
    [InlineData("=value")]
    [InlineData("bad name=1")]
    public void TryParse_NotACookie_False(string line)
    {
        Assert.False(SetCookie.TryParse(line, Now, out _, out _, out _));
    }

    [Fact]
    public void Jar_LaterValueReplaces_DeletionRemoves_HeaderJoinsInOrder()
    {
        using var first = new HttpResponseMessage(HttpStatusCode.Found);
        first.Headers.TryAddWithoutValidation("Set-Cookie", "GUCS=s1; Domain=.yahoo.com; Path=/");
        first.Headers.TryAddWithoutValidation("Set-Cookie", "A3=d=one&S=two; Domain=.yahoo.com; Secure");
        using var second = new HttpResponseMessage(HttpStatusCode.OK);
        second.Headers.TryAddWithoutValidation("Set-Cookie", "GUCS=gone; Max-Age=0");
        second.Headers.TryAddWithoutValidation("Set-Cookie", "A3=d=three&S=four; Domain=.yahoo.com");
        var jar = new SessionCookieJar();

        jar.AddFrom(first, Now);
        Assert.Equal("GUCS=s1; A3=d=one&S=two", jar.ToHeader());
        jar.AddFrom(second, Now);

        Assert.Equal(1, jar.Count);
        Assert.Equal("A3=d=three&S=four", jar.ToHeader());
    }
}
