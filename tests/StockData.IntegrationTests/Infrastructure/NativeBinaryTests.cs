using StockData.TestSupport;

namespace StockData.IntegrationTests.Infrastructure;

/// <summary>
/// Which stockdata the process tests start: under scripts/test.sh (STOCKDATA_TEST_NATIVE set) the native binary, which
/// must be a native executable built from the same commit as the IL build, not a stale or managed one.
/// </summary>
public sealed class NativeBinaryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ProcessTests_StartTheNativeBinaryWhenNamed_BuiltFromTheSameSourceAsTheIlBuild()
    {
        var native = RepoPaths.StockDataNative;
        if (native is null)
        {
            // Run outside scripts/test.sh: the IL build is what the process tests start, and CI never runs that way.
            Assert.NotEqual("true", Environment.GetEnvironmentVariable("CI"));
            Assert.Equal("dotnet", RepoPaths.StockDataProgram.FileName);
            return;
        }

        Assert.Equal(native, RepoPaths.StockDataProgram.FileName);
        Assert.Empty(RepoPaths.StockDataProgram.Prefix);
        var head = new byte[4];
        await using (var file = File.OpenRead(native))
        {
            await file.ReadExactlyAsync(head, Ct);
        }

        Assert.Equal("\u007fELF"u8.ToArray(), head);
        var nativeVersion = await ProcessRunner.RunStockDataAsync(["--version"], cancellationToken: Ct);
        var ilVersion = await ProcessRunner.RunAsync("dotnet", [RepoPaths.StockDataDll, "--version"], cancellationToken: Ct);
        Assert.True(nativeVersion.ExitCode == 0, nativeVersion.ToString());
        Assert.True(ilVersion.ExitCode == 0, ilVersion.ToString());
        // The informational version carries the commit: a native binary left from another checkout differs here.
        Assert.Equal(ilVersion.StandardOutput.Trim(), nativeVersion.StandardOutput.Trim());
    }
}
