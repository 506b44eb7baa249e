using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StockData.Core;
using StockData.Pipeline.Daemon;

namespace StockData.UnitTests.Daemon;

/// <summary>The refresh policy on a fake clock: New York, London and Tokyo symbols, DST, session ends, backoff.</summary>
public sealed class RefreshScheduleTests
{
    private static readonly BarInterval Daily = BarInterval.Daily;

    private static (RefreshSchedule Schedule, FakeTimeProvider Time) CreateSut(string utcNow, DaemonOptions? options = null)
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse(utcNow, System.Globalization.CultureInfo.InvariantCulture));
        return (new RefreshSchedule(Options.Create(options ?? new DaemonOptions()), time), time);
    }

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    // Friday 2026-11-27 after the close: Monday 01:00 local. New York is UTC-5 in November, London UTC+0, Tokyo UTC+9.
    [InlineData("America/New_York", "2026-11-27T22:00:00Z", "2026-11-30T06:00:00Z")]
    [InlineData("Europe/London", "2026-11-27T22:00:00Z", "2026-11-30T01:00:00Z")]
    [InlineData("Asia/Tokyo", "2026-11-27T22:00:00Z", "2026-11-29T16:00:00Z")]
    // Tuesday evening: Wednesday 01:00 local.
    [InlineData("America/New_York", "2026-11-24T23:00:00Z", "2026-11-25T06:00:00Z")]
    [InlineData("Europe/London", "2026-11-24T23:00:00Z", "2026-11-25T01:00:00Z")]
    // Tuesday 23:00 UTC is already Wednesday 08:00 in Tokyo: Thursday 01:00 JST.
    [InlineData("Asia/Tokyo", "2026-11-24T23:00:00Z", "2026-11-25T16:00:00Z")]
    // Summer time: New York UTC-4, London UTC+1 (Friday 2026-07-10 evening → Monday 2026-07-13).
    [InlineData("America/New_York", "2026-07-10T21:00:00Z", "2026-07-13T05:00:00Z")]
    [InlineData("Europe/London", "2026-07-10T21:00:00Z", "2026-07-13T00:00:00Z")]
    [InlineData("Asia/Tokyo", "2026-07-10T21:00:00Z", "2026-07-12T16:00:00Z")]
    // Saturday and Sunday: Monday.
    [InlineData("America/New_York", "2026-11-28T12:00:00Z", "2026-11-30T06:00:00Z")]
    [InlineData("Europe/London", "2026-11-29T23:30:00Z", "2026-11-30T01:00:00Z")]
    public void AfterSuccess_SessionEndPassed_OneAmNextWeekdayInTheExchangeZone(string zone, string now, string expected)
    {
        var (schedule, _) = CreateSut(now);

        var next = schedule.AfterSuccess(Daily, Utc(now).AddHours(-2), zone);

        Assert.Equal(Utc(expected), next);
    }

    [Theory]
    [InlineData("America/New_York", "2026-11-27T19:00:00Z", "2026-11-27T21:00:00Z")]
    [InlineData("Europe/London", "2026-11-27T10:00:00Z", "2026-11-27T16:30:00Z")]
    [InlineData("Asia/Tokyo", "2026-11-27T01:00:00Z", "2026-11-27T06:30:00Z")]
    public void AfterSuccess_SessionStillAhead_ItsEndPlusTheDelay(string zone, string now, string sessionEnd)
    {
        var (schedule, _) = CreateSut(now);

        var next = schedule.AfterSuccess(Daily, Utc(sessionEnd), zone);

        Assert.Equal(Utc(sessionEnd) + TimeSpan.FromMinutes(30), next);
    }

    [Fact]
    public void AfterSuccess_SessionEndedLessThanTheDelayAgo_StillItsEndPlusTheDelay()
    {
        // 21:10 New York close at 21:00Z: the final bar settles by 21:30Z.
        var (schedule, _) = CreateSut("2026-11-27T21:10:00Z");

        Assert.Equal(Utc("2026-11-27T21:30:00Z"), schedule.AfterSuccess(Daily, Utc("2026-11-27T21:00:00Z"), "America/New_York"));
    }

    [Fact]
    public void AfterSuccess_NoMetadataNoZone_OneAmUtcNextWeekday()
    {
        var (schedule, _) = CreateSut("2026-11-27T22:00:00Z");

        Assert.Equal(Utc("2026-11-30T01:00:00Z"), schedule.AfterSuccess(Daily, null, null));
        Assert.Equal(Utc("2026-11-30T01:00:00Z"), schedule.AfterSuccess(Daily, null, "Not/AZone"));
    }

    [Fact]
    public void AfterSuccess_BeforeOneAmOnAWeekday_TheSameDay()
    {
        // 00:30 London on Tuesday: 01:00 the same day is the next weekday 01:00.
        var (schedule, _) = CreateSut("2026-11-24T00:30:00Z");

        Assert.Equal(Utc("2026-11-24T01:00:00Z"), schedule.AfterSuccess(Daily, null, "Europe/London"));
    }

    [Fact]
    public void AfterSuccess_ConfiguredDelayAndFallbackTime_Used()
    {
        var options = new DaemonOptions { DailyRefreshDelay = TimeSpan.FromMinutes(45), DailyFallbackTime = new TimeSpan(2, 30, 0) };
        var (schedule, _) = CreateSut("2026-11-27T20:00:00Z", options);

        Assert.Equal(Utc("2026-11-27T21:45:00Z"), schedule.AfterSuccess(Daily, Utc("2026-11-27T21:00:00Z"), "America/New_York"));
        Assert.Equal(Utc("2026-11-30T07:30:00Z"), schedule.AfterSuccess(Daily, null, "America/New_York"));
    }

    [Fact]
    public void AfterSuccess_WeeklyBars_FollowTheDailyPolicy()
    {
        var (schedule, _) = CreateSut("2026-11-27T22:00:00Z");

        Assert.Equal(Utc("2026-11-30T06:00:00Z"), schedule.AfterSuccess(BarInterval.Parse("1wk"), null, "America/New_York"));
    }

    [Theory]
    [InlineData("5m")]
    [InlineData("1h")]
    public void AfterSuccess_Intraday_EveryConfiguredInterval(string token)
    {
        var (schedule, time) = CreateSut("2026-11-27T15:00:00Z", new DaemonOptions { IntradayRefreshInterval = TimeSpan.FromMinutes(10) });

        Assert.Equal(time.GetUtcNow().AddMinutes(10), schedule.AfterSuccess(BarInterval.Parse(token), Utc("2026-11-27T21:00:00Z"), "America/New_York"));
    }

    [Fact]
    public void AfterFailure_DoublesPerFailure_UpToTheCap()
    {
        var (schedule, time) = CreateSut("2026-11-27T15:00:00Z",
            new DaemonOptions { FailureBackoffBase = TimeSpan.FromMinutes(5), FailureBackoffMax = TimeSpan.FromHours(1) });
        var now = time.GetUtcNow();

        Assert.Equal(now.AddMinutes(5), schedule.AfterFailure(0));
        Assert.Equal(now.AddMinutes(5), schedule.AfterFailure(1));
        Assert.Equal(now.AddMinutes(10), schedule.AfterFailure(2));
        Assert.Equal(now.AddMinutes(40), schedule.AfterFailure(4));
        Assert.Equal(now.AddHours(1), schedule.AfterFailure(5));
        Assert.Equal(now.AddHours(1), schedule.AfterFailure(int.MaxValue));
    }

    [Fact]
    public void AfterNotFound_TheConfiguredRetry()
    {
        var (schedule, time) = CreateSut("2026-11-27T15:00:00Z");

        Assert.Equal(time.GetUtcNow().AddDays(7), schedule.AfterNotFound());
    }

    [Fact]
    public void NextWeekdayAt_SpringForwardGap_MovesPastIt()
    {
        // Real exchange zones change their clocks on Sundays; this one springs forward at 02:00 on Monday 2026-03-09,
        // so 02:30 local does not exist on that weekday.
        var zone = TimeZoneInfo.CreateCustomTimeZone("Test/MondayDst", TimeSpan.Zero, "test", "test", "test-dst",
        [
            TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(new DateTime(2026, 1, 1), new DateTime(2026, 12, 31), TimeSpan.FromHours(1),
                TimeZoneInfo.TransitionTime.CreateFixedDateRule(new DateTime(1, 1, 1, 2, 0, 0), 3, 9),
                TimeZoneInfo.TransitionTime.CreateFixedDateRule(new DateTime(1, 1, 1, 2, 0, 0), 10, 26)),
        ]);

        var next = RefreshSchedule.NextWeekdayAt(Utc("2026-03-08T12:00:00Z"), zone, new TimeSpan(2, 30, 0));

        // 02:30 on Monday 2026-03-09 is in the gap (02:00 → 03:00): 03:00 local, UTC+1.
        Assert.Equal(Utc("2026-03-09T02:00:00Z"), next);
    }
}
