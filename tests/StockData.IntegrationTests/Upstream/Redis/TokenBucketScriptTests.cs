using System.Diagnostics;
using StackExchange.Redis;
using StockData.IntegrationTests.Infrastructure;
using StockData.Upstream.Redis;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Upstream.Redis;

/// <summary>
/// The Lua semantics of the shared bucket, called directly: burst, refusal, reservation order, expiry.
/// A slow rate (one permit per 2 s) keeps the outcomes exact even when the machine stalls a test for a second: these
/// tests never sleep for a slot.
/// </summary>
[Collection(ProcessCollection.Name)] // asserts wall-clock delays: no parallel class may load the machine
public sealed class TokenBucketScriptTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const int Burst = 3;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task FullBucket_GrantsTheBurstWithoutDelay_ThenReservesOneIntervalApart()
    {
        redis.EnsureAvailable();
        var keys = NewKeys();

        // Each reply's delay plus the server time elapsed since the first call is the slot's offset, (k - burst) intervals:
        // the server's "now" for call k lies between this call's send and the first call's receive (or vice versa).
        var first = Stopwatch.GetTimestamp();
        var firstDone = 0L;
        for (var k = 1; k <= 10; k++)
        {
            var sent = Stopwatch.GetTimestamp();
            var reply = await EvaluateAsync(keys, permits: 1, maxWait: TimeSpan.FromSeconds(30));
            var received = Stopwatch.GetTimestamp();
            if (k == 1)
            {
                firstDone = received;
            }

            Assert.True(reply.Granted, $"call {k} refused");
            var slot = Interval * Math.Max(0, k - Burst);
            var serverElapsedMin = k == 1 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(firstDone, sent);
            var serverElapsedMax = Stopwatch.GetElapsedTime(first, received);
            if (k <= Burst)
            {
                Assert.Equal(TimeSpan.Zero, reply.Delay);
            }
            else
            {
                var tolerance = TimeSpan.FromMilliseconds(1);
                Assert.InRange(reply.Delay, slot - serverElapsedMax - tolerance, slot - serverElapsedMin + tolerance);
            }

            Assert.InRange(reply.Available, Burst - k, Burst - k + (int)(serverElapsedMax / Interval)); // refill while calls ran
        }
    }

    [Fact]
    public async Task ColdBucket_HoldsOnlyTheInstantBurst_TheRestOfTheBurstIsNeverReadyAtOnce()
    {
        redis.EnsureAvailable();
        var keys = NewKeys();

        // A bucket never used (a fleet starting cold): one permit at once, the next a whole interval on, though the
        // burst is 3. The two permits the bucket does not spend stay the upstream's margin for early arrivals.
        var asked = await EvaluateAsync(keys, permits: 0, TimeSpan.Zero, instant: 1);
        var first = await EvaluateAsync(keys, permits: 1, TimeSpan.Zero, instant: 1);
        var second = await EvaluateAsync(keys, permits: 1, TimeSpan.Zero, instant: 1);
        var queued = await EvaluateAsync(keys, permits: 1, TimeSpan.FromSeconds(30), instant: 1);

        Assert.True(asked.Granted);
        Assert.Equal(1, asked.Available);
        Assert.True(first.Granted);
        Assert.Equal(TimeSpan.Zero, first.Delay);
        Assert.Equal(0, first.Available);
        Assert.False(second.Granted, "a second permit was ready at once in a cold bucket with an instant burst of 1");
        Assert.True(queued.Granted);
        Assert.InRange(queued.Delay, Interval - TimeSpan.FromMilliseconds(500), Interval); // less the server time since `first`

        // An instant burst of 2 of 3: two at once, the third refused.
        var other = NewKeys();
        Assert.True((await EvaluateAsync(other, 1, TimeSpan.Zero, instant: 2)).Granted);
        Assert.True((await EvaluateAsync(other, 1, TimeSpan.Zero, instant: 2)).Granted);
        Assert.False((await EvaluateAsync(other, 1, TimeSpan.Zero, instant: 2)).Granted);
    }

    [Fact]
    public async Task SlotBeyondMaxWait_IsRefusedWithTheDelay_AndWritesNothing()
    {
        redis.EnsureAvailable();
        var keys = NewKeys();
        var maxWait = TimeSpan.FromSeconds(4.5);
        for (var k = 0; k < Burst + 2; k++)
        {
            Assert.True((await EvaluateAsync(keys, 1, maxWait)).Granted); // slots at 0, 0, 0, 2 s, 4 s
        }

        var tatBefore = (string?)await redis.Multiplexer.GetDatabase().StringGetAsync(keys.Bucket);
        var refused = await EvaluateAsync(keys, 1, maxWait); // would be 6 s ahead

        Assert.False(refused.Granted);
        Assert.InRange(refused.Delay, maxWait, TimeSpan.FromSeconds(6));
        Assert.Equal(tatBefore, (string?)await redis.Multiplexer.GetDatabase().StringGetAsync(keys.Bucket));

        // Refusals spend nothing: the next caller with a longer budget gets the very slot that was refused.
        var next = await EvaluateAsync(keys, 1, TimeSpan.FromSeconds(30));
        Assert.True(next.Granted);
        Assert.InRange(next.Delay, refused.Delay - TimeSpan.FromSeconds(1), refused.Delay);
    }

    [Fact]
    public async Task ZeroPermits_AnswersWhetherOneIsFree_WithoutSpendingIt()
    {
        redis.EnsureAvailable();
        var keys = NewKeys();

        Assert.True((await EvaluateAsync(keys, 0, TimeSpan.Zero)).Granted);
        Assert.False(await redis.Multiplexer.GetDatabase().KeyExistsAsync(keys.Bucket));
        for (var k = 0; k < Burst; k++)
        {
            Assert.True((await EvaluateAsync(keys, 1, TimeSpan.Zero)).Granted);
        }

        var empty = await EvaluateAsync(keys, 0, TimeSpan.Zero);
        Assert.False(empty.Granted);
        Assert.InRange(empty.Delay, TimeSpan.FromSeconds(1), Interval);
    }

    [Fact]
    public async Task BucketKey_ExpiresWhenTheBucketWouldBeFull()
    {
        redis.EnsureAvailable();
        var keys = NewKeys();
        var started = Stopwatch.GetTimestamp();
        for (var k = 0; k < 5; k++)
        {
            await EvaluateAsync(keys, 1, TimeSpan.FromSeconds(30));
        }

        var ttl = await redis.Multiplexer.GetDatabase().KeyTimeToLiveAsync(keys.Bucket);
        var elapsed = Stopwatch.GetElapsedTime(started);

        // Five permits from a full bucket: TAT = first call + 5 intervals, so full again 10 s after the first call.
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, Interval * 5 - elapsed - TimeSpan.FromMilliseconds(2), Interval * 5 + TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task ExpiredKey_ReadsAsAFullBucket()
    {
        redis.EnsureAvailable();
        var keys = NewKeys();
        var fast = TimeSpan.FromMilliseconds(50); // 20/s, burst 2: full again 100 ms after two grants
        Assert.True((await EvaluateAsync(keys, 1, TimeSpan.Zero, fast, burst: 2)).Granted);
        Assert.True((await EvaluateAsync(keys, 1, TimeSpan.Zero, fast, burst: 2)).Granted);
        Assert.False((await EvaluateAsync(keys, 1, TimeSpan.Zero, fast, burst: 2)).Granted);

        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 5;
        while (await redis.Multiplexer.GetDatabase().KeyExistsAsync(keys.Bucket))
        {
            Assert.True(Stopwatch.GetTimestamp() < deadline, "the bucket key never expired");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        var again = await EvaluateAsync(keys, 1, TimeSpan.Zero, fast, burst: 2);
        Assert.True(again.Granted);
        Assert.Equal(1, again.Available);
    }

    [Fact]
    public async Task Keys_ShareOneClusterSlot_AndEgressScopesAreIndependent()
    {
        redis.EnsureAvailable();
        var upstream = "u" + Guid.NewGuid().ToString("N")[..10];
        var a = new RateLimitKeys(new RateLimitOptions { KeyPrefix = redis.KeyPrefix, Upstream = upstream, EgressId = "10.0.0.1" });
        var b = new RateLimitKeys(new RateLimitOptions { KeyPrefix = redis.KeyPrefix, Upstream = upstream, EgressId = "10.0.0.2" });

        var slot = redis.Multiplexer.HashSlot(a.Bucket);
        Assert.Equal(slot, redis.Multiplexer.HashSlot(a.Cooldown));
        Assert.Equal(slot, redis.Multiplexer.HashSlot(a.Strikes));
        Assert.Equal(slot, redis.Multiplexer.HashSlot(a.Ramp));

        for (var k = 0; k < Burst; k++)
        {
            Assert.True((await EvaluateAsync(a, 1, TimeSpan.Zero)).Granted);
        }

        Assert.False((await EvaluateAsync(a, 1, TimeSpan.Zero)).Granted);
        Assert.True((await EvaluateAsync(b, 1, TimeSpan.Zero)).Granted);
    }

    [Fact]
    public async Task ColdStartRamp_FirstGrantAtOnce_ThenSlotsWiderThanTheInterval_ShrinkingToItByTheRampsEnd()
    {
        redis.EnsureAvailable();
        var keys = NewKeys();
        var interval = TimeSpan.FromMilliseconds(100);
        var ramp = TimeSpan.FromSeconds(60); // far longer than the test: the spacing stays near twice the interval

        // Reserved back to back (no sleeping), each reply's delay is its slot's distance from now: the slots' spacing is
        // the difference of consecutive delays plus the time between the calls, which only makes a measured gap larger.
        var delays = new List<TimeSpan>();
        var started = Stopwatch.GetTimestamp();
        for (var k = 0; k < 6; k++)
        {
            var reply = await EvaluateAsync(keys, 1, TimeSpan.FromSeconds(30), interval, burst: 2, instant: 1, ramp: ramp);
            Assert.True(reply.Granted);
            delays.Add(reply.Delay);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        Assert.Equal(TimeSpan.Zero, delays[0]); // a cold start is not delayed, only spaced
        var rampStarted = await redis.Multiplexer.GetDatabase().StringGetAsync(keys.Ramp);
        Assert.True(rampStarted.HasValue, "no ramp recorded for the cold start");
        for (var k = 2; k < delays.Count; k++)
        {
            // Within the first minute of a 60 s ramp the spacing is between 1.95 and 2 intervals (minus the calls' time).
            var gap = delays[k] - delays[k - 1];
            Assert.InRange(gap, (interval * 1.95) - elapsed, interval * 2 + TimeSpan.FromMilliseconds(1));
        }

        // Without a ramp the same calls on a fresh bucket are one interval apart.
        var plain = NewKeys();
        var plainDelays = new List<TimeSpan>();
        for (var k = 0; k < 4; k++)
        {
            plainDelays.Add((await EvaluateAsync(plain, 1, TimeSpan.FromSeconds(30), interval, burst: 2, instant: 1)).Delay);
        }

        Assert.InRange(plainDelays[3] - plainDelays[2], interval - Stopwatch.GetElapsedTime(started), interval + TimeSpan.FromMilliseconds(1));
        Assert.False((await redis.Multiplexer.GetDatabase().StringGetAsync(plain.Ramp)).HasValue);
    }

    [Fact]
    public async Task ColdStartRamp_EndsAfterItsDuration_ThenSlotsAreOneIntervalApart()
    {
        redis.EnsureAvailable();
        var keys = NewKeys();
        var interval = TimeSpan.FromMilliseconds(100);
        var ramp = TimeSpan.FromMilliseconds(300);
        Assert.True((await EvaluateAsync(keys, 1, TimeSpan.FromSeconds(30), interval, burst: 2, instant: 1, ramp: ramp)).Granted);

        // Keep the bucket busy (a reservation far ahead) so its key does not expire, and wait out the ramp.
        Assert.True((await EvaluateAsync(keys, 20, TimeSpan.FromSeconds(30), interval, burst: 2, instant: 1, ramp: ramp)).Granted);
        await Task.Delay(ramp + TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken);
        var a = await EvaluateAsync(keys, 1, TimeSpan.FromSeconds(30), interval, burst: 2, instant: 1, ramp: ramp);
        var b = await EvaluateAsync(keys, 1, TimeSpan.FromSeconds(30), interval, burst: 2, instant: 1, ramp: ramp);
        Assert.InRange(b.Delay - a.Delay, interval - TimeSpan.FromMilliseconds(50), interval + TimeSpan.FromMilliseconds(1));
    }

    private RateLimitKeys NewKeys() =>
        new(new RateLimitOptions { KeyPrefix = redis.KeyPrefix, Upstream = "u" + Guid.NewGuid().ToString("N")[..10] });

    private async Task<TokenBucketReply> EvaluateAsync(RateLimitKeys keys, int permits, TimeSpan maxWait, TimeSpan? interval = null,
        int burst = Burst, int? instant = null, TimeSpan? ramp = null)
    {
        // Without the instant burst (the script's default) the whole burst is ready at once, as these tests assert;
        // without a ramp, no cold-start spacing.
        RedisValue[] arguments = (instant, ramp) switch
        {
            ({ } ready, { } r) => [(interval ?? Interval).TotalMicroseconds, burst, permits, (long)maxWait.TotalMicroseconds, ready, (long)r.TotalMicroseconds],
            ({ } ready, null) => [(interval ?? Interval).TotalMicroseconds, burst, permits, (long)maxWait.TotalMicroseconds, ready],
            _ => [(interval ?? Interval).TotalMicroseconds, burst, permits, (long)maxWait.TotalMicroseconds],
        };
        var result = await redis.Multiplexer.GetDatabase().ScriptEvaluateAsync(LuaScripts.TokenBucket,
            [keys.Bucket, keys.Cooldown, keys.Strikes, keys.Ramp], arguments);
        return TokenBucketReply.Parse(result);
    }
}
