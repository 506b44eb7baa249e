using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StockData.Core;
using StockData.Storage.Postgres;
using StockData.Storage.Postgres.Jobs;
using StockData.Storage.Postgres.Reading;
using StockData.Storage.Postgres.Universe;

namespace StockData.Storage;

/// <summary>
/// The composition file of storage: the only place in <c>src/</c> that builds an <see cref="NpgsqlDataSource"/>.
/// Everything else takes the one data source from DI, so the pool size bounds the backends this process uses.
/// </summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the storage and writer options (validated at start-up), the one data source, the migrator, the bar
    /// writer (<see cref="IBarWriter"/>, a singleton: it tracks fetches in flight and which connections hold its staging
    /// tables). Needs a <see cref="TimeProvider"/> registered by the host.
    /// </summary>
    public static IHostApplicationBuilder AddStockDataStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddStockDataStorage(builder.Configuration);
        return builder;
    }

    /// <inheritdoc cref="AddStockDataStorage(IHostApplicationBuilder)"/>
    public static IServiceCollection AddStockDataStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            .Configure(o =>
            {
                o.PostgresConnectionString ??= configuration.GetConnectionString("Postgres");
                o.RedisConnectionString ??= configuration.GetConnectionString("Redis");
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsAttributeValidator>();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();

        services.AddSingleton(sp => CreateDataSource(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddOptions<BarWriterOptions>()
            .Bind(configuration.GetSection(BarWriterOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<BarWriterOptions>, BarWriterOptionsAttributeValidator>();
        services.AddSingleton<IValidateOptions<BarWriterOptions>, BarWriterOptionsValidator>();

        services.AddOptions<RetentionOptions>()
            .Bind(configuration.GetSection(RetentionOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RetentionOptions>, RetentionOptionsAttributeValidator>();
        services.AddSingleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>();

        services.AddSingleton(sp => new SchemaSql(sp.GetRequiredService<IOptions<StorageOptions>>().Value.Schema));
        services.AddSingleton<SchemaMigrator>();
        services.AddSingleton<Postgres.Partitions.IntradayPartitions>();
        services.AddSingleton<IBarWriter, PostgresBarWriter>();
        // Whatever feeds the writer (the planner, a benchmark) takes its fetch ids from this one sequence.
        services.AddSingleton<FetchIdSequence>();

        // Daemon mode: the refresh schedule and its leases, fetch jobs, and the bars read side.
        services.AddSingleton<SymbolUniverse>();
        services.AddSingleton<ScheduleLeases>();
        services.AddSingleton<StoreCountsReader>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobItemLeases>();
        services.AddSingleton<BarReader>();
        services.AddSingleton<Postgres.Catalog.CoverageReader>();
        services.AddSingleton<Postgres.Catalog.SymbolDetailReader>();
        services.AddSingleton<Postgres.Catalog.EventReader>();
        services.AddSingleton<Postgres.Export.BarExportReader>();
        services.AddSingleton<Postgres.Export.CatalogExportReader>();
        services.AddSingleton<Postgres.Quality.QualityScanner>();
        services.AddSingleton<Postgres.Quality.QualityReader>();
        services.AddSingleton<Postgres.Budget.RequestLedger>();
        return services;
    }

    private static NpgsqlDataSource CreateDataSource(StorageOptions options, ILoggerFactory loggerFactory)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(options.PostgresConnectionString)
        {
            MaxPoolSize = options.MaxPoolSize,
            ApplicationName = options.ApplicationName,
            // No search_path: every statement names its schema (SchemaSql). A pooler in transaction mode refuses the
            // start-up parameter, or drops it when told to ignore it, and unqualified names would then resolve wherever
            // the server's default points; one set by a connection string is cleared for the same reason.
            SearchPath = null,
            CommandTimeout = (int)Math.Ceiling(options.CommandTimeout.TotalSeconds),
            // The writer COPYs into a TEMP staging table created once per physical connection and emptied per batch
            // (CREATE/DROP per batch churns pg_class/pg_attribute). Npgsql's default reset on return to the pool runs
            // DISCARD ALL, which drops temp tables; with No Reset On Close the staging table survives. Nothing else
            // here leaves session state behind (no SET, no prepared-by-name statements, no advisory session locks).
            // Behind a pooler in transaction mode the reset would run on whichever backend the pooler lends, never
            // reaching the state it means to reset, so it is off there as well.
            NoResetOnClose = true,
        };
        if (options.Pooler == PoolerMode.Transaction)
        {
            // PgBouncer before 1.21 keeps no prepared statements across the backends it lends: a statement prepared in
            // one transaction is unknown ("prepared statement does not exist") in the next. Npgsql prepares only when
            // told to (Prepare() or Max Auto Prepare > 0, default 0); a connection string asking for it is overridden.
            connectionString.MaxAutoPrepare = 0;
        }

        var builder = new NpgsqlDataSourceBuilder(connectionString.ConnectionString);
        builder.UseLoggerFactory(loggerFactory);
        return builder.Build();
    }
}
