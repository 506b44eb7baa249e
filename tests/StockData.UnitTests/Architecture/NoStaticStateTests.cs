using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using StockData.TestSupport;

namespace StockData.UnitTests.Architecture;

/// <summary>
/// No process-wide mutable state in src: state lives in instances the host owns (singletons in DI), so two hosts in
/// one process (tests, verbs) never share or overwrite each other's. Every src project's built assembly is scanned.
/// </summary>
public sealed partial class NoStaticStateTests
{
    [Fact]
    public void SrcAssemblies_HaveNoStaticFieldsThatAreNotReadOnly()
    {
        var offenders = MutableStaticFields(SrcAssemblies());

        Assert.True(offenders.Count == 0, "Static fields that are not readonly (move the state into an instance the host owns): "
            + string.Join(", ", offenders));
    }

    [Fact]
    public void TheScan_FindsAMutableStaticField()
    {
        // An empty result above means something only if the scan sees such fields at all: the test support's id
        // counter is one (tests may keep process-wide state; src may not).
        Assert.Contains("StockData.TestSupport.TestFetchIds._last", MutableStaticFields([typeof(TestFetchIds).Assembly]));
    }

    private static List<string> MutableStaticFields(IEnumerable<Assembly> assemblies) =>
        [.. assemblies
            .SelectMany(a => a.GetTypes())
            .Where(t => !IsCompilerGenerated(t))
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(f => !f.IsInitOnly && !f.IsLiteral && !IsCompilerCache(f))
            .Select(f => $"{f.DeclaringType!.FullName}.{f.Name}")
            .Order(StringComparer.Ordinal)];

    [Fact]
    public void SrcAssemblies_AreAllScanned()
    {
        // The scan above is only as good as its list: every src project must load here (the unit tests reference it).
        var names = SrcAssemblies().Select(a => a.GetName().Name).ToList();
        Assert.Equal(SrcProjects().Count(), names.Count);
        Assert.Contains("stockdata", names);
        Assert.Contains("StockData.Core", names);
    }

    [Fact]
    public void SrcSources_ReadTheClockOnlyThroughAnInjectedTimeProvider()
    {
        var offenders = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepoPaths.Root, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Where(f => !IsCompositionRoot(f))
            .SelectMany(f => File.ReadLines(Path.Combine(RepoPaths.Root, f)).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => AmbientClock().IsMatch(l.Text))
            .Select(l => $"{l.File}:{l.Line}")
            .ToList();

        Assert.True(offenders.Count == 0, "The ambient clock read outside a composition root (take a TimeProvider instead): "
            + string.Join(", ", offenders));
    }

    /// <summary>Where the host is put together and its TimeProvider chosen: only these may name the system clock.</summary>
    private static bool IsCompositionRoot(string file)
    {
        var name = Path.GetFileName(file);
        return name is "Program.cs" or "SimulatorHost.cs" or "BenchLimiterCommand.cs" or "BenchLimiterWorkerCommand.cs"
            || name.EndsWith("ServiceCollectionExtensions.cs", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\bTimeProvider\.System\b|\bDateTime(Offset)?\.(UtcNow|Now|Today)\b")]
    private static partial Regex AmbientClock();

    private static IEnumerable<string> SrcProjects() =>
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories);

    private static List<Assembly> SrcAssemblies() =>
        [.. SrcProjects().Select(p =>
        {
            var assemblyName = Regex.Match(File.ReadAllText(p), "<AssemblyName>([^<]+)</AssemblyName>") is { Success: true } m
                ? m.Groups[1].Value
                : Path.GetFileNameWithoutExtension(p);
            return Assembly.Load(assemblyName);
        })];

    private static bool IsCompilerGenerated(Type type) =>
        type.IsDefined(typeof(CompilerGeneratedAttribute)) || (type.DeclaringType is { } outer && IsCompilerGenerated(outer));

    /// <summary>Caches the compiler emits (lambda and delegate caches named &lt;…&gt;); an auto-property's backing field is no cache.</summary>
    private static bool IsCompilerCache(FieldInfo field) =>
        field.Name.StartsWith('<') && !field.Name.EndsWith(">k__BackingField", StringComparison.Ordinal);
}
