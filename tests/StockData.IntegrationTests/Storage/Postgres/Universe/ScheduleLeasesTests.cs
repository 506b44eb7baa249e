using Microsoft.Extensions.DependencyInjection;
using StockData.IntegrationTests.Infrastructure;
using StockData.Storage.Postgres.Universe;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Storage.Postgres.Universe;

/// <summary>The claim/lease SQL of the refresh schedule against a real PostgreSQL, on a clock the test sets.</summary>
public sealed class ScheduleLeasesTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(WriterScope Scope, ScheduleLeases Leases, SymbolUniverse Universe)> CreateSutAsync(PostgresFixture postgres,
        params string[] symbols)
    {
        var scope = await WriterScope.CreateAsync(postgres);
        var universe = scope.Services.GetRequiredService<SymbolUniverse>();
        if (symbols.Length > 0)
        {
            await universe.AddAsync(symbols.Select(s => (s, "1d")).ToList(), T0, Ct);
        }

        return (scope, scope.Services.GetRequiredService<ScheduleLeases>(), universe);
    }

    [Fact]
    public async Task ClaimDueAsync_OnlyDueAndFreeRows_OldestFirst_UpToTheLimit()
    {
        postgres.EnsureAvailable();
        var (scope, leases, _) = await CreateSutAsync(postgres, "AAA", "BBB", "CCC", "DDD");
        await using var _ = scope;
        await scope.ExecuteAsync($"UPDATE symbol_intervals SET next_fetch_at = '{T0.AddHours(1):O}' WHERE symbol = 'DDD'");
        await scope.ExecuteAsync($"UPDATE symbol_intervals SET next_fetch_at = '{T0.AddMinutes(-5):O}' WHERE symbol = 'CCC'");
        await scope.ExecuteAsync("INSERT INTO symbols (symbol) VALUES ('OFF'); INSERT INTO symbol_intervals (symbol, interval) VALUES ('OFF', '1d')");

        var first = await leases.ClaimDueAsync("r1", 2, T0, T0 + Lease, Ct);
        var second = await leases.ClaimDueAsync("r2", 10, T0, T0 + Lease, Ct);

        Assert.Equal("CCC", first[0].Symbol);
        Assert.Equal(2, first.Count);
        Assert.Single(second);
        Assert.Empty(first.Select(c => c.Symbol).Intersect(second.Select(c => c.Symbol)));
        Assert.DoesNotContain("DDD", first.Concat(second).Select(c => c.Symbol));
        Assert.DoesNotContain("OFF", first.Concat(second).Select(c => c.Symbol)); // off the schedule (next_fetch_at NULL)
        Assert.All(first.Concat(second), c => Assert.Null(c.PreviousOwner));
        Assert.Equal(2L, await scope.CountAsync("SELECT count(*) FROM symbol_intervals WHERE lease_owner = 'r1'"));
        Assert.Equal((T0 + Lease).UtcDateTime, await scope.ScalarAsync<DateTime>("SELECT max(lease_until) FROM symbol_intervals WHERE lease_owner = 'r1'"));
    }

    [Fact]
    public async Task ClaimDueAsync_LeaseNotExpired_Skipped_Expired_TakenOverWithThePreviousOwner()
    {
        postgres.EnsureAvailable();
        var (scope, leases, _) = await CreateSutAsync(postgres, "AAA");
        await using var _ = scope;
        Assert.Single(await leases.ClaimDueAsync("crashed", 10, T0, T0 + Lease, Ct));

        var early = await leases.ClaimDueAsync("r2", 10, T0 + Lease - TimeSpan.FromSeconds(1), T0 + Lease * 2, Ct);
        var late = await leases.ClaimDueAsync("r2", 10, T0 + Lease, T0 + Lease * 2, Ct);

        Assert.Empty(early);
        var taken = Assert.Single(late);
        Assert.Equal("crashed", taken.PreviousOwner);
        Assert.Equal("r2", await scope.ScalarAsync<string>("SELECT lease_owner FROM symbol_intervals"));
    }

    [Fact]
    public async Task ClaimDueAsync_ManyReplicasAtOnce_EveryRowClaimedExactlyOnce()
    {
        postgres.EnsureAvailable();
        var symbols = Enumerable.Range(0, 200).Select(i => $"S{i:000}").ToArray();
        var (scope, _, _) = await CreateSutAsync(postgres, symbols);
        await using var _ = scope;
        // Six replicas, each with its own data source (its own process, in effect), claiming in small batches until empty.
        var replicas = Enumerable.Range(0, 6).Select(_ => scope.Sibling()).ToList();
        try
        {
            var claims = await Task.WhenAll(replicas.Select(async (replica, i) =>
            {
                var leases = replica.Services.GetRequiredService<ScheduleLeases>();
                var mine = new List<string>();
                while (true)
                {
                    var batch = await leases.ClaimDueAsync($"r{i}", 7, T0, T0 + Lease, Ct);
                    if (batch.Count == 0)
                    {
                        return mine;
                    }

                    mine.AddRange(batch.Select(c => c.Symbol));
                }
            }));

            var all = claims.SelectMany(c => c).ToList();
            Assert.Equal(symbols.Length, all.Count);
            Assert.Equal(symbols.OrderBy(s => s, StringComparer.Ordinal), all.Order(StringComparer.Ordinal));
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ReleaseAsync_Success_SetsTheScheduleFreesTheLeaseResetsFailuresAndStatus()
    {
        postgres.EnsureAvailable();
        var (scope, leases, _) = await CreateSutAsync(postgres, "AAA");
        await using var _ = scope;
        await scope.ExecuteAsync("UPDATE symbol_intervals SET consecutive_failures = 3; UPDATE symbols SET status = 'failing', last_error = 'x'");
        await leases.ClaimDueAsync("r1", 1, T0, T0 + Lease, Ct);
        var next = T0.AddDays(1);

        var held = await leases.ReleaseAsync("r1", "AAA", "1d", next, true, false, T0.AddSeconds(5), Ct);

        Assert.True(held);
        Assert.Equal(next.UtcDateTime, await scope.ScalarAsync<DateTime>("SELECT next_fetch_at FROM symbol_intervals"));
        Assert.Equal(0L, await scope.CountAsync("SELECT count(*) FROM symbol_intervals WHERE lease_owner IS NOT NULL OR lease_until IS NOT NULL OR consecutive_failures <> 0"));
        Assert.Equal("active", await scope.ScalarAsync<string>("SELECT status FROM symbols"));
        Assert.Empty(await leases.ClaimDueAsync("r2", 1, next.AddSeconds(-1), next, Ct));
        Assert.Single(await leases.ClaimDueAsync("r2", 1, next, next + Lease, Ct));
    }

    [Fact]
    public async Task ReleaseAsync_LeaseLostToAnotherReplica_ChangesNothing()
    {
        postgres.EnsureAvailable();
        var (scope, leases, _) = await CreateSutAsync(postgres, "AAA");
        await using var _ = scope;
        await leases.ClaimDueAsync("slow", 1, T0, T0 + Lease, Ct);
        await leases.ClaimDueAsync("other", 1, T0 + Lease, T0 + Lease * 2, Ct);

        var held = await leases.ReleaseAsync("slow", "AAA", "1d", T0.AddDays(1), true, false, T0 + Lease, Ct);

        Assert.False(held);
        Assert.Equal("other", await scope.ScalarAsync<string>("SELECT lease_owner FROM symbol_intervals"));
        Assert.Equal(T0.UtcDateTime, await scope.ScalarAsync<DateTime>("SELECT next_fetch_at FROM symbol_intervals"));
    }

    [Fact]
    public async Task ReleaseAsync_RemovedWhileInFlight_StaysOffTheSchedule()
    {
        postgres.EnsureAvailable();
        var (scope, leases, universe) = await CreateSutAsync(postgres, "AAA");
        await using var _ = scope;
        await leases.ClaimDueAsync("r1", 1, T0, T0 + Lease, Ct);
        await universe.RemoveAsync(["AAA"], null, Ct);

        await leases.ReleaseAsync("r1", "AAA", "1d", T0.AddDays(1), true, false, T0, Ct);

        Assert.Equal(1L, await scope.CountAsync("SELECT count(*) FROM symbol_intervals WHERE next_fetch_at IS NULL AND lease_owner IS NULL"));
    }

    [Fact]
    public async Task ReleaseAsync_CountFailure_AddsOne()
    {
        postgres.EnsureAvailable();
        var (scope, leases, _) = await CreateSutAsync(postgres, "AAA");
        await using var _ = scope;
        await leases.ClaimDueAsync("r1", 1, T0, T0 + Lease, Ct);

        await leases.ReleaseAsync("r1", "AAA", "1d", T0.AddMinutes(5), false, true, T0, Ct);

        Assert.Equal(1, await leases.FailuresAsync("AAA", "1d", Ct));
    }

    [Fact]
    public async Task RenewAsync_ExtendsOnlyWhatTheOwnerStillHolds()
    {
        postgres.EnsureAvailable();
        var (scope, leases, _) = await CreateSutAsync(postgres, "AAA", "BBB");
        await using var _ = scope;
        await leases.ClaimDueAsync("r1", 2, T0, T0 + Lease, Ct);
        await scope.ExecuteAsync("UPDATE symbol_intervals SET lease_owner = 'thief' WHERE symbol = 'BBB'");

        var renewed = await leases.RenewAsync("r1", [("AAA", "1d"), ("BBB", "1d")], T0 + Lease * 3, Ct);

        Assert.Equal([("AAA", "1d")], renewed);
        Assert.Equal((T0 + Lease * 3).UtcDateTime, await scope.ScalarAsync<DateTime>("SELECT lease_until FROM symbol_intervals WHERE symbol = 'AAA'"));
        Assert.Equal((T0 + Lease).UtcDateTime, await scope.ScalarAsync<DateTime>("SELECT lease_until FROM symbol_intervals WHERE symbol = 'BBB'"));
    }

    [Fact]
    public async Task ReleaseAllAsync_GracefulStop_RowsDueAtOnceForOthers_NotCountedAsTakeovers()
    {
        postgres.EnsureAvailable();
        var (scope, leases, _) = await CreateSutAsync(postgres, "AAA", "BBB", "CCC");
        await using var _ = scope;
        await leases.ClaimDueAsync("stopping", 2, T0, T0 + Lease, Ct);

        var released = await leases.ReleaseAllAsync("stopping", T0.AddSeconds(3), Ct);
        var claimed = await leases.ClaimDueAsync("r2", 10, T0.AddSeconds(3), T0 + Lease, Ct);

        Assert.Equal(2, released);
        Assert.Equal(3, claimed.Count);
        Assert.All(claimed, c => Assert.Null(c.PreviousOwner));
    }

    [Fact]
    public async Task RescheduleAfterFetchAsync_PushesLaterOnlyWhenScheduledAndFree()
    {
        postgres.EnsureAvailable();
        var (scope, leases, _) = await CreateSutAsync(postgres, "AAA", "BBB");
        await using var _ = scope;
        await scope.ExecuteAsync("INSERT INTO symbols (symbol) VALUES ('OFF'); INSERT INTO symbol_intervals (symbol, interval) VALUES ('OFF', '1d')");
        await leases.ClaimDueAsync("r1", 1, T0, T0 + Lease, Ct); // AAA or BBB: leased
        var leased = await scope.ScalarAsync<string>("SELECT symbol FROM symbol_intervals WHERE lease_owner = 'r1'");
        var free = leased == "AAA" ? "BBB" : "AAA";
        var next = T0.AddDays(1);

        foreach (var symbol in new[] { "AAA", "BBB", "OFF" })
        {
            await leases.RescheduleAfterFetchAsync(symbol, "1d", next, T0, Ct);
        }

        await leases.RescheduleAfterFetchAsync(free, "1d", T0.AddHours(1), T0, Ct); // never earlier
        Assert.Equal(next.UtcDateTime, await scope.ScalarAsync<DateTime>($"SELECT next_fetch_at FROM symbol_intervals WHERE symbol = '{free}'"));
        Assert.Equal(T0.UtcDateTime, await scope.ScalarAsync<DateTime>($"SELECT next_fetch_at FROM symbol_intervals WHERE symbol = '{leased}'"));
        Assert.Equal(1L, await scope.CountAsync("SELECT count(*) FROM symbol_intervals WHERE symbol = 'OFF' AND next_fetch_at IS NULL"));
    }
}
