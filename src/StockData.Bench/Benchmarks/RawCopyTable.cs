namespace StockData.Bench.Benchmarks;

/// <summary>
/// The benchmarks' reference table: an empty copy of daily_bars with its primary key and its storage parameters.
/// <c>LIKE … INCLUDING ALL</c> copies columns, defaults, constraints and indexes but not the table's reloptions, and
/// daily_bars keeps half of every page free (migration 0006): raw COPY into a packed table would write half the
/// pages the writer must, so the parameters are copied from the catalog, on the server.
/// </summary>
internal static class RawCopyTable
{
    public const string Name = "sd_schema.bench_raw_copy";

    public const string Create = """
        DROP TABLE IF EXISTS sd_schema.bench_raw_copy;
        CREATE TABLE sd_schema.bench_raw_copy (LIKE sd_schema.daily_bars INCLUDING ALL);
        DO $$
        DECLARE options text := (SELECT array_to_string(reloptions, ', ') FROM pg_class WHERE oid = 'sd_schema.daily_bars'::regclass);
        BEGIN
            IF options IS NOT NULL THEN
                EXECUTE format('ALTER TABLE sd_schema.bench_raw_copy SET (%s)', options);
            END IF;
        END $$;
        """;

    /// <summary>
    /// The same without the storage parameters (a packed table, fillfactor 100): printed beside (1) for reference, so
    /// the effect of daily_bars' free space on the limit itself is visible in every run.
    /// </summary>
    public const string CreatePacked = """
        DROP TABLE IF EXISTS sd_schema.bench_raw_copy;
        CREATE TABLE sd_schema.bench_raw_copy (LIKE sd_schema.daily_bars INCLUDING ALL);
        """;

    public const string Drop = "DROP TABLE sd_schema.bench_raw_copy";
}
