using System.Xml.Linq;
using StockData.TestSupport;

namespace StockData.UnitTests.Architecture;

/// <summary>
/// One project per boundary, read off the csproj files in src/: the references form no cycle, no project takes an
/// executable as a library, PostgreSQL storage has no Redis client (Redis is the upstream gate's), and the service
/// executable carries no benchmark code (that is stockdata-bench's).
/// </summary>
public sealed class ProjectGraphTests
{
    private sealed record Project(string Name, string Path, IReadOnlyList<string> References, IReadOnlyList<string> Packages, bool IsExe);

    private static readonly Lazy<IReadOnlyDictionary<string, Project>> Projects = new(Load);

    private static Dictionary<string, Project> Load()
    {
        var src = System.IO.Path.Combine(RepoPaths.Root, "src");
        return Directory.EnumerateFiles(src, "*.csproj", SearchOption.AllDirectories)
            .Select(path =>
            {
                var xml = XDocument.Load(path);
                var references = xml.Descendants("ProjectReference")
                    .Select(r => System.IO.Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
                    .ToList();
                var packages = xml.Descendants("PackageReference").Select(r => r.Attribute("Include")!.Value).ToList();
                var isExe = xml.Descendants("OutputType").Any(o => o.Value.Trim().Equals("Exe", StringComparison.OrdinalIgnoreCase));
                return new Project(System.IO.Path.GetFileNameWithoutExtension(path), path, references, packages, isExe);
            })
            .ToDictionary(p => p.Name, StringComparer.Ordinal);
    }

    [Fact]
    public void ProjectReferences_FormNoCycle()
    {
        var projects = Projects.Value;
        Assert.Contains("StockData.Upstream", projects.Keys);
        Assert.Contains("StockData.Ingest", projects.Keys);
        Assert.All(projects.Values.SelectMany(p => p.References), r => Assert.Contains(r, projects.Keys));

        // Depth-first: a project met again while still on the path closes a cycle.
        var done = new HashSet<string>(StringComparer.Ordinal);
        var cycles = new List<string>();
        void Visit(string name, List<string> path)
        {
            if (path.Contains(name))
            {
                cycles.Add(string.Join(" -> ", path.SkipWhile(p => p != name).Append(name)));
                return;
            }

            if (!done.Add(name))
            {
                return;
            }

            path.Add(name);
            foreach (var reference in projects[name].References)
            {
                Visit(reference, path);
            }

            path.RemoveAt(path.Count - 1);
        }

        foreach (var name in projects.Keys)
        {
            Visit(name, []);
        }

        Assert.True(cycles.Count == 0, "Project reference cycles: " + string.Join("; ", cycles));
    }

    [Fact]
    public void NoProject_ReferencesAnExecutable()
    {
        var projects = Projects.Value;
        var offenders = projects.Values
            .SelectMany(p => p.References.Where(r => projects[r].IsExe).Select(r => $"{p.Name} -> {r}"))
            .ToList();

        Assert.Contains(projects.Values, p => p.IsExe && p.Name == "StockData.Bench");
        Assert.True(offenders.Count == 0, "An executable referenced as a library: " + string.Join(", ", offenders));
    }

    [Fact]
    public void Storage_HasNoRedisClient()
    {
        var storage = Projects.Value["StockData.Storage"];

        Assert.Contains("Npgsql", storage.Packages);
        Assert.DoesNotContain("StackExchange.Redis", storage.Packages);
        Assert.Contains("StackExchange.Redis", Projects.Value["StockData.Upstream"].Packages);
    }

    [Fact]
    public void ServiceExecutable_HasNoBenchmarkCode()
    {
        var stockdata = typeof(StockData.Pipeline.Cli.StockDataCli).Assembly;
        var bench = typeof(StockData.Bench.Cli.BenchCommand).Assembly;

        Assert.Equal("stockdata", stockdata.GetName().Name);
        Assert.Equal("stockdata-bench", bench.GetName().Name);
        Assert.Contains(bench.GetTypes(), t => t.Namespace?.Split('.').Contains("Benchmarks") == true);
        var benchmarkTypes = stockdata.GetTypes()
            .Where(t => t.Namespace?.Split('.').Contains("Benchmarks") == true || t.Name.StartsWith("Bench", StringComparison.Ordinal))
            .Select(t => t.FullName)
            .ToList();
        Assert.True(benchmarkTypes.Count == 0, "Benchmark types in stockdata: " + string.Join(", ", benchmarkTypes));
    }
}
