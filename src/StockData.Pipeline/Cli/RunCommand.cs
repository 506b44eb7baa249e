using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockData.Hosting;
using StockData.Pipeline.Daemon;
using StockData.Diagnostics;
using StockData.Pipeline.Http;
using StockData.Pipeline.Maintenance;
using StockData.Ingest;
using StockData.Pipeline.Quality;
using StockData.Storage.Postgres;
using StockData.Upstream.Redis;
using StockData.Yahoo;

namespace StockData.Pipeline.Cli;

/// <summary>
/// <c>stockdata run</c>: the hosted worker. Migrates, then claims due symbols and job items under leases and feeds them
/// through the ingest pipeline until SIGTERM, serving <c>/metrics</c>, <c>/healthz</c>, <c>/readyz</c>, the jobs, bars and
/// symbols API and <c>/openapi/v1.json</c> on <c>StockData:Http:Url</c>. SIGTERM / Ctrl-C: stop claiming, drain in-flight work, release the leases still
/// held, exit 0. Exit 1 when PostgreSQL is unreachable at start or the address cannot be bound; 2 for configuration errors.
/// </summary>
internal static class RunCommand
{
    /// <summary>Host shutdown allows the pipeline's drain plus this for the lease release and Kestrel.</summary>
    private static readonly TimeSpan ShutdownMargin = TimeSpan.FromSeconds(15);

    public static Command Create()
    {
        var command = new Command("run",
            "Run the worker: keep the symbol universe up to date (leases shared by every replica), work through fetch jobs, and serve " +
            "/metrics, /healthz, /readyz, /jobs, /bars, /symbols and /openapi/v1.json on StockData:Http:Url (default http://127.0.0.1:9464).");
        command.SetAction((_, ct) => VerbRunner.RunAsync(() => Build(), RunAsync, ct));
        return command;
    }

    /// <summary>The worker's host, not started. <paramref name="settings"/> (tests only) override the configuration.</summary>
    internal static WebApplication Build(IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.AddStockDataPipeline();
        // The web host is not built by StockDataHost, so it adds stockdata's own area here as Program.cs does for the others.
        builder.AddStockDataQuality();
        builder.AddStockDataDaemon();
        builder.Services.AddStockDataPartitionMaintenanceService();
        builder.AddStockDataQualityMonitor();
        builder.AddStockDataHttpApi();
        builder.WebHost.UseUrls(builder.Configuration[$"{HttpApiOptions.SectionName}:{nameof(HttpApiOptions.Url)}"] ?? new HttpApiOptions().Url);
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<IngestOptions>>((host, ingest) =>
            host.ShutdownTimeout = ingest.Value.DrainTimeout + ShutdownMargin);
        var app = builder.Build();
        app.MapStockDataApi();
        return app;
    }

    private static async Task<int> RunAsync(IHost host, CancellationToken cancellationToken)
    {
        var services = host.Services;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("StockData.Pipeline.Run");
        await services.GetRequiredService<SchemaMigrator>().MigrateAsync(cancellationToken);
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"stockdata: cannot listen on {services.GetRequiredService<IOptions<HttpApiOptions>>().Value.Url}: {ex.Message}");
            return ExitCodes.Failed;
        }

        var app = (WebApplication)host;
        PipelineLog.Listening(logger, string.Join(", ", app.Urls));
        LogSettings(services, logger);
        await host.WaitForShutdownAsync(CancellationToken.None);

        // A bug that escaped the worker stops the host (BackgroundServiceExceptionBehavior.StopHost): say so, exit 1.
        var daemon = services.GetServices<IHostedService>().OfType<DaemonWorker>().Single();
        if (daemon.ExecuteTask is { IsFaulted: true } failed)
        {
            var error = failed.Exception!.GetBaseException();
            PipelineLog.DaemonFailed(logger, error.Message, error);
            await Console.Error.WriteLineAsync($"stockdata: the worker failed: {error.Message}");
            return ExitCodes.Failed;
        }

        return ExitCodes.Ok;
    }

    private static void LogSettings(IServiceProvider services, ILogger logger)
    {
        var ingest = services.GetRequiredService<IOptions<IngestOptions>>().Value;
        var limit = services.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var yahoo = services.GetRequiredService<IOptions<YahooOptions>>().Value;
        var http = services.GetRequiredService<IOptions<HttpApiOptions>>().Value;
        var shared = services.GetRequiredService<RedisConnectionProvider>().IsConfigured ? "shared via Redis" : "in-process";
        PipelineLog.RunSettings(logger, yahoo.BaseUrl, limit.PermitsPerSecond, limit.Burst, shared, ingest.FetchConcurrency,
            string.IsNullOrEmpty(http.ApiKey) ? "off (loopback only)" : "required on /jobs, /bars and /symbols");
    }
}
