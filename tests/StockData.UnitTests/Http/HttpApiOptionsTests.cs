using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StockData.Pipeline.Http;

namespace StockData.UnitTests.Http;

public sealed class HttpApiOptionsTests
{
    [Fact]
    public void Defaults_ArePinned()
    {
        var options = new HttpApiOptions();

        Assert.Equal("StockData:Http", HttpApiOptions.SectionName);
        Assert.Equal("http://127.0.0.1:9464", options.Url);
        Assert.Null(options.ApiKey);
        Assert.False(options.IsExposed);
        Assert.Equal(100, options.MaxSymbolsPerRequest);
        Assert.Equal(4, options.MaxConcurrentReads);
        Assert.Equal(TimeSpan.FromMinutes(2), options.RefreshTimeout);
    }

    [Fact]
    public void Validate_LoopbackWithoutKey_Passes() => Assert.Null(Resolve([]).ApiKey);

    [Fact]
    public void Validate_ExposedWithoutKey_SaysWhichSettingAndHow()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["StockData:Http:Url"] = "http://0.0.0.0:9464" }));

        var failure = Assert.Single(ex.Failures);
        Assert.Contains("StockData:Http:ApiKey is required", failure, StringComparison.Ordinal);
        Assert.Contains("StockData__Http__ApiKey", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ExposedWithKey_Passes()
    {
        var options = Resolve(new() { ["StockData:Http:Url"] = "http://0.0.0.0:9464", ["StockData:Http:ApiKey"] = "0123456789abcdef0123" });

        Assert.True(options.IsExposed);
    }

    [Fact]
    public void Validate_BadValues_ReportsEveryFailure()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new()
        {
            ["StockData:Http:Url"] = "tcp://somewhere",
            ["StockData:Http:ApiKey"] = "short",
            ["StockData:Http:MaxConcurrentReads"] = "0",
        }));

        Assert.Contains(ex.Failures, f => f.Contains("StockData:Http:Url 'tcp://somewhere'", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("ApiKey", StringComparison.Ordinal) && f.Contains("16", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("MaxConcurrentReads", StringComparison.Ordinal));
    }

    private static HttpApiOptions Resolve(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddOptions<HttpApiOptions>().Bind(configuration.GetSection(HttpApiOptions.SectionName));
        services.AddSingleton<IValidateOptions<HttpApiOptions>, HttpApiOptionsAttributeValidator>();
        services.AddSingleton<IValidateOptions<HttpApiOptions>, HttpApiOptionsValidator>();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<HttpApiOptions>>().Value;
    }
}
