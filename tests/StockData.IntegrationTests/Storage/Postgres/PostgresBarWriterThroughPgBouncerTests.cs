using StockData.TestSupport;

namespace StockData.IntegrationTests.Storage.Postgres;

/// <summary>
/// Every test of <see cref="PostgresBarWriterTests"/> once more, the product connected through PgBouncer in transaction
/// mode (<c>default_pool_size</c> 4, fewer backends than the writer's pool): the same rows, counts, revisions and
/// watermarks. Assertions read directly from PostgreSQL.
/// </summary>
public sealed class PostgresBarWriterThroughPgBouncerTests(PgBouncerFixture postgres)
    : PostgresBarWriterTests(postgres), IClassFixture<PgBouncerFixture>;
