using System.Text.RegularExpressions;
using StockData.TestSupport;

namespace StockData.UnitTests.Architecture;

/// <summary>
/// Inside a project the folders (= namespaces) are layered: no folder cycles. Each namespace is a node; a
/// <c>using StockData.X.Y;</c> or a fully qualified <c>StockData.X.Y.</c> reference in a file of namespace A is an edge
/// A → StockData.X.Y, except to A's own ancestors (C# lets a namespace see its parents' types without a using, so the
/// project's root folder is the bottom every folder may read). A cycle means a shared piece sits in the wrong folder:
/// move it down (an <c>Output</c>, <c>Configuration</c>, <c>Logging</c> folder, or the area it belongs to).
/// </summary>
public sealed partial class FolderGraphTests
{
    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    // Strings are matched so that "//" inside one (a URL) does not start a comment; comments are dropped.
    [GeneratedRegex(@"""(?:\\.|[^""\\\n])*""|//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex StringOrComment();

    [GeneratedRegex(@"\bStockData(?:\.[A-Za-z_]\w*)+")]
    private static partial Regex StockDataName();

    private sealed record Graph(IReadOnlyDictionary<string, SortedDictionary<string, SortedSet<string>>> Edges, IReadOnlySet<string> Namespaces);

    /// <summary>The graph of <paramref name="files"/> (path, text); each edge keeps the files that make it.</summary>
    private static Graph Build(IEnumerable<(string Path, string Text)> files)
    {
        var declared = files
            .Select(f => (f.Path, Code: StringOrComment().Replace(f.Text, m => m.Value.StartsWith('"') ? m.Value : "")))
            .Select(f => (f.Path, f.Code, Declaration: NamespaceDeclaration().Match(f.Code)))
            .Where(f => f.Declaration.Success)
            .Select(f => (f.Path, Namespace: f.Declaration.Groups[1].Value, Body: NamespaceDeclaration().Replace(f.Code, "")))
            .ToList();
        var namespaces = declared.Select(f => f.Namespace).ToHashSet(StringComparer.Ordinal);
        var edges = new Dictionary<string, SortedDictionary<string, SortedSet<string>>>(StringComparer.Ordinal);
        foreach (var (path, from, body) in declared)
        {
            foreach (Match name in StockDataName().Matches(body))
            {
                // The longest declared namespace the name starts with: StockData.Yahoo.Client.YahooSymbol → StockData.Yahoo.Client.
                var parts = name.Value.Split('.');
                var to = Enumerable.Range(1, parts.Length).Reverse().Select(n => string.Join('.', parts.Take(n))).FirstOrDefault(namespaces.Contains);
                if (to is null || to == from || from.StartsWith(to + ".", StringComparison.Ordinal))
                {
                    continue;
                }

                var targets = edges.TryGetValue(from, out var t) ? t : edges[from] = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
                (targets.TryGetValue(to, out var why) ? why : targets[to] = new SortedSet<string>(StringComparer.Ordinal)).Add(path);
            }
        }

        return new Graph(edges, namespaces);
    }

    /// <summary>The strongly connected components of more than one node (Tarjan), each with the edges inside it.</summary>
    private static List<string> Cycles(Graph graph)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var found = new List<string>();

        void Connect(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in graph.Edges.TryGetValue(node, out var targets) ? targets.Keys.ToList() : [])
            {
                if (!index.ContainsKey(next))
                {
                    Connect(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], index[next]);
                }
            }

            if (low[node] != index[node])
            {
                return;
            }

            var component = new SortedSet<string>(StringComparer.Ordinal);
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                component.Add(member);
            }
            while (member != node);

            if (component.Count > 1)
            {
                var inside = component.SelectMany(from => graph.Edges[from].Where(e => component.Contains(e.Key))
                    .Select(e => $"  {from} -> {e.Key} ({string.Join(", ", e.Value)})"));
                found.Add($"{string.Join(" <-> ", component)}:{Environment.NewLine}{string.Join(Environment.NewLine, inside)}");
            }
        }

        foreach (var node in graph.Namespaces.Order(StringComparer.Ordinal).Where(n => !index.ContainsKey(n)))
        {
            Connect(node);
        }

        return found;
    }

    private static IEnumerable<(string Path, string Text)> SourceFiles()
    {
        var src = Path.Combine(RepoPaths.Root, "src");
        return Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(RepoPaths.Root, path).Replace('\\', '/'))
            .Where(path => !path.Split('/').Any(segment => segment is "bin" or "obj"))
            .Select(path => (path, File.ReadAllText(Path.Combine(RepoPaths.Root, path))));
    }

    [Fact]
    public void SourceFolders_FormNoCycle()
    {
        var graph = Build(SourceFiles());

        // The reader sees the layering it is meant to check (a parser that found nothing would pass vacuously).
        Assert.Contains("StockData.Pipeline.Output", graph.Namespaces);
        Assert.Contains("StockData.Pipeline.Quality", graph.Edges["StockData.Pipeline.Cli"].Keys);
        Assert.Contains("StockData.YahooSim.Configuration", graph.Edges["StockData.YahooSim.Chart"].Keys);
        Assert.Contains("StockData.Yahoo.Session", graph.Edges["StockData.Yahoo.Client"].Keys);

        var cycles = Cycles(graph);
        Assert.True(cycles.Count == 0, "Folder (namespace) cycles:" + Environment.NewLine + string.Join(Environment.NewLine, cycles));
    }

    [Fact]
    public void Detector_FindsACycle_ThroughUsingsAndQualifiedNames_AndIgnoresAncestorsAndComments()
    {
        var graph = Build(
        [
            ("A/Top.cs", "using StockData.A.Low;\nnamespace StockData.A.Top;\nclass T { StockData.A.Mid.M? m; }"),
            ("A/Mid.cs", "namespace StockData.A.Mid;\nclass M { StockData.A.Top.T? t; }"),
            ("A/Low.cs", "using StockData.A;\nnamespace StockData.A.Low;\n// uses StockData.A.Top only in a comment\nclass L { string s = \"http://x\"; }"),
            ("A/Root.cs", "using StockData.A.Low;\nnamespace StockData.A;\nclass R;"),
        ]);

        var cycle = Assert.Single(Cycles(graph));
        Assert.StartsWith("StockData.A.Mid <-> StockData.A.Top:", cycle, StringComparison.Ordinal);
        Assert.False(graph.Edges.ContainsKey("StockData.A.Low"));
        Assert.Equal(["StockData.A.Low"], graph.Edges["StockData.A"].Keys);
    }
}
