using DotNet.Testcontainers.Containers;

namespace StockData.TestSupport;

/// <summary>
/// A real server for tests: the environment variable wins (CI and the test script set it); otherwise Testcontainers
/// (for people with Docker). With CI=true (or STOCKDATA_TEST_REQUIRE=1) a missing server fails the run; on a
/// laptop without either, the tests that need it are skipped with the reason.
/// </summary>
public abstract class ExternalOrContainerFixture : IAsyncLifetime
{
    private readonly string _envVar;
    private IContainer? _container;

    protected ExternalOrContainerFixture(string envVar) => _envVar = envVar;

    /// <summary>The server's connection string (the variable's value, or the container's).</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>Why the tests are skipped; null when a server is there.</summary>
    public string? SkipReason { get; protected set; }

    public static bool MustHaveServers =>
        Environment.GetEnvironmentVariable("CI") is "true" or "1" || Environment.GetEnvironmentVariable("STOCKDATA_TEST_REQUIRE") == "1";

    /// <summary>Call first in each test: skips (laptop) when no server could be had.</summary>
    public void EnsureAvailable()
    {
        if (SkipReason is not null)
        {
            Assert.Skip(SkipReason);
        }
    }

    protected abstract IContainer BuildContainer();

    protected abstract string ContainerConnectionString(IContainer container);

    protected virtual Task OnStartedAsync() => Task.CompletedTask;

    protected virtual Task OnStoppingAsync() => Task.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable(_envVar);
        if (!string.IsNullOrWhiteSpace(external))
        {
            ConnectionString = external;
        }
        else
        {
            try
            {
                // Build() itself throws DockerUnavailableException without a Docker engine.
                _container = BuildContainer();
                await _container.StartAsync();
                ConnectionString = ContainerConnectionString(_container);
            }
            catch (Exception ex)
            {
                var message = $"{_envVar} is not set and Testcontainers could not start a container (no Docker engine?). " +
                              $"Set {_envVar} to a running server, or run the test command in the README (it starts one). " +
                              $"Inner: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}";
                if (MustHaveServers)
                {
                    throw new InvalidOperationException(message, ex);
                }

                SkipReason = message;
                return;
            }
        }

        await OnStartedAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (SkipReason is null)
        {
            await OnStoppingAsync();
        }

        if (_container is not null)
        {
            await _container.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
