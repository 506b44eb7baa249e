using StockData.Yahoo.Session;

namespace StockData.UnitTests.Yahoo.Session;

public sealed class CrumbCheckTests
{
    [Theory]
    [InlineData("Phb0wzVdPs6", "Phb0wzVdPs6")]
    [InlineData("ab/cd.ef12G", "ab/cd.ef12G")]
    [InlineData("  Phb0wzVdPs6\n", "Phb0wzVdPs6")]
    public void Check_YahooShapedCrumb_ValidAndTrimmed(string body, string expected)
    {
        Assert.Equal(CrumbVerdict.Valid, CrumbCheck.Check(body, out var crumb));
        Assert.Equal(expected, crumb);
    }

    [Theory]
    [InlineData(null, CrumbVerdict.Empty)]
    [InlineData("", CrumbVerdict.Empty)]
    [InlineData("  \r\n", CrumbVerdict.Empty)]
    [InlineData("<!DOCTYPE html><html><body>consent</body></html>", CrumbVerdict.Html)]
    [InlineData("<HTML>", CrumbVerdict.Html)]
    [InlineData("Too Many Requests", CrumbVerdict.TooManyRequests)]
    [InlineData("Too Many Requests. Rate limited. Try after a while.", CrumbVerdict.TooManyRequests)]
    [InlineData("{\"finance\":{\"error\":{}}}", CrumbVerdict.Implausible)]
    [InlineData("has space", CrumbVerdict.Implausible)]
    public void Check_NotACrumb_SaysWhat(string? body, CrumbVerdict expected)
    {
        Assert.Equal(expected, CrumbCheck.Check(body, out _));
    }

    [Fact]
    public void Check_LongerThanAnyCrumb_Implausible()
    {
        Assert.Equal(CrumbVerdict.Valid, CrumbCheck.Check(new string('a', CrumbCheck.MaxLength), out _));
        Assert.Equal(CrumbVerdict.Implausible, CrumbCheck.Check(new string('a', CrumbCheck.MaxLength + 1), out _));
    }
}
