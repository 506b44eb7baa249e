using System.Text.RegularExpressions;
using StockData.TestSupport;

namespace StockData.UnitTests.Architecture;

/// <summary>
/// SQL is parameterised or COPY only: no value reaches a statement's text. Every interpolated string (<c>$"…"</c>,
/// <c>$@"…"</c>, <c>$"""…"""</c>) in src/ that reads like SQL may only interpolate a constant of its own file or a
/// hole reviewed below with its reason; a string concatenated onto SQL text fails outright. A new hole fails this test
/// until someone checks it cannot carry input and adds it here.
/// </summary>
public sealed partial class SqlParameterisationTests
{
    /// <summary>Reviewed holes: (file name, hole) → why it cannot carry an untrusted value.</summary>
    private static readonly Dictionary<(string File, string Hole), string> Reviewed = new()
    {
        [("BarCopy.cs", "table")] = "a table-name constant of the writer (StagingTables.Daily/Intraday, BarWriterSql tables) or the benchmark's own",
        [("BarWriterSql.cs", "table")] = "chosen between two literals by the interval family",
        [("BarWriterSql.cs", "stage")] = "chosen between the two staging-table constants",
        [("BarWriterSql.cs", "key")] = "chosen between the literals trade_date / ts",
        [("BarWriterSql.cs", "compared")] = "chosen between the literals ts / trade_date",
        [("BarWriterSql.cs", "revisions")] = "a literal SQL fragment or empty, by a bool option",
        [("BarWriterSql.cs", "(daily ? \"array_agg(u.o_compared), array_agg(u.trade_date)\" : \"array_agg(u.ts), array_agg(u.o_compared)\")")] = "chosen between two literal column lists by the interval family",
        [("BarWriterSql.cs", "InsertNew(daily, $\"FROM {stage} WHERE o_ctid IS NULL\")")] = "the shared insert of new rows, its source a literal around the staging-table constant",
        [("BarWriterSql.cs", "InsertNew(daily, \"FROM j WHERE j.is_new\")")] = "the shared insert of new rows, its source a literal",
        [("BarWriterSql.cs", "rows")] = "InsertNew's source: one of the two literals above",
        [("BarWriterSql.cs", "updates")] = "the merge's UPDATE CTEs: literals around the reviewed holes here and MonthOf's numbered parameters ($n)",
        [("BarWriterSql.cs", "k")] = "an int, the month group's number in a CTE name",
        [("BarCopy.cs", "stage")] = "a staging-table constant of the writer (StagingTables.Daily/Intraday)",
        [("StagingTables.cs", "(daily ? Daily : Intraday)")] = "chosen between the two staging-table constants by the interval family",
        [("BarWriterSql.cs", "(keepRevisions ? StagedRevisions : \"\")")] = "a literal SQL fragment (a constant) or empty, by a bool option",
        [("SchemaMigrator.cs", "schema")] = "StorageOptions.Schema, validated at start-up as a lower-case identifier (StorageOptionsValidator), and quoted",
        [("IntradayWriterBenchmark.cs", "schemaSql.Quoted")] = "the benchmark's generated scratch schema name (bench_ + hex), validated by SchemaSql and quoted",
        [("BenchCommand.cs", "schema")] = "the benchmark's generated scratch schema name (bench_ + hex), quoted",
        [("PipelineBenchmark.cs", "round")] = "a progress or report line (mentions raw COPY), not SQL",
        [("PipelineBenchmark.cs", "referenceRows:N0")] = "a progress or report line (mentions raw COPY), not SQL",
        [("PipelineBenchmark.cs", "rawRates[^1]:N0")] = "a progress or report line (mentions raw COPY), not SQL",
        [("PipelineBenchmark.cs", "ReplayRates.Count,14")] = "a progress or report line (mentions raw COPY), not SQL",
        [("PipelineBenchmark.cs", "RawCopy.Median,14:N0")] = "a progress or report line (mentions raw COPY), not SQL",
        [("PipelineBenchmark.cs", "RawCopy.Min:N0")] = "a progress or report line (mentions raw COPY), not SQL",
        [("PipelineBenchmark.cs", "RawCopy.Max:N0")] = "a progress or report line (mentions raw COPY), not SQL",
        [("PipelineBenchmark.cs", "Ratio.Median,14:0.000")] = "a progress or report line (mentions raw COPY), not SQL",
        [("PipelineBenchmark.cs", "Ratio.Min:0.000")] = "a progress or report line (mentions raw COPY), not SQL",
        [("PipelineBenchmark.cs", "Ratio.Max:0.000")] = "a progress or report line (mentions raw COPY), not SQL",
        [("PipelineBenchmark.cs", "RatioTarget")] = "a progress or report line (mentions raw COPY), not SQL",
        [("PipelineBenchmark.cs", "PeakRssMb,14:0.0")] = "a progress or report line (mentions raw COPY), not SQL",
        [("BarExportReader.cs", "Table(scope.Interval)")] = "chosen between the literals daily_bars / intraday_bars by the interval family",
        [("BarExportReader.cs", "table")] = "Table(scope.Interval): one of two literal table names",
        [("BarExportReader.cs", "order")] = "chosen between two literal ORDER BY lists by the interval family",
        [("BarExportReader.cs", "current")] = "a literal column list built from the file's Columns constant, with or without the write-time column, by a bool",
        [("BarExportReader.cs", "revision")] = "a literal column list built from the file's Columns constant, with or without the write-time column, by a bool",
        [("BarExportReader.cs", "outer")] = "a literal column list built from the file's Columns constant, with or without the write-time column, by a bool",
        [("CatalogExportReader.cs", "asOf")] = "a literal filter on a parameter ($4) or empty, by whether as_of was given",
        [("WriterBenchmarkResult.cs", "Rounds")] = "the report's heading (mentions raw COPY), not SQL",
    };

