using System.Text.RegularExpressions;
using StockData.Storage.Postgres;
using StockData.TestSupport;

namespace StockData.UnitTests.Architecture;

/// <summary>
/// Every statement names the schema of every table it touches (<see cref="SchemaSql"/>): nothing in src/ may name one
/// of the product's tables after FROM, JOIN, INTO, UPDATE, TABLE, COPY or TRUNCATE without the placeholder schema.
/// Behind a pooler in transaction mode there is no search_path to fall back on, and an unqualified name would resolve
/// in whatever schema the server's default finds (a write would land there). Migrations are exempt: they run under
/// SET LOCAL search_path in the migrator's own transaction.
/// </summary>
public sealed partial class SchemaQualificationTests
{
    [GeneratedRegex(@"\b(?:FROM|JOIN|INTO|UPDATE|TABLE|COPY|TRUNCATE)\s+(?<table>daily_bars|intraday_bars|bar_counts|bar_revision_sets|bar_revisions|capital_gains|dividends|fetch_job_items|fetch_jobs|fetch_rejects|quality_gaps|quality_null_rows|quality_suspicious|splits|symbol_intervals|symbols|upstream_requests|bars|schema_migrations)\b")]
    private static partial Regex UnqualifiedTable();

    [Fact]
    public void Sources_NameNoProductTableWithoutItsSchema()
    {
        var offenders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(RepoPaths.Root, file).Replace('\\', '/');
            if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal))
            {
                continue;
            }

            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var code = lines[i].TrimStart();
                if (code.StartsWith("//", StringComparison.Ordinal))
                {
                    continue;
                }

                offenders.AddRange(UnqualifiedTable().Matches(lines[i]).Select(m => $"{relative}:{i + 1}: {m.Value}"));
            }
        }

        Assert.True(offenders.Count == 0, "Unqualified tables (write sd_schema.<table> and run the text through SchemaSql.Qualify):\n"
            + string.Join("\n", offenders));
    }

    [Fact]
    public void Qualify_ReplacesEveryPlaceholderWithTheQuotedSchema()
    {
        var sql = new SchemaSql("pgb1");

        Assert.Equal("SELECT 1 FROM \"pgb1\".daily_bars d JOIN \"pgb1\".symbols s ON true",
            sql.Qualify("SELECT 1 FROM sd_schema.daily_bars d JOIN sd_schema.symbols s ON true"));
        Assert.Equal("\"pgb1\".intraday_bars", sql.Table("intraday_bars"));
        Assert.Equal("SELECT 1", sql.Qualify("SELECT 1"));
    }

    [Theory]
    [InlineData("Public")]
    [InlineData("a\"b")]
    [InlineData("x; DROP TABLE y")]
    [InlineData("")]
    public void Constructor_NotAPlainLowerCaseIdentifier_Refused(string schema) =>
        Assert.Throws<ArgumentException>(() => new SchemaSql(schema));
}
