using System.Security.Cryptography;
using StockData.TestSupport;

namespace StockData.UnitTests.Architecture;

/// <summary>
/// The parser tests read tests/Fixtures/yahoo, recorded responses kept in the repository so that a clone needs nothing
/// beside it. The folder must match its manifest (tests/Fixtures/yahoo.sha256) file for file and byte for byte, so a
/// recording edited, added or lost by accident fails here instead of showing up as a changed parser result. Where
/// another copy of the set is at hand (STOCKDATA_SHARED_DIR, or a shared folder beside the clone), it must match the
/// same manifest, so the two copies cannot drift apart.
/// </summary>
public sealed class FixtureCopyTests
{
    private static string Local => Path.Combine(RepoPaths.Root, "tests", "Fixtures", "yahoo");

    [Fact]
    public void YahooFixtures_MatchTheirManifest_HereAndInAnyOtherCopy()
    {
        var manifest = ReadManifest(Path.Combine(RepoPaths.Root, "tests", "Fixtures", "yahoo.sha256"));
        Assert.Contains("README.md", manifest.Keys);
        Assert.True(manifest.Keys.Count(f => f.EndsWith(".json", StringComparison.Ordinal)) >= 12);

        AssertMatches(manifest, Local);

        var other = Path.Combine(RepoPaths.SharedDir, "fixtures", "yahoo");
        if (Directory.Exists(other))
        {
            AssertMatches(manifest, other);
        }
    }

    [Fact]
    public void YahooFixtures_ReadmeTableDescribesEveryRecording()
    {
        // Table rows start with the file name in backticks: "| `si-404-not-found.json` | …".
        var described = File.ReadLines(Path.Combine(Local, "README.md"))
            .Where(line => line.StartsWith("| `", StringComparison.Ordinal))
            .Select(line => line[3..line.IndexOf('`', 3)])
            .Order(StringComparer.Ordinal);
        var recorded = Directory.EnumerateFiles(Local, "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal);

        Assert.Equal(recorded, described);
    }

    private static void AssertMatches(IReadOnlyDictionary<string, string> manifest, string folder)
    {
        var files = Directory.GetFiles(folder).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal);
        Assert.Equal(manifest.Keys.Order(StringComparer.Ordinal), files);
        Assert.All(manifest, entry =>
            Assert.Equal(entry.Value, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, entry.Key))))));
    }

    /// <summary>sha256sum's format: the hex digest, two spaces, the file name.</summary>
    private static Dictionary<string, string> ReadManifest(string path) =>
        File.ReadLines(path)
            .Where(line => line.Length > 0)
            .Select(line => line.Split("  ", 2))
            .ToDictionary(parts => parts[1], parts => parts[0], StringComparer.Ordinal);
}
