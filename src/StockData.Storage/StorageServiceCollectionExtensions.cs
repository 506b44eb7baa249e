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
using StockData.Storage.Postgres.Replica;
using StockData.Storage.Postgres.Universe;

namespace StockData.Storage;

/// <summary>
/// The composition file of storage: the only place in <c>src/</c> that builds an <see cref="NpgsqlDataSource"/>
/// (the primary's, and the standby's when <c>ConnectionStrings:PostgresRead</c> is set).
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
                o.PostgresReadConnectionString ??= configuration.GetConnectionString("PostgresRead");
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsAttributeValidator>();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();

        services.AddSingleton(sp => CreateDataSource(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>()));
        // The standby's data source: the second purpose (reads that may lag), so the second and last data source.
        services.AddSingleton(sp => CreateReadDataSource(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<WriteFence>();
        services.AddSingleton<ReadRouter>();
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
        // The same readers on the standby (when there is one), chosen per read by the ReadRouter.
        services.AddRouted((ds, sql) => new BarReader(ds, sql));
        services.AddRouted((ds, sql) => new Postgres.Catalog.CoverageReader(ds, sql));
        services.AddRouted((ds, sql) => new Postgres.Catalog.SymbolDetailReader(ds, sql));
        services.AddRouted((ds, sql) => new Postgres.Catalog.EventReader(ds, sql));
        services.AddRouted((ds, sql) => new Postgres.Export.BarExportReader(ds, sql));
        services.AddRouted((ds, sql) => new Postgres.Export.CatalogExportReader(ds, sql));
        services.AddSingleton<Postgres.Quality.QualityScanner>();
        services.AddSingleton<Postgres.Quality.QualityReader>();
        services.AddSingleton<Postgres.Budget.RequestLedger>();
        return services;
    }

    private static void AddRouted<TReader>(this IServiceCollection services, Func<NpgsqlDataSource, SchemaSql, TReader> create)
        where TReader : class =>
        services.AddSingleton(sp => new Routed<TReader>(
            sp.GetRequiredService<TReader>(),
            sp.GetRequiredService<ReadDataSource>().Standby is { } standby ? create(standby, sp.GetRequiredService<SchemaSql>()) : null,
            sp.GetRequiredService<ReadRouter>()));

    private static ReadDataSource CreateReadDataSource(StorageOptions options, ILoggerFactory loggerFactory)
    {
        if (string.IsNullOrWhiteSpace(options.PostgresReadConnectionString))
        {
            return new ReadDataSource(null, null);
        }

        // Reads only: no writer staging, so the pool may reset sessions as usual; the same pool size and name, so the
        // standby's pg_stat_activity shows which process reads. Prepared statements are off when a pooler sits in front.
        var connectionString = Configure(options.PostgresReadConnectionString, options);
        connectionString.NoResetOnClose = false;
        var builder = new NpgsqlDataSourceBuilder(connectionString.ConnectionString);
        builder.UseLoggerFactory(loggerFactory);
        return new ReadDataSource(builder.Build(), $"{connectionString.Host}:{connectionString.Port}");
    }

    private static NpgsqlDataSource CreateDataSource(StorageOptions options, ILoggerFactory loggerFactory)
    {
        var builder = new NpgsqlDataSourceBuilder(Configure(options.PostgresConnectionString!, options).ConnectionString);
        builder.UseLoggerFactory(loggerFactory);
        return builder.Build();
    }

    private static NpgsqlConnectionStringBuilder Configure(string given, StorageOptions options)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(given)
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

        return connectionString;
    }
}
