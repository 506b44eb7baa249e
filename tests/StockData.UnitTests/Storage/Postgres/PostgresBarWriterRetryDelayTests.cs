using StockData.Storage.Postgres;

namespace StockData.UnitTests.Storage.Postgres;

/// <summary>The writer's retry delay is the shared doubling backoff with ±20 % jitter around it.</summary>
public sealed class PostgresBarWriterRetryDelayTests
{
    private static readonly TimeSpan Base = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(2);

    [Theory]
    [InlineData(1, 200)]
    [InlineData(2, 400)]
    [InlineData(3, 800)]
    [InlineData(4, 1600)]
    [InlineData(5, 2000)]
    [InlineData(40, 2000)]
    public void NoJitter_DoublesPerFailure_UpToTheMaximum(int failure, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), PostgresBarWriter.RetryDelay(Base, Max, failure, 0.5));

    [Fact]
    public void Jitter_StaysWithinTwentyPercentOfTheBackoff()
    {
        var backoff = TimeSpan.FromMilliseconds(800);

        Assert.Equal(backoff * 0.8, PostgresBarWriter.RetryDelay(Base, Max, 3, 0));
        Assert.True(PostgresBarWriter.RetryDelay(Base, Max, 3, 0.999_999) < backoff * 1.2);
        Assert.True(PostgresBarWriter.RetryDelay(Base, Max, 3, 0.999_999) > backoff * 1.19);
    }
}
