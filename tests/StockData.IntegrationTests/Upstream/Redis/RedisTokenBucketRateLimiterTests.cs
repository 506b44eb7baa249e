using System.Diagnostics;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polly;
using Polly.RateLimiting;
using StockData.IntegrationTests.Infrastructure;
using StockData.Storage;
using StockData.Upstream.Redis;
using StockData.TestSupport;
using StockData.Upstream;

namespace StockData.IntegrationTests.Upstream.Redis;

/// <summary>The limiter as a <see cref="RateLimiter"/> over the shared Redis.</summary>
[Collection(ProcessCollection.Name)] // asserts wall-clock delays: no parallel class may load the machine
public sealed class RedisTokenBucketRateLimiterTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Composition_SharesTheBucketThroughTheProcessMultiplexer()
    {
        redis.EnsureAvailable();
        var upstream = "u" + Guid.NewGuid().ToString("N")[..10];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Username=postgres;Database=unused", // never opened here
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["StockData:RateLimit:KeyPrefix"] = redis.KeyPrefix,
            ["StockData:RateLimit:Upstream"] = upstream,
            ["StockData:RateLimit:PermitsPerSecond"] = "5",
        }).Build();
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddStockDataStorage(configuration)
            .AddStockDataRateLimiting(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var limiter = services.GetRequiredService<RateLimiter>();

        using var lease = await limiter.AcquireAsync(1, Ct);

        Assert.True(lease.IsAcquired);
        Assert.True(((RedisTokenBucketRateLimiter)limiter).IsShared);
        Assert.True(await redis.Multiplexer.GetDatabase().KeyExistsAsync($"{redis.KeyPrefix}{{{upstream}}}:tat"));
    }

    [Fact]
    public async Task AcquireAsync_Burst_GrantedAtOnce_ThenOneIntervalApart()
    {
        redis.EnsureAvailable();
        using var limiter = RateLimiters.Create(redis.Multiplexer, RateLimiters.Options(redis, rate: 10, burst: 3));
        var started = Stopwatch.GetTimestamp();
        var grantedAt = new List<TimeSpan>();
        for (var k = 0; k < 5; k++)
        {
            using var lease = await limiter.AcquireAsync(1, Ct);
            Assert.True(lease.IsAcquired);
            grantedAt.Add(Stopwatch.GetElapsedTime(started));
        }

        // Correctness bound only (never a speed assertion): the 4th and 5th waited for their slots, 100 and 200 ms on.
        Assert.True(grantedAt[3] >= TimeSpan.FromMilliseconds(95), $"4th grant at {grantedAt[3]}");
        Assert.True(grantedAt[4] >= TimeSpan.FromMilliseconds(195), $"5th grant at {grantedAt[4]}");
        Assert.Equal(5, limiter.GetStatistics()!.TotalSuccessfulLeases);
    }

    [Fact]
    public async Task AcquireAsync_CallerWakingLate_LeaseCarriesTheSlotNotTheWakeUp()
    {
        redis.EnsureAvailable();
        // Every timer fires 70 ms late, as on a host that deschedules the caller: the limiter's own check lets that
        // through (tolerance 100 ms at 5/s, burst 1: half the 200 ms interval). Its last sleep ends a little before the slot (it re-reads the
        // shared cooldown meanwhile), so the lease comes back at least 70 ms - that lead after its slot.
        var lateBy = TimeSpan.FromMilliseconds(70);
        var clock = new LateTimers(lateBy);
        using var limiter = RateLimiters.Create(redis.Multiplexer, RateLimiters.Options(redis, rate: 5, burst: 1), clock);
        using (var first = await limiter.AcquireAsync(1, Ct))
        {
            Assert.True(first.IsAcquired);
        }

        using var lease = await limiter.AcquireAsync(1, Ct);
        var back = clock.GetTimestamp();

        // The slot, not the wake-up: a later check (LateSendGuard) must count that lateness as already spent.
        var slot = Assert.IsType<RedisRateLimitLease>(lease).SlotAt;
        Assert.True(slot > 0);
        Assert.True(clock.GetElapsedTime(slot, back) >= lateBy - RedisTokenBucketRateLimiter.CooldownRecheckLead - TimeSpan.FromMilliseconds(1),
            $"the lease says its slot fell due {clock.GetElapsedTime(slot, back).TotalMilliseconds:0.#} ms before it came back");
    }

    /// <summary>The system clock whose timers all fire a fixed time late.</summary>
    private sealed class LateTimers(TimeSpan lateBy) : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            TimeProvider.System.CreateTimer(callback, state, dueTime == Timeout.InfiniteTimeSpan ? dueTime : dueTime + lateBy, period);
    }

    [Fact]
    public async Task AcquireAsync_SlotBeyondMaxWait_RefusedWithStandardRetryAfter()
    {
        redis.EnsureAvailable();
        using var limiter = RateLimiters.Create(redis.Multiplexer,
            RateLimiters.Options(redis, rate: 0.2, burst: 2, maxWait: TimeSpan.FromSeconds(2))); // next permit 5 s on
        Assert.True((await limiter.AcquireAsync(1, Ct)).IsAcquired);
        Assert.True((await limiter.AcquireAsync(1, Ct)).IsAcquired);

        using var refused = await limiter.AcquireAsync(1, Ct);

        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5));
        Assert.True(refused.TryGetMetadata(MetadataName.ReasonPhrase, out var reason));
        Assert.Equal(RedisRateLimitLease.MaxWaitReason, reason);
        Assert.Contains(MetadataName.RetryAfter.Name, refused.MetadataNames);
        Assert.Equal(1, limiter.GetStatistics()!.TotalFailedLeases);
    }

    [Fact]
    public async Task PollyRateLimiterStrategy_Refusal_CarriesRetryAfter()
    {
        redis.EnsureAvailable();
        using var limiter = RateLimiters.Create(redis.Multiplexer, RateLimiters.Options(redis, rate: 0.2, burst: 1, maxWait: TimeSpan.Zero));
        var pipeline = new ResiliencePipelineBuilder().AddRateLimiter(limiter).Build();
        var calls = 0;

        await pipeline.ExecuteAsync(_ => { calls++; return ValueTask.CompletedTask; }, Ct);
        var ex = await Assert.ThrowsAsync<RateLimiterRejectedException>(
            async () => await pipeline.ExecuteAsync(_ => { calls++; return ValueTask.CompletedTask; }, Ct));

        Assert.Equal(1, calls);
        Assert.NotNull(ex.RetryAfter);
        Assert.InRange(ex.RetryAfter.Value, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AttemptAcquire_GrantsOnlyWhatIsFreeNow()
    {
        redis.EnsureAvailable();
        using var limiter = RateLimiters.Create(redis.Multiplexer, RateLimiters.Options(redis, rate: 0.2, burst: 2));

        using var probe = limiter.AttemptAcquire(0);
        Assert.True(probe.IsAcquired);
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
        using var refused = limiter.AttemptAcquire(1);

        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5));
        Assert.False(limiter.AttemptAcquire(0).IsAcquired);
    }

    [Fact]
    public async Task AcquireAsync_MorePermitsThanTheBurst_Throws()
    {
        redis.EnsureAvailable();
        using var limiter = RateLimiters.Create(redis.Multiplexer, RateLimiters.Options(redis, burst: 2));

        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await limiter.AcquireAsync(3, Ct));
        Assert.Contains("Burst", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcquireAsync_CancelledWhileWaitingForItsSlot_Throws()
    {
        redis.EnsureAvailable();
        using var limiter = RateLimiters.Create(redis.Multiplexer, RateLimiters.Options(redis, rate: 0.5, burst: 1));
        Assert.True((await limiter.AcquireAsync(1, Ct)).IsAcquired);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var waiting = limiter.AcquireAsync(1, cts.Token).AsTask();
        await WaitUntilAsync(() => limiter.GetStatistics()!.CurrentQueuedCount == 1);
        Assert.Null(limiter.IdleDuration);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, limiter.GetStatistics()!.CurrentQueuedCount);
        Assert.NotNull(limiter.IdleDuration);
    }

    [Fact]
    public async Task GetStatistics_NeverThrows_AndReportsPermitsLeft()
    {
        redis.EnsureAvailable();
        using var limiter = RateLimiters.Create(redis.Multiplexer, RateLimiters.Options(redis, rate: 0.1, burst: 3));
        Assert.Equal(3, limiter.GetStatistics()!.CurrentAvailablePermits);
        await limiter.AcquireAsync(1, Ct);

        var statistics = limiter.GetStatistics()!;

        Assert.Equal(2, statistics.CurrentAvailablePermits);
        Assert.Equal(1, statistics.TotalSuccessfulLeases);
        Assert.False(limiter.IsFallbackActive);
        Assert.True(limiter.IsShared);
    }

    [Fact]
    public async Task AcquireAsync_AfterDispose_Throws()
    {
        redis.EnsureAvailable();
        var limiter = RateLimiters.Create(redis.Multiplexer, RateLimiters.Options(redis));
        await limiter.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await limiter.AcquireAsync(1, Ct));
    }

    [Fact]
    public async Task TwoInstances_OnTwoConnections_NeverExceedRateTimesTimePlusBurst()
    {
        redis.EnsureAvailable();
        const double rate = 20;
        const int burst = 5;
        var options = RateLimiters.Options(redis, rate, burst);
        await using var first = await RateLimiters.ConnectAsync(redis.ConnectionString);
        await using var second = await RateLimiters.ConnectAsync(redis.ConnectionString);
        using var a = RateLimiters.Create(first, options);
        using var b = RateLimiters.Create(second, options);
        // Warm both connections and the code path (JIT, script load) on a bucket of their own, so `started` lies just
        // before the shared bucket's first use: the bound is then tight enough that an early grant fails it.
        foreach (var connection in new[] { first, second })
        {
            using var warmUp = RateLimiters.Create(connection, RateLimiters.Options(redis, rate, burst));
            Assert.True((await warmUp.AcquireAsync(1, Ct)).IsAcquired);
        }

        var grants = new System.Collections.Concurrent.ConcurrentBag<long>();
        var started = Stopwatch.GetTimestamp();
        var until = started + (long)(Stopwatch.Frequency * 2.5);

        async Task HammerAsync(RateLimiter limiter)
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                using var lease = await limiter.AcquireAsync(1, Ct);
                Assert.True(lease.IsAcquired);
                grants.Add(Stopwatch.GetTimestamp());
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => HammerAsync(i % 2 == 0 ? a : b), Ct)));

        // The k-th grant cannot come before its slot, (k - burst) / rate after the bucket's first use, which is after
        // `started`; a late grant only helps. The limiter counts each wait from the reply's arrival and sleeps again
        // when a timer fires early, so on the Stopwatch (the system TimeProvider's clock) a grant is never early. The
        // slots are on Redis's TIME, the wall clock, which NTP may slew by up to 0.5 ms/s against the Stopwatch: 2 ms
        // of slack covers that over this run, and no more, so an early release (it was up to 27 ms) fails here.
        var sorted = grants.Order().ToArray();
        var closest = double.MaxValue; // the least time any grant came after its slot (the bound's margin), in seconds
        for (var k = 1; k <= sorted.Length; k++)
        {
            var elapsed = Stopwatch.GetElapsedTime(started, sorted[k - 1]).TotalSeconds;
            Assert.True(k <= rate * (elapsed + 0.002) + burst,
                $"grant {k} at {elapsed:0.000} s exceeds {rate}/s x t + {burst}");
            closest = Math.Min(closest, elapsed - (k - burst) / rate);
        }

        Assert.False(a.IsFallbackActive || b.IsFallbackActive || a.FallbackCount + b.FallbackCount > 0,
            "a limiter fell back to its local bucket: the bound above is not about the shared bucket then");
        Assert.True(a.GetStatistics()!.TotalSuccessfulLeases > 0 && b.GetStatistics()!.TotalSuccessfulLeases > 0);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"two limiters: {sorted.Length} grants in {Stopwatch.GetElapsedTime(started, sorted[^1]).TotalSeconds:0.00} s at {rate}/s burst {burst}; "
            + $"closest grant {closest * 1000:0.0} ms after its slot");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(10)]
    public async Task ColdStart_InstancesStartingAtOnce_NeverGrantMoreThanTheAllowanceInAnyWindow(int replicas)
    {
        redis.EnsureAvailable();
        const double rate = 20;
        const int burst = 3;
        var defaults = new RateLimitOptions();
        var options = RateLimiters.Options(redis, rate, burst, instant: defaults.InstantBurst, ramp: defaults.ColdStartRamp);
        Assert.Equal(1, options.InstantBurst); // what a fleet gets by default
        Assert.True(options.ColdStartRamp > TimeSpan.Zero, "the fleet's default cold start ramps");
        var connections = await Task.WhenAll(Enumerable.Range(0, replicas).Select(_ => RateLimiters.ConnectAsync(redis.ConnectionString)));
        try
        {
            var limiters = connections.Select(c => RateLimiters.Create(c, options)).ToArray();
            // Warm each connection and the code path on a bucket of its own: the shared bucket stays empty (never used)
            // until the common start, and `started` lies just before its first use, so an early grant fails the bounds.
            foreach (var connection in connections)
            {
                using var warmUp = RateLimiters.Create(connection, RateLimiters.Options(redis, rate, burst));
                Assert.True((await warmUp.AcquireAsync(1, Ct)).IsAcquired);
            }

            var grants = new System.Collections.Concurrent.ConcurrentBag<long>();
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var started = 0L;
            const double seconds = 2.0;

            async Task HammerAsync(RateLimiter limiter)
            {
                await go.Task.WaitAsync(Ct);
                var until = started + (long)(Stopwatch.Frequency * seconds);
                while (Stopwatch.GetTimestamp() < until)
                {
                    using var lease = await limiter.AcquireAsync(1, Ct);
                    Assert.True(lease.IsAcquired);
                    grants.Add(Stopwatch.GetTimestamp());
                }
            }

            // Three callers per instance, all released together: every instance's first acquisition is at the same instant.
            var hammers = Enumerable.Range(0, replicas * 3).Select(i => Task.Run(() => HammerAsync(limiters[i % replicas]), Ct)).ToList();
            await Task.Delay(200, Ct); // the callers are parked on the gate
            started = Stopwatch.GetTimestamp();
            go.SetResult();
            await Task.WhenAll(hammers);

            // From the start (the cold bucket's first use is after `started`): the k-th grant is never before its slot,
            // (k - instant) / rate on, so at most `instant` in the first instant, where a full bucket handed out the burst.
            // 2 ms covers the wall clock (Redis TIME) slewing against the Stopwatch, as in the two-instance test above.
            var sorted = grants.Order().ToArray();
            var at = sorted.Select(t => Stopwatch.GetElapsedTime(started, t).TotalSeconds).ToArray();
            for (var k = 1; k <= at.Length; k++)
            {
                Assert.True(k <= rate * (at[k - 1] + 0.002) + options.InstantBurst,
                    $"{replicas} cold instances: grant {k} at {at[k - 1]:0.000} s exceeds {rate}/s x t + {options.InstantBurst}");
            }

            // Any window, the first second's included: never more than the upstream allows, rate x window + burst.
            var worst = 0.0;
            for (var i = 0; i < at.Length; i++)
            {
                for (var j = i; j < at.Length && at[j] - at[i] <= 1.0; j++)
                {
                    var allowance = rate * (at[j] - at[i] + 0.002) + burst;
                    worst = Math.Max(worst, (j - i + 1) - allowance);
                    Assert.True(j - i + 1 <= allowance,
                        $"{replicas} cold instances: {j - i + 1} grants within {(at[j] - at[i]) * 1000:0.0} ms from {at[i]:0.000} s exceed {rate}/s x window + {burst}");
                }
            }

            Assert.True(limiters.All(l => !l.IsFallbackActive && l.FallbackCount == 0), "a limiter fell back to its local bucket");
            Assert.True(sorted.Length >= replicas, $"only {sorted.Length} grants");
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{replicas} cold limiters: {sorted.Length} grants in {at[^1]:0.00} s at {rate}/s burst {burst} instant {options.InstantBurst}; "
                + $"first {string.Join(", ", at.Take(4).Select(t => (t * 1000).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))} ms; "
                + $"closest window {worst:0.00} grants below its allowance");
            foreach (var limiter in limiters)
            {
                limiter.Dispose();
            }
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AcquireAsync_RequestHeldBeforeTheScriptRuns_GrantNeverBeforeItsSlot()
    {
        redis.EnsureAvailable();
        // Rate 2/s, burst 1: the second slot is 500 ms after the bucket's first use, which is after `started`.
        await using var connection = await RateLimiters.ConnectAsync(redis.ConnectionString);
        await using var admin = await RateLimiters.ConnectAsync(redis.ConnectionString);
        using var limiter = RateLimiters.Create(connection, RateLimiters.Options(redis, rate: 2, burst: 1));
        var started = Stopwatch.GetTimestamp();
        Assert.True((await limiter.AcquireAsync(1, Ct)).IsAcquired);

        // A real delay on the request's way in (what a loaded host or a busy server does): Redis holds every client's
        // commands for 300 ms, so the script runs ~300 ms after the request left and answers "200 ms to your slot".
        // Counted from the departure, that wait has already passed and the grant would come ~200 ms early.
        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "300", "ALL");
        var sent = Stopwatch.GetTimestamp();
        using var lease = await limiter.AcquireAsync(1, Ct);
        var grantedAt = Stopwatch.GetElapsedTime(started);

        Assert.True(lease.IsAcquired);
        Assert.True(Stopwatch.GetElapsedTime(sent) >= TimeSpan.FromMilliseconds(250), "the pause did not hold the request");
        // No slack: the wait is counted from the reply's arrival, and every sleep re-checks the clock, so never early.
        Assert.True(grantedAt >= TimeSpan.FromMilliseconds(500), $"second grant at {grantedAt.TotalMilliseconds:0.0} ms, before its slot at 500 ms");
    }

    [Fact]
    public async Task AcquireAsync_Uncontended_LatencyIsReported()
    {
        redis.EnsureAvailable();
        using var limiter = RateLimiters.Create(redis.Multiplexer, RateLimiters.Options(redis, rate: 100_000, burst: 100_000));
        var samples = new double[2000];
        for (var i = 0; i < 200; i++)
        {
            await limiter.AcquireAsync(1, Ct); // warm-up: script load, JIT
        }

        for (var i = 0; i < samples.Length; i++)
        {
            var t = Stopwatch.GetTimestamp();
            using var lease = await limiter.AcquireAsync(1, Ct);
            samples[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            Assert.True(lease.IsAcquired);
        }

        Array.Sort(samples);
        var p50 = samples[samples.Length / 2];
        var p99 = samples[(int)(samples.Length * 0.99)];
        TestContext.Current.TestOutputHelper?.WriteLine($"limiter acquire (no wait) over local Redis: p50 {p50:0.000} ms, p99 {p99:0.000} ms");
        Assert.True(p50 > 0);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
        while (!condition())
        {
            Assert.True(Stopwatch.GetTimestamp() < deadline, "condition not met within 10 s");
            await Task.Delay(10, Ct);
        }
    }
}
