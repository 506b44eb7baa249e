namespace StockData.TestSupport;

/// <summary>Where things are: the repository root, the recorded fixtures, built binaries.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The folder holding StockData.Pipeline.sln.</summary>
    public static string Root => RootLazy.Value;

    /// <summary>The build configuration the tests run under (Debug or Release), read off the test binary's path.</summary>
    public static string Configuration =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>An optional other copy of the test data: STOCKDATA_SHARED_DIR, else ../shared beside the clone.</summary>
    public static string SharedDir =>
        Environment.GetEnvironmentVariable("STOCKDATA_SHARED_DIR") is { Length: > 0 } dir
            ? dir
            : Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    /// <summary>
    /// The recorded Yahoo responses every parser test must read: tests/Fixtures/yahoo, kept in the repository so a
    /// clone needs nothing beside it, or another copy's when STOCKDATA_SHARED_DIR names one (FixtureCopyTests checks
    /// that both match the manifest).
    /// </summary>
    public static string YahooFixtures =>
        Environment.GetEnvironmentVariable("STOCKDATA_SHARED_DIR") is { Length: > 0 }
            ? Path.Combine(SharedDir, "fixtures", "yahoo")
            : Path.Combine(Root, "tests", "Fixtures", "yahoo");

    /// <summary>The built output folder of a src project (same configuration as the tests).</summary>
    public static string BinDir(string project) =>
        Path.Combine(Root, "src", project, "bin", Configuration, "net10.0");

    /// <summary>The built <c>stockdata</c> entry assembly.</summary>
    public static string StockDataDll => Path.Combine(BinDir("StockData.Pipeline"), "stockdata.dll");

    /// <summary>
    /// The native <c>stockdata</c> binary the process tests start instead of <see cref="StockDataDll"/> when
    /// STOCKDATA_TEST_NATIVE names one (scripts/test.sh builds it with scripts/build-native.sh and runs the suite
    /// against it); null for the IL build. A name that is not a file fails the test, never falls back.
    /// </summary>
    public static string? StockDataNative =>
        Environment.GetEnvironmentVariable("STOCKDATA_TEST_NATIVE") is { Length: > 0 } path
            ? File.Exists(path) ? Path.GetFullPath(path) : throw new FileNotFoundException($"STOCKDATA_TEST_NATIVE={path}: no such file", path)
            : null;

    /// <summary>What starts <c>stockdata</c>: the program and the arguments before the verb.</summary>
    public static (string FileName, string[] Prefix) StockDataProgram =>
        StockDataNative is { } native ? (native, []) : ("dotnet", [StockDataDll]);

    /// <summary><see cref="StockDataProgram"/> as words of a shell command line (paths here hold no spaces).</summary>
    public static string StockDataShellCommand => string.Join(' ', [StockDataProgram.FileName, .. StockDataProgram.Prefix]);

    /// <summary>The benchmark executable, beside <see cref="StockDataDll"/> as pgbench beside the server.</summary>
    public static string StockDataBenchDll => Path.Combine(BinDir("StockData.Bench"), "stockdata-bench.dll");

    /// <summary>The built simulator entry assembly.</summary>
    public static string SimulatorDll => Path.Combine(BinDir("StockData.YahooSim"), "StockData.YahooSim.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StockData.Pipeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"StockData.Pipeline.sln not found above {AppContext.BaseDirectory}");
    }
}
