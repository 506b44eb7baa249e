using System.Text.RegularExpressions;
using StockData.TestSupport;

namespace StockData.UnitTests.Architecture;

/// <summary>
/// Exactly one NpgsqlDataSource per process: nothing in src/ builds a data source or a connection from a string
/// except the storage composition file (and the writer benchmark's deliberate reproduction of the old way).
/// </summary>
public sealed class SingleDataSourceTests
{
    private static readonly Regex Forbidden = new(
        @"new\s+NpgsqlConnection\s*\(|NpgsqlDataSource\s*\.\s*Create\s*\(|new\s+NpgsqlDataSourceBuilder\s*\(",
        RegexOptions.Compiled);

    private const string CompositionFile = "src/StockData.Storage/StorageServiceCollectionExtensions.cs";

    [Fact]
    public void Sources_BuildDataSourceOnlyInCompositionFile()
    {
        var offenders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(RepoPaths.Root, file).Replace('\\', '/');
            if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal))
            {
                continue;
            }

            if (relative == CompositionFile || Path.GetFileName(file).Contains("OldWay", StringComparison.Ordinal))
            {
                continue;
            }

            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (Forbidden.IsMatch(lines[i]))
                {
                    offenders.Add($"{relative}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }

        Assert.True(offenders.Count == 0,
            "Only the composition file may build an NpgsqlDataSource or connection:\n" + string.Join('\n', offenders));
    }

    [Fact]
    public void CompositionFile_BuildsTheDataSource()
    {
        // Guards the test above against passing vacuously (a renamed composition file, a wrong root).
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, CompositionFile));
        Assert.Matches(Forbidden, text);
    }
}
