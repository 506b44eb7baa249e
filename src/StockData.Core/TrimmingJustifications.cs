namespace StockData.Core;

/// <summary>Why a trimming warning of the native build is safe to suppress, said once for every place it applies.</summary>
public static class TrimmingJustifications
{
    /// <summary>
    /// <c>[Range(typeof(TimeSpan), …)]</c> on an options class warns (IL2026) because RangeAttribute converts its bounds
    /// through a TypeConverter found by reflection. Nothing here constructs those attributes: the options are validated
    /// by the source-generated <c>[OptionsValidator]</c> classes, which emit their own copy of RangeAttribute with the
    /// bounds parsed at compile time (no data-annotations validator reads the attributes at run time).
    /// </summary>
    public const string RangeReadOnlyBySourceGeneratedValidator =
        "[Range] is read only by the source-generated options validator, which carries its own RangeAttribute copy.";
}
