using System.Net;
using System.Security.Cryptography;
using StockData.IntegrationTests.Infrastructure;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Yahoo;

/// <summary><c>--seed</c> across simulator processes: it picks the histories, and its default keeps the old ones.</summary>
[Collection(ProcessCollection.Name)]
public sealed class YahooSimulatorSeedTests
{
    private const string FixedNow = "2025-10-29T20:30:00Z";

    /// <summary>
    /// Queries (raw, so the bytes are exactly what is served) and the SHA-256 of what a process with only
    /// <c>--now 2025-10-29T20:30:00Z</c> answered before <c>--seed</c> existed (default null rows included). BTC-USD's was
    /// taken again when crypto's trading periods came to end at 23:59 and its long name became "Bitcoin USD", as Yahoo
    /// sends them: the same bars and prices, only those 34 period times and the name differ from the earlier body.
    /// </summary>
    private static readonly (string Symbol, string Query, string Sha256)[] Known =
    [
        ("AAPL", "range=10y&interval=1d&events=div%7Csplit%7CcapitalGains", "6f0af8aa66e5a9487958a526c6ece470a2dd414cbd27bd730664ac7013915676"),
        ("MSFT", "range=max&interval=1d&events=div%7Csplit", "67d72ebbdc77e3821f013465bebc7545ed63a68f8a36f17fb378588526d31935"),
        ("BTC-USD", "range=1mo&interval=1h", "9404bf87778b4dac4b3aac5d31d3a597e5803472081d895e672bb976c1d141df"),
        ("VOD.L", "range=10y&interval=1mo&events=div", "471194bcd00ff6033d8f9144b3fe5e9f7ddf023703dfd0d45c15120735c22526"),
    ];

    private static readonly HttpClient Http = new(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None });

    [Fact]
    public async Task Seed_SameSeedTwoProcesses_ByteIdentical_OtherSeedOtherHistory_DefaultUnchanged()
    {
        await using var first = await SimulatorProcess.StartAsync("--now", FixedNow, "--seed", "42");
        await using var second = await SimulatorProcess.StartAsync("--now", FixedNow, "--seed", "42");
        await using var unseeded = await SimulatorProcess.StartAsync("--now", FixedNow);

        foreach (var (symbol, query, sha256) in Known)
        {
            var a = await BytesAsync(first, symbol, query);
            var b = await BytesAsync(second, symbol, query);
            var old = await BytesAsync(unseeded, symbol, query);

            Assert.True(a.AsSpan().SequenceEqual(b), $"{symbol} {query}: same --seed and --now, different bytes");
            Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(old)));
            var seededChart = ChartJson.Parse(a);
            var oldChart = ChartJson.Parse(old);
            Assert.NotEqual(oldChart.Close, seededChart.Close);
        }
    }

    private static async Task<byte[]> BytesAsync(SimulatorProcess simulator, string symbol, string query)
    {
        using var response = await Http.GetAsync(simulator.Chart(symbol, query));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }
}
