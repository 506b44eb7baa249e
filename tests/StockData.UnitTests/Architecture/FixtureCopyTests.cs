using StockData.TestSupport;

namespace StockData.UnitTests.Architecture;

/// <summary>
/// The parser tests read tests/Fixtures/yahoo, a copy of the shared recorded responses (a clean clone elsewhere may
/// not have the shared folder beside it). Where the shared folder is there, the copy must match it file for file, so a
/// fixture added there cannot be missed here.
/// </summary>
public sealed class FixtureCopyTests
{
    [Fact]
    public void YahooFixtures_CopyMatchesSharedFolderWhenPresent()
    {
        var local = Path.Combine(RepoPaths.Root, "tests", "Fixtures", "yahoo");
        var localFiles = Directory.GetFiles(local).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Contains("README.md", localFiles);
        Assert.True(localFiles.Count(f => f!.EndsWith(".json", StringComparison.Ordinal)) >= 12);

        var shared = Path.Combine(RepoPaths.SharedDir, "fixtures", "yahoo");
        if (!Directory.Exists(shared))
        {
            return; // a clone without the shared folder beside it: the copy above is what the tests use
        }

        var sharedFiles = Directory.GetFiles(shared).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(sharedFiles, localFiles);
        Assert.All(sharedFiles, f => Assert.Equal(File.ReadAllBytes(Path.Combine(shared, f!)), File.ReadAllBytes(Path.Combine(local, f!))));
    }
}
