using YamlDotNet.RepresentationModel;

namespace StockData.TestSupport.Observability;

/// <summary>
/// Loads a YAML file into plain objects: mappings as <c>Dictionary&lt;string, object?&gt;</c>, sequences as
/// <c>List&lt;object?&gt;</c>, scalars as strings. Anchors are resolved and <c>&lt;&lt;</c> merge keys applied, as
/// docker compose does, so a test sees each service with its shared blocks already merged.
/// </summary>
public static class YamlTree
{
    public static object? Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    /// <summary>The mapping at <paramref name="path"/> (keys separated by '/'), or a failure naming the path.</summary>
    public static Dictionary<string, object?> Map(object? node, string path = "")
    {
        var current = node;
        foreach (var key in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current = current is Dictionary<string, object?> map && map.TryGetValue(key, out var child)
                ? child
                : throw new InvalidOperationException($"YAML: no key '{key}' on the way to '{path}'.");
        }

        return current as Dictionary<string, object?> ?? throw new InvalidOperationException($"YAML: '{path}' is not a mapping.");
    }

    /// <summary>The sequence under <paramref name="key"/> of <paramref name="map"/> (empty when absent).</summary>
    public static List<object?> List(Dictionary<string, object?> map, string key) =>
        map.TryGetValue(key, out var value) && value is List<object?> list ? list : [];

    /// <summary>The scalar under <paramref name="key"/> of <paramref name="map"/>, or null.</summary>
    public static string? Scalar(Dictionary<string, object?> map, string key) =>
        map.TryGetValue(key, out var value) ? value as string : null;

    private static object? Convert(YamlNode node)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                return scalar.Value;
            case YamlSequenceNode sequence:
                return sequence.Children.Select(Convert).ToList();
            case YamlMappingNode mapping:
                var result = new Dictionary<string, object?>(StringComparer.Ordinal);
                var merges = new List<YamlNode>();
                foreach (var (key, value) in mapping.Children)
                {
                    var name = ((YamlScalarNode)key).Value ?? "";
                    if (name == "<<")
                    {
                        merges.AddRange(value is YamlSequenceNode many ? many.Children : [value]);
                        continue;
                    }

                    result[name] = Convert(value);
                }

                // Merged keys never override the mapping's own (YAML merge-key semantics); earlier sources win.
                foreach (var source in merges)
                {
                    foreach (var (key, value) in (Dictionary<string, object?>)Convert(source)!)
                    {
                        result.TryAdd(key, value);
                    }
                }

                return result;
            default:
                throw new InvalidOperationException($"YAML: unexpected node {node.NodeType}.");
        }
    }
}
