using StockData.Yahoo.Parsing;

namespace StockData.UnitTests.Yahoo.Parsing;

/// <summary>The per-year offset tables give the same local dates as <see cref="TimeZoneInfo.ConvertTime(DateTimeOffset, TimeZoneInfo)"/>.</summary>
public sealed class LocalDateCalculatorTests
{
    [Theory]
    [InlineData("America/New_York")]
    [InlineData("Europe/London")]
    [InlineData("Australia/Sydney")]
    [InlineData("Africa/Casablanca")]
    [InlineData("America/Sao_Paulo")]
    [InlineData("Asia/Kolkata")]
    [InlineData("Asia/Tokyo")]
    [InlineData("Pacific/Chatham")]
    [InlineData("UTC")]
    public void LocalDate_RandomInstants1900To2040_MatchesTimeZoneInfo(string id)
    {
        var zone = ExchangeZone.Find(id)!;
        var system = TimeZoneInfo.FindSystemTimeZoneById(id);
        var calculator = new LocalDateCalculator(zone);
        var random = new Random(id.Sum(c => c)); // string hash codes are randomised per process
        var from = new DateTimeOffset(1900, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var to = new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var mismatches = new List<string>();
        for (var i = 0; i < 20_000; i++)
        {
            var t = random.NextInt64(from, to);
            Check(ref calculator, system, t, mismatches);
        }

        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches.Take(10)));
    }

    [Theory]
    [InlineData("America/New_York", 2024)]
    [InlineData("Europe/London", 2024)]
    [InlineData("Australia/Sydney", 2023)]
    [InlineData("Africa/Casablanca", 2022)]
    public void LocalDate_EverySecondAroundEachTransition_MatchesTimeZoneInfo(string id, int year)
    {
        var zone = ExchangeZone.Find(id)!;
        var system = TimeZoneInfo.FindSystemTimeZoneById(id);
        var calculator = new LocalDateCalculator(zone);
        var mismatches = new List<string>();
        var start = new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var transitions = 0;
        for (var hour = start; hour < start + (366L * 86_400); hour += 3600)
        {
            if (system.GetUtcOffset(DateTimeOffset.FromUnixTimeSeconds(hour)) == system.GetUtcOffset(DateTimeOffset.FromUnixTimeSeconds(hour + 3600)))
            {
                continue;
            }

            transitions++;
            for (var t = hour; t <= hour + 3600; t++)
            {
                Check(ref calculator, system, t, mismatches);
            }
        }

        Assert.True(transitions >= 2, $"expected DST transitions in {id} {year}");
        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches.Take(10)));
    }

    [Fact]
    public void LocalDate_ExtremeYears_NoOverflow()
    {
        var calculator = new LocalDateCalculator(ExchangeZone.Find("America/New_York")!);

        Assert.Equal(new DateOnly(1, 1, 3), calculator.LocalDate(-62_135_596_800 + (2 * 86_400) + 43_200));
        Assert.Equal(new DateOnly(9999, 12, 29), calculator.LocalDate(253_402_300_799 - (2 * 86_400)));
    }

    [Fact]
    public void Find_UnknownZone_Null() => Assert.Null(ExchangeZone.Find("Not/A_Zone"));

    [Fact]
    public void Find_FixedZone_NoTableNeeded()
    {
        Assert.Equal(0, ExchangeZone.Find("UTC")!.FixedOffsetSeconds);
        Assert.Null(ExchangeZone.Find("America/New_York")!.FixedOffsetSeconds);
    }

    private static void Check(ref LocalDateCalculator calculator, TimeZoneInfo system, long t, List<string> mismatches)
    {
        var expected = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(t), system).DateTime);
        var actual = calculator.LocalDate(t);
        if (expected != actual)
        {
            mismatches.Add($"{t} ({DateTimeOffset.FromUnixTimeSeconds(t):u}): expected {expected}, got {actual}");
        }
    }
}
