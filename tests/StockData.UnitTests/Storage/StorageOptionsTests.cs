using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StockData.Storage;

namespace StockData.UnitTests.Storage;

public sealed class StorageOptionsTests
{
    [Fact]
    public void Defaults_ArePinned()
    {
        var options = new StorageOptions();
        Assert.Equal("public", options.Schema);
        Assert.Equal(20, options.MaxPoolSize);
        Assert.Equal("stockdata", options.ApplicationName);
        Assert.Equal(TimeSpan.FromMinutes(5), options.CommandTimeout);
        Assert.True(options.KeepRevisions);
        Assert.Null(options.PostgresReadConnectionString);
        Assert.Equal(TimeSpan.FromSeconds(5), options.StandbyRetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(5), options.StandbyPollInterval);
    }

    [Fact]
    public void Validate_ReadReplica_BoundFromConnectionStrings_AndCheckedLikeThePrimary()
    {
        var options = Resolve(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Username=postgres;Database=x",
            ["ConnectionStrings:PostgresRead"] = "Host=127.0.0.2;Port=5433;Username=postgres;Database=x",
        });
        Assert.Equal("Host=127.0.0.2;Port=5433;Username=postgres;Database=x", options.PostgresReadConnectionString);

        var noHost = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Username=postgres;Database=x",
            ["ConnectionStrings:PostgresRead"] = "Username=postgres;Database=x",
        }));
        Assert.Contains("ConnectionStrings__PostgresRead", Assert.Single(noHost.Failures), StringComparison.Ordinal);
        var bad = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Username=postgres;Database=x",
            ["ConnectionStrings:PostgresRead"] = "Host=h;Password=s3cret;Bogus Keyword=1",
            ["StockData:Storage:StandbyRetryAfter"] = "00:00:00",
        }));
        Assert.Contains(bad.Failures, f => f.Contains("ConnectionStrings:PostgresRead", StringComparison.Ordinal));
        Assert.Contains(bad.Failures, f => f.Contains("StandbyRetryAfter", StringComparison.Ordinal));
        Assert.DoesNotContain("s3cret", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingPostgres_SaysHowToSetIt()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?>()));
        var failure = Assert.Single(ex.Failures);
        Assert.Contains("ConnectionStrings__Postgres", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadValues_ReportsEveryFailure()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Username=postgres",
            ["StockData:Storage:Schema"] = "Robert'); DROP TABLE",
            ["StockData:Storage:MaxPoolSize"] = "0",
        }));
        Assert.Contains(ex.Failures, f => f.Contains("Schema", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("MaxPoolSize", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UnparsableConnectionString_DoesNotEchoIt()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = "Host=h;Password=s3cret;Bogus Keyword=1",
        }));
        Assert.Contains("ConnectionStrings:Postgres", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Good_BindsConnectionStrings()
    {
        var options = Resolve(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Username=postgres;Database=x",
            ["ConnectionStrings:Redis"] = "127.0.0.1:6379",
            ["StockData:Storage:Schema"] = "bench_1",
        });
        Assert.Equal("bench_1", options.Schema);
        Assert.Equal("127.0.0.1:6379", options.RedisConnectionString);
    }

    private static StorageOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddStockDataStorage(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<StorageOptions>>().Value;
    }
}
