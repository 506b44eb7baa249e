using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using StockData.YahooSim.Chart;
using StockData.YahooSim.Configuration;
using StockData.YahooSim.Faults;
using StockData.YahooSim.Logging;
using StockData.YahooSim.Market;
using StockData.YahooSim.Session;
using StockData.YahooSim.Stats;

namespace StockData.YahooSim.Hosting;

/// <summary>Builds and runs the simulator's web application.</summary>
internal static class SimulatorHost
{
    /// <summary>The line printed once listening; tests wait for it and read the URL after it.</summary>
    public const string ListeningPrefix = "YahooSim listening on ";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(SimulatorCommandLine.Usage);
            return 0;
        }

        WebApplication app;
        try
        {
            app = Build(args);
            await app.StartAsync();
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException or FormatException)
        {
            await Console.Error.WriteLineAsync($"yahoosim: {ex.Message.Split('\n')[0]}");
            return 2;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.ToList();
        if (addresses.Count > 0)
        {
            await SimulatorWarmUp.RunAsync(app, addresses[0], app.Lifetime.ApplicationStopping);
        }

        foreach (var address in addresses)
        {
            Console.WriteLine(ListeningPrefix + address);
        }

        await Console.Out.FlushAsync();
        await app.WaitForShutdownAsync();
        await app.DisposeAsync();
        return 0;
    }

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Configuration.AddCommandLine(args, SimulatorCommandLine.Switches);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            // Loopback by default: the simulator is a test tool and never needs to be reachable from elsewhere.
            builder.WebHost.UseUrls("http://127.0.0.1:5080");
        }

        // Per-request framework logs would cost more than the responses themselves at 5,000 requests/s.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.AddOptions<SimulatorOptions>()
            .Bind(builder.Configuration.GetSection(SimulatorOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SimulatorOptions>, SimulatorOptionsAttributeValidator>();
        builder.Services.AddSingleton<IValidateOptions<SimulatorOptions>, SimulatorOptionsValidator>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SimClock>();
        builder.Services.AddSingleton<SimStats>();
        builder.Services.AddSingleton<TokenBucket>();
        builder.Services.AddSingleton<ClientBuckets>();
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddSingleton<ConsentStore>();
        builder.Services.AddSingleton<GetcrumbThrottle>();
        builder.Services.AddSingleton<SessionEndpoints>();
        builder.Services.AddSingleton<FaultInjector>();
        builder.Services.AddSingleton<HistoryCache>();
        builder.Services.AddSingleton<ChartBuilder>();
        builder.Services.AddSingleton<ChartHandler>();

        var app = builder.Build();
        var stats = app.Services.GetRequiredService<SimStats>();
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/v8", StringComparison.Ordinal))
            {
                await next(context);
                return;
            }

            // The raw target, before any decoding: what the client really put on the wire.
            var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.ToString();
            var query = raw.IndexOf('?', StringComparison.Ordinal);
            stats.RequestStarted(query >= 0 ? raw[..query] : raw);
            var arrived = stats.ElapsedMilliseconds();
            try
            {
                await next(context);
            }
            finally
            {
                var aborted = context.RequestAborted.IsCancellationRequested;
                stats.RequestEnded(context.Response.StatusCode, aborted);
                stats.Arrival(arrived, aborted ? SimStats.AbortedStatus : context.Response.StatusCode,
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            }
        });

        var handler = app.Services.GetRequiredService<ChartHandler>();
        app.MapGet("/v8/finance/chart/{symbol}", (HttpContext context, string symbol) => handler.HandleAsync(context, symbol));
        app.Services.GetRequiredService<SessionEndpoints>().Map(app);
        app.MapGet("/sim/stats", (HttpContext context) => WriteStatsAsync(context, stats));
        app.MapPost("/sim/reset", (HttpContext context) =>
        {
            stats.Reset();
            app.Services.GetRequiredService<TokenBucket>().Reset();
            app.Services.GetRequiredService<ClientBuckets>().Reset();
            app.Services.GetRequiredService<GetcrumbThrottle>().Reset();
            return WriteStatsAsync(context, stats);
        });
        app.MapGet("/healthz", () => Results.Text("ok"));

        var options = app.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value;
        SimLog.Settings(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("StockData.YahooSim"),
            options.Now?.ToString("O") ?? "real clock", options.Seed, options.Rate, options.Burst, options.Latency, options.Jitter, options.Fault429,
            options.Fault500, options.Fault503, options.FaultTruncate, options.FaultSlow, options.FaultReset, options.FaultSeed,
            options.DropDates, options.DropDividends, options.LiveBar, options.NullRows);
        SimLog.SessionSettings(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("StockData.YahooSim"),
            options.AuthMode.ToString().ToLowerInvariant(), options.SessionTtl, options.GetcrumbRate, options.RatePerClient, options.BurstPerClient);
        return app;
    }

    private static async Task WriteStatsAsync(HttpContext context, SimStats stats)
    {
        context.Response.ContentType = "application/json;charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        stats.WriteJson(writer);
        await writer.FlushAsync(context.RequestAborted);
    }
}
