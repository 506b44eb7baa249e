using System.Globalization;

namespace StockData.Bench.Benchmarks;

/// <summary>
/// CPU time of processes read from Linux's /proc: a process's own user and system time, and a PostgreSQL server's
/// whole tree (the postmaster and every backend and helper it forked).
/// </summary>
/// <remarks>
/// /proc counts in clock ticks of USER_HZ, which Linux fixes at 100 per second for this interface on every
/// architecture .NET runs on. A backend that exits during a measurement takes its own counters with it, but the
/// kernel adds them to its parent's cutime/cstime once the postmaster reaps it: the tree's total is the postmaster's
/// four counters plus the live children's own two, so backends that come and go are still counted.
/// </remarks>
internal static class ProcCpu
{
    private const double TicksPerSecond = 100;

    /// <summary>User plus system seconds of process <paramref name="pid"/>; null when it is gone (or /proc is not Linux's).</summary>
    public static double? ProcessSeconds(int pid) =>
        ReadStat(pid) is { } stat ? (stat.UTime + stat.STime) / TicksPerSecond : null;

    /// <summary>
    /// CPU seconds of the PostgreSQL server whose postmaster is <paramref name="postmasterPid"/>: itself, the children
    /// it reaped, and its live children. Null when the postmaster is not visible here (a server on another host or in
    /// another PID namespace).
    /// </summary>
    public static double? ServerTreeSeconds(int postmasterPid)
    {
        if (ReadStat(postmasterPid) is not { } postmaster)
        {
            return null;
        }

        long ticks = postmaster.UTime + postmaster.STime + postmaster.CUTime + postmaster.CSTime;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) &&
                ReadStat(pid) is { } child && child.ParentPid == postmasterPid)
            {
                ticks += child.UTime + child.STime;
            }
        }

        return ticks / TicksPerSecond;
    }

    /// <summary>The parent process id of <paramref name="pid"/> (a backend's parent is its postmaster); null when gone.</summary>
    public static int? ParentOf(int pid) => ReadStat(pid)?.ParentPid;

    /// <summary>The 1-, 5- and 15-minute load averages as /proc/loadavg prints them.</summary>
    public static string LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return string.Join(' ', fields.Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static Stat? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may hold spaces: the fields after it start past the last ')'.
        var close = text.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var rest = text[(close + 2)..].Split(' ');
        // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
        return new Stat(
            int.Parse(rest[1], CultureInfo.InvariantCulture),
            long.Parse(rest[11], CultureInfo.InvariantCulture),
            long.Parse(rest[12], CultureInfo.InvariantCulture),
            long.Parse(rest[13], CultureInfo.InvariantCulture),
            long.Parse(rest[14], CultureInfo.InvariantCulture));
    }

    private sealed record Stat(int ParentPid, long UTime, long STime, long CUTime, long CSTime);
}
