using Microsoft.Extensions.Options;
using StockData.Pipeline.Http;

namespace StockData.UnitTests.Http;

public sealed class ApiKeyFilterTests
{
    private static ApiKeyFilter CreateSut(string? key) => new(Options.Create(new HttpApiOptions { ApiKey = key }));

    [Fact]
    public void Matches_TheKey_True() => Assert.True(CreateSut("0123456789abcdef").Matches("0123456789abcdef"));

    [Theory]
    [InlineData("")]
    [InlineData("0123456789abcdeF")]
    [InlineData("0123456789abcde")]
    [InlineData("0123456789abcdef0")]
    public void Matches_AnythingElse_False(string presented) => Assert.False(CreateSut("0123456789abcdef").Matches(presented));

    [Fact]
    public void Matches_NoKeyConfigured_EverythingPasses() => Assert.True(CreateSut(null).Matches(""));
}
