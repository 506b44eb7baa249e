using System.Text.Json;
using System.Text.Json.Serialization;

namespace StockData.Pipeline.Export;

/// <summary>
/// <c>manifest.json</c> of an export directory: what was asked (<see cref="Parameters"/>), and per file its rows,
/// bytes, SHA-256 and the store's state it was written from (<see cref="ManifestFile.Source"/>). Written with
/// <see cref="Complete"/> false while the export runs (so a killed one can resume) and true at the end. It holds no
/// time of its own: an export rerun over the same store yields the same manifest, byte for byte.
/// </summary>
internal sealed record ExportManifest(string Format, ManifestParameters Parameters, bool Complete, long Rows, IReadOnlyList<ManifestFile> Files)
{
    public const string FileName = "manifest.json";
    public const string FormatName = "stockdata-export/1";

    public string ToJson() => JsonSerializer.Serialize(this, ExportJsonContext.Default.ExportManifest) + "\n";

    /// <summary>The manifest in <paramref name="directory"/>; null when there is none; throws when it is not one of ours.</summary>
    public static ExportManifest? Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        ExportManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(File.ReadAllText(path), ExportJsonContext.Default.ExportManifest);
        }
        catch (JsonException)
        {
            manifest = null;
        }

        return manifest is { Format: FormatName } ? manifest
            : throw new ExportRequestException("--out", $"{directory} holds a {FileName} that is not a stockdata export's; choose an empty directory");
    }
}

/// <summary>The request a manifest was written for (times ISO-8601 UTC; null where not given).</summary>
internal sealed record ManifestParameters(bool All, IReadOnlyList<string>? Symbols, string Interval, string? From, string? To, string? AsOf,
    string Format, string Partition, string Adjust)
{
    public string ToJson() => JsonSerializer.Serialize(this, ExportJsonContext.Default.ManifestParameters);

    /// <summary>The same request (by value: the symbol lists compare element by element).</summary>
    public bool SameAs(ManifestParameters other) => ToJson() == other.ToJson();
}

/// <summary>One exported file: its path under the directory (with <c>/</c>), what it holds and how to check it.</summary>
internal sealed record ManifestFile(string Path, string Kind, long Rows, long Bytes, string Sha256, string Source);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(ExportManifest))]
[JsonSerializable(typeof(ManifestParameters))]
internal sealed partial class ExportJsonContext : JsonSerializerContext;
