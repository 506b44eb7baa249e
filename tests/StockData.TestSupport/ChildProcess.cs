using System.Diagnostics;
using System.Text;

namespace StockData.TestSupport;

/// <summary>
/// A long-running child process (a replay, a worker) that a test watches, signals (SIGINT, SIGKILL) and awaits.
/// Output is captured as it comes. Dispose kills it if it still runs.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string StandardOutput { get { lock (_stdout) { return _stdout.ToString(); } } }

    public string StandardError { get { lock (_stderr) { return _stderr.ToString(); } } }

    /// <summary>The child's standard input, when started with <c>standardInput: true</c> (close it to send end-of-file).</summary>
    public StreamWriter StandardInput => _process.StartInfo.RedirectStandardInput
        ? _process.StandardInput
        : throw new InvalidOperationException("started without standardInput: true");

    /// <summary>Starts the built <c>stockdata</c> with <paramref name="arguments"/>.</summary>
    /// <param name="standardInput">Redirect standard input, so the test can feed it (e.g. <c>replay -</c>) and hold it open.</param>
    public static ChildProcess StartStockData(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null,
        bool standardInput = false) =>
        Start(RepoPaths.StockDataProgram.FileName, RepoPaths.StockDataProgram.Prefix.Concat(arguments), environment, standardInput);

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IDictionary<string, string?>? environment = null,
        bool standardInput = false)
    {
        var process = new Process { StartInfo = ProcessRunner.CreateStartInfo(fileName, arguments, environment) };
        process.StartInfo.RedirectStandardInput = standardInput;
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (child._stdout) { child._stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (child._stderr) { child._stderr.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Sends a POSIX signal (2 = SIGINT, 9 = SIGKILL, 15 = SIGTERM) through kill(1).</summary>
    /// <summary>True when process <paramref name="pid"/> ignores <paramref name="signal"/> (its SigIgn mask in /proc).</summary>
    public static bool IgnoresSignal(int pid, int signal)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null
               && (ulong.Parse(line["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture)
                   & (1UL << (signal - 1))) != 0;
    }

    public void Signal(int signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits for the exit; returns the code. Throws on timeout (and kills the process).</summary>
    public async Task<ProcessResult> WaitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"process {_process.Id} did not exit within {timeout}.\n{StandardOutput}\n{StandardError}");
        }

        _process.WaitForExit();
        return new ProcessResult(_process.ExitCode, StandardOutput, StandardError);
    }

    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds or the process exits; false on timeout.</summary>
    public async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var until = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            if (await condition())
            {
                return true;
            }

            if (_process.HasExited)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return false;
    }

    /// <summary>The process's resident set size in MB (from /proc), or 0 when it has exited.</summary>
    public double ResidentMegabytes() => ProcessMemory.ResidentBytes(_process.Id) / 1048576.0;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
