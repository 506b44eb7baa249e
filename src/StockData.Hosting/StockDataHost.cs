using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace StockData.Hosting;

/// <summary>Builds the generic host every verb runs in: appsettings.json beside the binary, then environment variables.</summary>
public static class StockDataHost
{
    public static IHost Build(Action<HostApplicationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            // Verbs parse their own arguments; the content root is the binary's folder so appsettings.json is found
            // whatever the working directory.
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Logs go to stderr: stdout carries the verbs' results (JSON, summaries) and must stay parseable.
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(
            o => o.LogToStandardErrorThreshold = Microsoft.Extensions.Logging.LogLevel.Trace);
        builder.AddStockDataPipeline();
        configure?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>Runs the ValidateOnStart checks now, for verbs that never start the host.</summary>
    public static void ValidateOptions(IServiceProvider services) =>
        services.GetService<IStartupValidator>()?.Validate();
}
