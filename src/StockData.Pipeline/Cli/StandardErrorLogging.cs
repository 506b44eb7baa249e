using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace StockData.Pipeline.Cli;

/// <summary>
/// For verbs whose standard output is a result (<c>jobs show</c> prints JSON, <c>symbols list</c> a table): every log
/// line goes to standard error, so the output stays parseable.
/// </summary>
internal static class StandardErrorLogging
{
    public static void Configure(HostApplicationBuilder builder) =>
        builder.Services.Configure<ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
}
