using StockData.TestSupport;

namespace StockData.IntegrationTests.Storage.Postgres;

/// <summary>
/// The concurrent writers of <see cref="PostgresBarWriterConcurrencyTests"/> through PgBouncer in transaction mode:
/// more writer connections than server backends, so transactions of one connection land on different backends and
/// wait for one in PgBouncer's queue.
/// </summary>
public sealed class PostgresBarWriterConcurrencyThroughPgBouncerTests(PgBouncerFixture postgres)
    : PostgresBarWriterConcurrencyTests(postgres), IClassFixture<PgBouncerFixture>;