    /// <summary>Reviewed concatenations: (file name, literal) → why it is not SQL.</summary>
    private static readonly Dictionary<(string File, string Literal), string> ReviewedConcatenations = new()
    {
        [("WriterBenchmark.cs", "(1) raw COPY samples: ")] = "a progress message, not SQL",
    };

    [GeneratedRegex(@"\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|COPY|CREATE|DROP|ALTER|TRUNCATE|LOCK TABLE|search_path|ON CONFLICT)\b")]
    private static partial Regex SqlWords();

    [GeneratedRegex(@"(?<dollars>\$+)(?<quotes>""{3,})(?<body>.*?)\k<quotes>", RegexOptions.Singleline)]
    private static partial Regex RawInterpolated();

    [GeneratedRegex(@"(?:\$@|@\$|\$)""(?<body>(?:[^""\\\n]|\\.|"""")*)""")]
    private static partial Regex Interpolated();

    [GeneratedRegex(@"""(?<body>[^""\n]*)""\s*\+\s*(?!"")[A-Za-z_(]|[A-Za-z_)\]]\s*\+\s*""(?<body2>[^""\n]*)""")]
    private static partial Regex Concatenated();

    [GeneratedRegex(@"\bconst\s+(?:string|int|long)\s+(?<name>\w+)\s*=")]
    private static partial Regex ConstDeclaration();

    [Fact]
    public void Sources_SqlInterpolatesOnlyConstantsOrReviewedHoles()
    {
        var offenders = new List<string>();
        var sqlStrings = 0;
        foreach (var (relative, text) in SourceFiles())
        {
            var name = Path.GetFileName(relative);
            var constants = ConstDeclaration().Matches(text).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
            foreach (var (body, braces) in InterpolatedBodies(text))
            {
                if (!SqlWords().IsMatch(body))
                {
                    continue;
                }

                sqlStrings++;
                foreach (var hole in Holes(body, braces))
                {
                    if (!constants.Contains(hole) && !Reviewed.ContainsKey((name, hole)))
                    {
                        offenders.Add($"{relative}: {{{hole}}} in SQL text");
                    }
                }
            }

            foreach (Match m in Concatenated().Matches(text))
            {
                var literal = m.Groups["body"].Success && m.Groups["body"].Length > 0 ? m.Groups["body"].Value : m.Groups["body2"].Value;
                if (SqlWords().IsMatch(literal) && !ReviewedConcatenations.ContainsKey((name, literal)))
                {
                    offenders.Add($"{relative}: SQL text concatenated with a value: {m.Value.Trim()}");
                }
            }
        }

        // Guards against a vacuous pass (a wrong root, a regex that no longer matches the writer's statements).
        Assert.True(sqlStrings >= 10, $"only {sqlStrings} interpolated SQL strings found");
        Assert.True(offenders.Count == 0,
            "Interpolated SQL must use parameters (or a reviewed constant hole, listed in this test):\n" + string.Join('\n', offenders));
    }

    [Fact]
    public void Scanner_FlagsAnInterpolatedValue()
    {
        // The scanner itself: a value in SQL text is caught, a parameter is not.
        const string bad = """var sql = $"SELECT * FROM daily_bars WHERE symbol = '{symbol}'";""";
        const string good = """var sql = "SELECT * FROM daily_bars WHERE symbol = $1";""";

        Assert.Equal(["symbol"], InterpolatedBodies(bad).SelectMany(b => Holes(b.Body, b.Braces)));
        Assert.Empty(InterpolatedBodies(good));
    }

    private static IEnumerable<(string Relative, string Text)> SourceFiles()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(RepoPaths.Root, file).Replace('\\', '/');
            if (!relative.Contains("/obj/", StringComparison.Ordinal) && !relative.Contains("/bin/", StringComparison.Ordinal))
            {
                yield return (relative, File.ReadAllText(file));
            }
        }
    }

    /// <summary>Bodies of interpolated literals, with the number of braces a hole takes (raw strings: one per <c>$</c>).</summary>
    private static IEnumerable<(string Body, int Braces)> InterpolatedBodies(string text)
    {
        foreach (Match m in RawInterpolated().Matches(text))
        {
            yield return (m.Groups["body"].Value, m.Groups["dollars"].Length);
        }

        foreach (Match m in Interpolated().Matches(RawInterpolated().Replace(text, "")))
        {
            yield return (m.Groups["body"].Value, 1);
        }
    }

    private static IEnumerable<string> Holes(string body, int braces)
    {
        var open = new string('{', braces);
        var close = new string('}', braces);
        var pattern = $@"(?<!\{{){Regex.Escape(open)}(?!\{{)(?<hole>[^{{}}]+?){Regex.Escape(close)}";
        return Regex.Matches(body, pattern).Select(m => m.Groups["hole"].Value.Trim());
    }
}
