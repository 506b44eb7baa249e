using StockData.Yahoo.Parsing;

namespace StockData.UnitTests.Yahoo.Parsing;

public sealed class YahooCurrencyUnitsTests
{
    [Theory]
    [InlineData("GBp", "GBP", 0.01)]
    [InlineData("ZAc", "ZAR", 0.01)]
    [InlineData("ILA", "ILS", 0.01)]
    [InlineData("GBP", "GBP", 1.0)]
    [InlineData("USD", "USD", 1.0)]
    [InlineData("gbp", "gbp", 1.0)]
    public void ToMajor_Code_MajorCurrencyAndFactor(string code, string major, double factor)
    {
        Assert.Equal((major, factor), YahooCurrencyUnits.ToMajor(code));
        Assert.Equal(factor != 1.0, YahooCurrencyUnits.IsMinorUnit(code));
    }

    [Fact]
    public void ToMajor_Null_NullAndOne()
    {
        Assert.Equal((null, 1.0), YahooCurrencyUnits.ToMajor(null));
        Assert.False(YahooCurrencyUnits.IsMinorUnit(null));
    }
}
