using StockData.TestSupport;

namespace StockData.IntegrationTests.Yahoo;

/// <summary>One clean simulator (fixed clock, no null rows, no faults) shared by a test class.</summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    /// <summary>A Wednesday after the New York close (20:30Z = 16:30 EDT): today's bar is complete and stamped 20:00:01Z.</summary>
    public static readonly DateTimeOffset Now = new(2025, 10, 29, 20, 30, 0, TimeSpan.Zero);

    public static readonly string[] Arguments = ["--now", "2025-10-29T20:30:00Z", "--null-rows", "0"];

    private SimulatorProcess? _simulator;

    public SimulatorProcess Simulator => _simulator ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync() => _simulator = await SimulatorProcess.StartAsync(Arguments);

    public async ValueTask DisposeAsync()
    {
        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
        }
    }
}
