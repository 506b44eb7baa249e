using System.Text.RegularExpressions;

namespace StockData.Storage.Postgres;

/// <summary>
/// Names the configured schema in every statement the product runs. The statements are written with their tables
/// qualified by the placeholder schema <see cref="Placeholder"/> (<c>sd_schema.daily_bars</c>), and
/// <see cref="Qualify"/> puts the quoted configured schema in its place. Nothing depends on search_path: a pooler in
/// transaction mode refuses it as a start-up parameter or, told to ignore it, drops it, and every unqualified name
/// then resolves in whatever schema the server's default search_path finds. Qualified, a missing schema fails with
/// "relation does not exist"; a statement that was not qualified fails with "schema sd_schema does not exist".
/// </summary>
public sealed partial class SchemaSql
{
    /// <summary>The placeholder schema the statements' table names carry (with its dot).</summary>
    public const string Placeholder = "sd_schema.";

    /// <summary>Qualifies with the configured schema (validated at start-up as a lower-case identifier).</summary>
    public SchemaSql(string schema)
    {
        if (!Identifier().IsMatch(schema))
        {
            throw new ArgumentException($"'{schema}' is not a lower-case SQL identifier (a-z, 0-9, _).", nameof(schema));
        }

        Schema = schema;
        Quoted = "\"" + schema + "\"";
    }

    /// <summary>The schema's name.</summary>
    public string Schema { get; }

    /// <summary>The schema as a quoted identifier, e.g. <c>"public"</c>.</summary>
    public string Quoted { get; }

    /// <summary>The statement with every <see cref="Placeholder"/> replaced by the quoted schema and a dot.</summary>
    public string Qualify(string sql) => sql.Replace(Placeholder, Quoted + ".", StringComparison.Ordinal);

    /// <summary>One table, qualified (<c>"public".daily_bars</c>).</summary>
    public string Table(string name) => Quoted + "." + name;

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex Identifier();
}
