using StockData.Yahoo.Client;

namespace StockData.UnitTests.Yahoo;

public sealed class YahooSymbolTests
{
    [Theory]
    [InlineData("AAPL", "AAPL")]
    [InlineData("^GSPC", "%5EGSPC")]
    [InlineData("M&M.NS", "M%26M.NS")]
    [InlineData("BRK-B", "BRK-B")]
    [InlineData("0700.HK", "0700.HK")]
    [InlineData("EURUSD=X", "EURUSD=X")]
    [InlineData("GC=F", "GC=F")]
    [InlineData("BTC-USD", "BTC-USD")]
    [InlineData("OCDO.L", "OCDO.L")]
    [InlineData("0P000071W8.TO", "0P000071W8.TO")]
    [InlineData("A_B", "A_B")]
    public void ToPathSegment_ValidSymbol_EncodesAsOneSegment(string symbol, string expected)
    {
        Assert.True(YahooSymbol.IsValid(symbol));
        Assert.Equal(expected, YahooSymbol.ToPathSegment(symbol));
    }

    [Theory]
    [InlineData("aapl", "AAPL")]
    [InlineData("brk-b", "BRK-B")]
    [InlineData("m&m.ns", "M&M.NS")]
    [InlineData("eurusd=x", "EURUSD=X")]
    [InlineData("^GSPC", "^GSPC")]
    [InlineData("../admin", "../admin")]
    public void Normalize_AnyCase_UpperCase(string symbol, string expected) => Assert.Equal(expected, YahooSymbol.Normalize(symbol));

    [Theory]
    [InlineData("../AAPL")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("AAPL/../../v7")]
    [InlineData("AAPL%2F..")]
    [InlineData("%2E%2E")]
    [InlineData("AAPL?x=1")]
    [InlineData("AAPL#frag")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("user@evil.example")]
    [InlineData("AAPL\r\nHost: evil")]
    [InlineData("AAPL\n")]
    [InlineData("AAPL\t")]
    [InlineData("AA PL")]
    [InlineData("\u0391APL")] // Greek capital alpha, looks like A
    [InlineData("AAPL\u2215X")] // division slash, looks like /
    [InlineData("AAPL\uFF0FX")] // fullwidth solidus
    [InlineData("AAPL\u2024")] // one dot leader, looks like .
    [InlineData("AAPL\u0000")]
    [InlineData("A:B")]
    [InlineData("^")]
    [InlineData("")]
    public void Validate_HostileSymbol_ThrowsNamingIt(string symbol)
    {
        Assert.False(YahooSymbol.IsValid(symbol));
        var ex = Assert.Throws<InvalidYahooSymbolException>(() => YahooSymbol.Validate(symbol));
        Assert.Equal(symbol, ex.Symbol);
        Assert.Contains("Invalid Yahoo symbol", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message.Split('(')[0]);
    }

    [Fact]
    public void Validate_ControlCharacters_ShownEscapedInMessage()
    {
        var ex = Assert.Throws<InvalidYahooSymbolException>(() => YahooSymbol.Validate("AAPL\r\nX"));
        Assert.Contains("'AAPL\\u000D\\u000AX'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TooLong_RejectedWithLength()
    {
        var symbol = new string('A', YahooSymbol.MaxLength + 1);
        var ex = Assert.Throws<InvalidYahooSymbolException>(() => YahooSymbol.Validate(symbol));
        Assert.Contains($"{YahooSymbol.MaxLength + 1} characters", ex.Message, StringComparison.Ordinal);
        Assert.True(YahooSymbol.IsValid(new string('A', YahooSymbol.MaxLength)));
    }

    [Fact]
    public void Validate_Null_Rejected()
    {
        Assert.False(YahooSymbol.IsValid(null));
        Assert.Throws<InvalidYahooSymbolException>(() => YahooSymbol.Validate(null));
    }

    [Fact]
    public void ToPathSegment_EveryAllowedCharacter_NeverLeavesTheSegment()
    {
        // Every single- and two-character combination of the allowed punctuation around a letter.
        const string punctuation = "^.-=_&";
        foreach (var a in punctuation)
        {
            foreach (var b in punctuation)
            {
                var symbol = $"{a}X{b}";
                var segment = YahooSymbol.ToPathSegment(symbol);
                Assert.DoesNotContain('/', segment);
                Assert.DoesNotContain('?', segment);
                Assert.DoesNotContain('#', segment);
                Assert.DoesNotContain('&', segment);
                Assert.Equal(symbol, Uri.UnescapeDataString(segment));
            }
        }
    }
}
