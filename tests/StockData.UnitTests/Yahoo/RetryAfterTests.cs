using StockData.Yahoo;

namespace StockData.UnitTests.Yahoo;

public sealed class RetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 4, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("0", 0)]
    [InlineData("1", 1)]
    [InlineData("120", 120)]
    [InlineData(" 30 ", 30)]
    [InlineData("86400", 86400)]
    public void Parse_DelaySeconds_ReturnsDelay(string header, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfter.Parse(header, Now));
    }

    [Fact]
    public void Parse_HttpDateInFuture_ReturnsDifference()
    {
        Assert.Equal(TimeSpan.FromSeconds(90), RetryAfter.Parse("Tue, 04 Mar 2025 12:01:30 GMT", Now));
    }

    [Fact]
    public void Parse_HttpDateInPast_ReturnsZero()
    {
        Assert.Equal(TimeSpan.Zero, RetryAfter.Parse("Tue, 04 Mar 2025 11:00:00 GMT", Now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("Edge: Too Many Requests")]
    public void Parse_Unreadable_ReturnsNull(string? header)
    {
        Assert.Null(RetryAfter.Parse(header, Now));
    }
}
