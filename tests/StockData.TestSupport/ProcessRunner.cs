using System.Diagnostics;
using System.Text;

namespace StockData.TestSupport;

/// <summary>The outcome of a child process: exit code and its captured output.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}";
}

/// <summary>Runs real processes (the stockdata binary, the simulator, scripts) with a deadline.</summary>
public static class ProcessRunner
{
    /// <summary>Runs <c>dotnet DLL args</c> (or any file) to completion; kills the tree at the deadline.</summary>
    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments,
        IDictionary<string, string?>? environment = null, TimeSpan? timeout = null, string? standardInput = null,
        CancellationToken cancellationToken = default)
    {
        using var process = new Process { StartInfo = CreateStartInfo(fileName, arguments, environment) };
        process.StartInfo.RedirectStandardInput = standardInput is not null;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
            process.StandardInput.Close();
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in time.\n{stdout}\n{stderr}");
        }

        process.WaitForExit(); // flush the async readers
        return new ProcessResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs the built <c>stockdata</c> binary.</summary>
    public static Task<ProcessResult> RunStockDataAsync(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null, string? standardInput = null, CancellationToken cancellationToken = default) =>
        RunAsync(RepoPaths.StockDataProgram.FileName, RepoPaths.StockDataProgram.Prefix.Concat(arguments), environment, timeout, standardInput, cancellationToken);

    /// <summary>Runs the built <c>stockdata-bench</c> binary.</summary>
    public static Task<ProcessResult> RunStockDataBenchAsync(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null, string? standardInput = null, CancellationToken cancellationToken = default) =>
        RunAsync("dotnet", new[] { RepoPaths.StockDataBenchDll }.Concat(arguments), environment, timeout, standardInput, cancellationToken);

    /// <summary>A start info whose environment drops the runner's ConnectionStrings__* and adds <paramref name="environment"/>.</summary>
    public static ProcessStartInfo CreateStartInfo(string fileName, IEnumerable<string> arguments, IDictionary<string, string?>? environment)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal) ||
                                                              k.StartsWith("StockData__", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        return info;
    }
}
