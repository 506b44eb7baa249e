using System.Globalization;

namespace StockData.TestSupport;

/// <summary>
/// What a test may say about a child process's memory on any CPU. A workstation GC sizes its generation-0 budget from
/// the CPU's cache (16 MB on a 32 MiB L3, 82 MB on a 260 MiB one), and a process that streams grows by about that budget
/// before it collects; so a test that compares resident sets gives the process a fixed budget, and the same one the
/// worker image sets (Dockerfile), and then compares against a reference measured in the same run.
/// </summary>
public static class ProcessMemory
{
    /// <summary>Read from the environment only: the runtime ignores a runtimeconfig.json property of this name.</summary>
    public const string Gen0BudgetVariable = "DOTNET_GCgen0size";

    /// <summary>16 MiB, in hex as the runtime reads it: what the GC picks by itself on a 32 MiB L3.</summary>
    public const string Gen0Budget = "0x1000000";

    public const long Gen0BudgetBytes = 16L << 20;

    /// <summary><paramref name="environment"/> (or none) plus the fixed generation-0 budget.</summary>
    public static Dictionary<string, string?> WithFixedGen0Budget(IDictionary<string, string?>? environment = null) =>
        new(environment ?? new Dictionary<string, string?>()) { [Gen0BudgetVariable] = Gen0Budget };

    /// <summary>VmHWM of a process: the most resident memory it ever had, in bytes (Linux); 0 once it has exited.</summary>
    public static long PeakResidentBytes(int pid) => StatusKilobytes(pid, "VmHWM:") * 1024;

    /// <summary>VmRSS of a process: its resident memory now, in bytes (Linux); 0 once it has exited.</summary>
    public static long ResidentBytes(int pid) => StatusKilobytes(pid, "VmRSS:") * 1024;

    private static long StatusKilobytes(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }
}
