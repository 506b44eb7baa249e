using Microsoft.Extensions.DependencyInjection;
using StockData.IntegrationTests.Infrastructure;
using StockData.Storage.Postgres.Jobs;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Storage.Postgres.Jobs;

/// <summary>Job items: priority order, SKIP LOCKED claims, finishing (and the job with its last item), expiry, cancel.</summary>
public sealed class JobItemLeasesTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<long> SubmitAsync(JobStore jobs, JobPriority priority, params string[] symbols) =>
        jobs.CreateAsync(new JobSpec(priority, "1d", null, null), symbols.Select(s => new NewJobItem(s, "1d", null, null)).ToList(), Ct);

    [Fact]
    public async Task ClaimAsync_HighBeforeNormal_OldestFirst_JobBecomesRunning()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var jobs = scope.Services.GetRequiredService<JobStore>();
        var leases = scope.Services.GetRequiredService<JobItemLeases>();
        var normal = await SubmitAsync(jobs, JobPriority.Normal, "N1", "N2");
        var high = await SubmitAsync(jobs, JobPriority.High, "H1", "H2");

        var onlyHigh = await leases.ClaimAsync("r1", JobPriority.High, JobPriority.High, 10, T0, T0 + Lease, Ct);
        var rest = await leases.ClaimAsync("r1", JobPriority.Low, JobPriority.Normal, 1, T0, T0 + Lease, Ct);

        Assert.Equal(["H1", "H2"], onlyHigh.Select(i => i.Symbol));
        Assert.All(onlyHigh, i => Assert.Equal(high, i.JobId));
        Assert.Equal("N1", Assert.Single(rest).Symbol);
        Assert.Equal("running", (await jobs.GetAsync(high, Ct))!.Status);
        var normalJob = (await jobs.GetAsync(normal, Ct))!;
        Assert.Equal(("running", 1, 1), (normalJob.Status, normalJob.Count("running"), normalJob.Count("pending")));
    }

    [Fact]
    public async Task ClaimAsync_ConcurrentReplicas_EachItemOnce()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var jobs = scope.Services.GetRequiredService<JobStore>();
        await SubmitAsync(jobs, JobPriority.Normal, Enumerable.Range(0, 120).Select(i => $"S{i:000}").ToArray());
        var replicas = Enumerable.Range(0, 4).Select(_ => scope.Sibling()).ToList();
        try
        {
            var claims = await Task.WhenAll(replicas.Select(async (replica, r) =>
            {
                var leases = replica.Services.GetRequiredService<JobItemLeases>();
                var mine = new List<long>();
                IReadOnlyList<ClaimedJobItem> batch;
                while ((batch = await leases.ClaimAsync($"r{r}", JobPriority.Low, JobPriority.High, 5, T0, T0 + Lease, Ct)).Count > 0)
                {
                    mine.AddRange(batch.Select(i => i.Id));
                }

                return mine;
            }));

            var all = claims.SelectMany(c => c).ToList();
            Assert.Equal(120, all.Count);
            Assert.Equal(120, all.Distinct().Count());
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
    public async Task FinishAsync_LastItem_FinishesTheJob_FailedWhenAnyFailed()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var jobs = scope.Services.GetRequiredService<JobStore>();
        var leases = scope.Services.GetRequiredService<JobItemLeases>();
        var ok = await SubmitAsync(jobs, JobPriority.Normal, "A1", "A2");
        var bad = await SubmitAsync(jobs, JobPriority.Normal, "B1", "ZZB");
        var items = await leases.ClaimAsync("r1", JobPriority.Low, JobPriority.High, 10, T0, T0 + Lease, Ct);
        var id = items.ToDictionary(i => i.Symbol, i => i.Id);

        Assert.Equal(ok, await leases.FinishAsync("r1", id["A1"], true, null, null, T0.AddSeconds(1), Ct));
        Assert.Equal("running", (await jobs.GetAsync(ok, Ct))!.Status);
        await leases.FinishAsync("r1", id["A2"], true, null, null, T0.AddSeconds(2), Ct);
        await leases.FinishAsync("r1", id["B1"], true, null, null, T0.AddSeconds(2), Ct);
        await leases.FinishAsync("r1", id["ZZB"], false, "not_found", "HTTP 404", T0.AddSeconds(3), Ct);

        var done = (await jobs.GetAsync(ok, Ct))!;
        var failed = (await jobs.GetAsync(bad, Ct))!;
        Assert.Equal(("done", 2, 2, (DateTimeOffset?)T0.AddSeconds(2)), (done.Status, done.Finished, done.Total, done.FinishedAt));
        Assert.Equal("failed", failed.Status);
        Assert.Equal(1, failed.FailuresByCategory["not_found"]);
        Assert.Equal((1, 1), (failed.Count("done"), failed.Count("failed")));
    }

    [Fact]
    public async Task FinishAsync_NotTheOwner_ChangesNothing_CancelledJob_InFlightFinish_HandedBackDropped()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var jobs = scope.Services.GetRequiredService<JobStore>();
        var leases = scope.Services.GetRequiredService<JobItemLeases>();
        var job = await SubmitAsync(jobs, JobPriority.Normal, "A1", "A2", "A3", "A4");
        var items = await leases.ClaimAsync("r1", JobPriority.Low, JobPriority.High, 2, T0, T0 + Lease, Ct);
        var dead = await leases.ClaimAsync("dies", JobPriority.Low, JobPriority.High, 1, T0, T0 + Lease, Ct);

        Assert.Null(await leases.FinishAsync("someone-else", items[0].Id, true, null, null, T0, Ct));
        Assert.Equal(CancelOutcome.Cancelled, await jobs.CancelAsync(job, T0, Ct));
        var atCancel = (await jobs.GetAsync(job, Ct))!;
        Assert.Equal(("cancelled", 1, 3), (atCancel.Status, atCancel.Count("cancelled"), atCancel.Count("running")));

        // An item in flight finishes with its own outcome; the job stays cancelled.
        Assert.Equal(job, await leases.FinishAsync("r1", items[1].Id, true, null, null, T0, Ct));
        // Items handed back (a graceful stop, a dead replica's expired lease) are dropped, never pending again.
        Assert.Equal(1, await leases.ReleaseAllAsync("r1", T0, Ct));
        Assert.Equal(1, await leases.ReclaimExpiredAsync(T0 + Lease, 5, Ct));
        Assert.Single(dead);

        var view = (await jobs.GetAsync(job, Ct))!;
        Assert.Equal(("cancelled", 3, 1, 4), (view.Status, view.Count("cancelled"), view.Count("done"), view.Finished));
        Assert.Equal(CancelOutcome.AlreadyFinished, await jobs.CancelAsync(job, T0, Ct));
        Assert.Equal(CancelOutcome.NotFound, await jobs.CancelAsync(job + 1000, T0, Ct));
        Assert.Empty(await leases.ClaimAsync("r1", JobPriority.Low, JobPriority.High, 10, T0 + Lease, T0 + Lease + Lease, Ct));
    }

    [Fact]
    public async Task ReclaimExpiredAsync_DeadWorkersItemsBackToPending_AbandonedAfterMaxAttempts()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var jobs = scope.Services.GetRequiredService<JobStore>();
        var leases = scope.Services.GetRequiredService<JobItemLeases>();
        var job = await SubmitAsync(jobs, JobPriority.High, "A1");
        var now = T0;
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            Assert.Single(await leases.ClaimAsync($"dies{attempt}", JobPriority.Low, JobPriority.High, 1, now, now + Lease, Ct));
            Assert.Equal(0, await leases.ReclaimExpiredAsync(now + Lease - TimeSpan.FromSeconds(1), 2, Ct));
            now += Lease;
            Assert.Equal(1, await leases.ReclaimExpiredAsync(now, 2, Ct));
        }

        var view = (await jobs.GetAsync(job, Ct))!;
        Assert.Equal(("failed", 1), (view.Status, view.FailuresByCategory["abandoned"]));
    }

    [Fact]
    public async Task ReleaseAllAsync_GracefulStop_ItemsPendingAgain_AttemptNotCounted()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var jobs = scope.Services.GetRequiredService<JobStore>();
        var leases = scope.Services.GetRequiredService<JobItemLeases>();
        await SubmitAsync(jobs, JobPriority.Normal, "A1", "A2");
        var claimed = await leases.ClaimAsync("stopping", JobPriority.Low, JobPriority.High, 10, T0, T0 + Lease, Ct);

        var renewed = await leases.RenewAsync("stopping", claimed.Select(i => i.Id).ToList(), T0 + Lease * 2, Ct);
        var released = await leases.ReleaseAllAsync("stopping", T0, Ct);

        Assert.Equal(2, renewed.Count);
        Assert.Equal(2, released);
        Assert.Equal(2L, await scope.CountAsync("SELECT count(*) FROM fetch_job_items WHERE status = 'pending' AND attempts = 0 AND lease_owner IS NULL"));
    }

    [Fact]
    public async Task ListAsync_NewestFirstWithCounts()
    {
        postgres.EnsureAvailable();
        await using var scope = await WriterScope.CreateAsync(postgres);
        var jobs = scope.Services.GetRequiredService<JobStore>();
        var first = await SubmitAsync(jobs, JobPriority.Normal, "A1", "A2", "A2");
        var second = await SubmitAsync(jobs, JobPriority.High, "B1");

        var listed = await jobs.ListAsync(null, 10, Ct);
        var pending = await jobs.ListAsync("pending", 1, Ct);

        Assert.Equal([second, first], listed.Select(j => j.Id));
        Assert.Equal(2, listed[1].Total);
        Assert.Equal(2, listed[1].Count("pending"));
        Assert.Equal(JobPriority.High, listed[0].Priority);
        Assert.Equal([second], pending.Select(j => j.Id));
    }
}
