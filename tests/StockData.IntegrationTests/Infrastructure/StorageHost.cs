using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StockData.Storage;
using StockData.Upstream;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Infrastructure;

/// <summary>
/// The product's own storage composition (one data source, validated options) on a fixture's scratch database: directly,
/// or through PgBouncer in transaction mode (with the pooler setting) when the fixture is a <see cref="PgBouncerFixture"/>.
/// </summary>
public static class StorageHost
{
    public static ServiceProvider Create(PostgresFixture postgres, IDictionary<string, string?>? settings = null, RedisFixture? redis = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = postgres.ProductConnectionString,
            ["ConnectionStrings:Redis"] = redis?.ConnectionString,
        };
        if (postgres.ThroughTransactionPooler)
        {
            values["StockData:Storage:Pooler"] = "Transaction";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddStockDataStorage(configuration)
            .AddStockDataRedis()
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
