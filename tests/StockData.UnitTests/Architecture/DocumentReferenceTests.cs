using System.Text.RegularExpressions;
using StockData.TestSupport;

namespace StockData.UnitTests.Architecture;

/// <summary>
/// The repository explains itself: every document the README, the docs, the code comments and the build files name is
/// in the repository, and nothing sends a reader to a folder beside the clone, which a clone elsewhere does not have.
/// </summary>
public sealed partial class DocumentReferenceTests
{
    private static readonly string[] CodeExtensions = [".cs", ".lua", ".csproj", ".props", ".sh", ".yml", ".yaml", ".json"];

    [Fact]
    public void DocsPaths_NamedAnywhere_Exist()
    {
        var named = (from file in MarkdownFiles().Concat(CodeFiles())
                     from Match match in DocsPath().Matches(File.ReadAllText(file))
                     select (File: Relative(file), Path: match.Value)).ToList();

        Assert.Contains(named, n => n.Path == "docs/yahoo-parsing-rules.md");
        var missing = named.Where(n => !File.Exists(Path.Combine(RepoPaths.Root, n.Path))).Select(n => $"{n.File}: {n.Path}");
        Assert.Empty(missing);
    }

    [Fact]
    public void BareMarkdownNames_NamedAnywhere_Exist()
    {
        // A name without a folder (README.md) is looked for beside the naming file, in docs/ and at the root.
        var named = (from file in MarkdownFiles().Concat(CodeFiles())
                     from Match match in BareMarkdownName().Matches(File.ReadAllText(file))
                     select (File: file, Name: match.Value)).ToList();

        Assert.NotEmpty(named);
        var missing = named
            .Where(n => !new[] { Path.GetDirectoryName(n.File)!, Path.Combine(RepoPaths.Root, "docs"), RepoPaths.Root }
                .Any(dir => File.Exists(Path.Combine(dir, n.Name))))
            .Select(n => $"{Relative(n.File)}: {n.Name}");
        Assert.Empty(missing);
    }

    [Fact]
    public void RelativeMarkdownLinks_PointAtFilesInTheRepository()
    {
        var links = (from file in MarkdownFiles()
                     from Match match in MarkdownLink().Matches(File.ReadAllText(file))
                     let target = match.Groups[1].Value
                     where !target.StartsWith('#') && !target.Contains(':', StringComparison.Ordinal)
                     select (File: file, Target: target.Split('#')[0])).ToList();

        Assert.Contains(links, l => l.Target == "yahoo-parsing-rules.md");
        var missing = links
            .Select(l => (l.File, l.Target, Full: Path.GetFullPath(Path.Combine(Path.GetDirectoryName(l.File)!, l.Target))))
            .Where(l => !l.Full.StartsWith(RepoPaths.Root, StringComparison.Ordinal) || !(File.Exists(l.Full) || Directory.Exists(l.Full)))
            .Select(l => $"{Relative(l.File)}: {l.Target}");
        Assert.Empty(missing);
    }

    [Fact]
    public void ReadmeDocsAndProductCode_NeverPointOutsideTheRepository()
    {
        // Test support may look for an optional second copy of the fixtures beside the clone; nothing else may.
        var files = MarkdownFiles().Concat(CodeFiles().Where(f => !IsUnder(f, "tests"))).ToList();
        var outside = from file in files
                      let text = File.ReadAllText(file)
                      from marker in new[] { "shared/docs", "../shared", "shared/fixtures" }
                      where text.Contains(marker, StringComparison.OrdinalIgnoreCase)
                      select $"{Relative(file)}: {marker}";

        Assert.Contains(files, f => f.EndsWith("ChartParser.cs", StringComparison.Ordinal));
        Assert.Empty(outside);
    }

    [Fact]
    public void CodeComments_SayWhy_NotWhichTicket()
    {
        // Other projects' issue threads are cited as sources in docs/; code and build files give the reason itself.
        // Migrations (.sql) are not scanned: they are checksummed and append-only, so their headers stay as written.
        var cited = from file in CodeFiles()
                    from line in File.ReadLines(file).Select((text, index) => (text, number: index + 1))
                    where TicketCitation().IsMatch(line.text)
                    select $"{Relative(file)}:{line.number}: {line.text.Trim()}";

        Assert.Empty(cited);
    }

    private static IEnumerable<string> MarkdownFiles() =>
        new[] { Path.Combine(RepoPaths.Root, "README.md"), Path.Combine(RepoPaths.Root, "tests", "Fixtures", "README.md") }
            .Concat(Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md"));

    private static IEnumerable<string> CodeFiles()
    {
        var root = RepoPaths.Root;
        var roots = new[] { "src", "tests", "scripts", "dashboards" }.Select(d => Path.Combine(root, d));
        var tree = roots
            .SelectMany(dir => Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            .Where(f => CodeExtensions.Contains(Path.GetExtension(f), StringComparer.Ordinal))
            .Where(f => !IsBuildOutput(f) && !IsUnder(f, Path.Combine("tests", "Fixtures")));
        var top = new[] { "Directory.Build.props", "Directory.Packages.props", "docker-compose.yml", "Dockerfile" }
            .Select(f => Path.Combine(root, f))
            .Where(File.Exists);
        return tree.Concat(top);
    }

    private static bool IsBuildOutput(string file)
    {
        var parts = Path.GetRelativePath(RepoPaths.Root, file).Split(Path.DirectorySeparatorChar);
        return parts.Contains("bin") || parts.Contains("obj");
    }

    private static bool IsUnder(string file, string folder) =>
        Path.GetRelativePath(RepoPaths.Root, file).StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string Relative(string file) => Path.GetRelativePath(RepoPaths.Root, file);

    // A path into this repository's docs folder, not the tail of another project's path (Polly's docs/strategies/…).
    [GeneratedRegex(@"(?<![\w/.:-])docs/[\w.-]+\.md\b")]
    private static partial Regex DocsPath();

    [GeneratedRegex(@"(?<![\w/.:-])[\w-]+\.md\b")]
    private static partial Regex BareMarkdownName();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"\bissues?\s+#?\d", RegexOptions.IgnoreCase)]
    private static partial Regex TicketCitation();
}
