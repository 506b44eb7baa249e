using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using StockData.Core;
using StockData.IntegrationTests.Infrastructure;
using StockData.Storage.Postgres;
using StockData.Storage.Postgres.Partitions;
using StockData.Storage.Postgres.Quality;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Storage.Postgres.Partitions;

/// <summary>
/// The writer's per-batch statements on intraday_bars plan only the partitions the batch can touch: the plan (with the
/// values bound, as the writer's unnamed statements are planned) names no other interval's partitions, and the same
/// statement with its pruning parameters widened names them, so the parameters are what leaves them out.
/// </summary>
public sealed class WriterPlanPruningTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset First = new(2041, 5, 10, 14, 30, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ResponseCheck_PlansOnlyTheBatchsMonthOfItsInterval()
    {
        postgres.EnsureAvailable();
        await using var scope = await ScopeWithMonthsAsync();
        var schemaSql = scope.Services.GetRequiredService<SchemaSql>();
        var bars = Enumerable.Range(0, 3).Select(i => new Bar(First.AddMinutes(i), DateOnly.FromDateTime(First.UtcDateTime), 1, 2, 0.5, 1.5, 1.4, 100));
        var batch = new WriteBatch([new FetchChunk(1, "AAA", BarInterval.Parse("1m"), false, 0, new BarSlice([.. bars]), true)]);
        var command = Assert.Single(ResponseCheck.Commands(schemaSql, batch, skipDaily: false, skipIntraday: false));

        var pruned = await PlannedPartitionsAsync(scope, command.CommandText, [.. command.Parameters.Cast<NpgsqlParameter>()]);
        var widened = await PlannedPartitionsAsync(scope, command.CommandText, [.. command.Parameters.Cast<NpgsqlParameter>()],
            (5, ArrayParameter.Of(IntradayPartitions.Intervals, NpgsqlDbType.Text)),
            (6, new NpgsqlParameter { Value = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc), NpgsqlDbType = NpgsqlDbType.TimestampTz }),
            (7, new NpgsqlParameter { Value = new DateTime(2200, 1, 1, 0, 0, 0, DateTimeKind.Utc), NpgsqlDbType = NpgsqlDbType.TimestampTz }));

        Assert.Equal(["intraday_bars_1m_2041_05"], pruned);
        Assert.Contains("intraday_bars_5m_2041_06", widened);
        Assert.True(widened.Count > pruned.Count * 10, $"{widened.Count} partitions planned without the pruning parameters");
    }

    [Fact]
    public async Task WatermarkRead_PlansOnlyTheCompletedIntervals()
    {
        postgres.EnsureAvailable();
        await using var scope = await ScopeWithMonthsAsync();
        var sql = scope.Services.GetRequiredService<SchemaSql>().Qualify(BarWriterSql.UpdateSymbolIntervals);
        // One 1m fetch completing, as PostgresBarWriter binds it.
        NpgsqlParameter[] parameters =
        [
            ArrayParameter.Of(new[] { "AAA" }, NpgsqlDbType.Text),
            ArrayParameter.Of(new[] { "1m" }, NpgsqlDbType.Text),
            ArrayParameter.Of(new[] { false }, NpgsqlDbType.Boolean),
            ArrayParameter.Of(new[] { true }, NpgsqlDbType.Boolean),
            ArrayParameter.Of(new[] { false }, NpgsqlDbType.Boolean),
            ArrayParameter.Of(new DateTime?[] { null }, NpgsqlDbType.TimestampTz),
            ArrayParameter.Of(new string?[] { null }, NpgsqlDbType.Text),
            ArrayParameter.Of(new[] { "1m" }, NpgsqlDbType.Text),
        ];

        var pruned = await PlannedPartitionsAsync(scope, sql, parameters);
        var widened = await PlannedPartitionsAsync(scope, sql, parameters, (7, ArrayParameter.Of(IntradayPartitions.Intervals, NpgsqlDbType.Text)));

        Assert.NotEmpty(pruned);
        Assert.All(pruned, name => Assert.StartsWith("intraday_bars_1m_", name, StringComparison.Ordinal));
        Assert.Contains("intraday_bars_5m_2041_05", widened);
        Assert.True(widened.Count >= pruned.Count * IntradayPartitions.Intervals.Count, $"{widened.Count} against {pruned.Count}");
    }

    /// <summary>A migrated schema with the months 2041-04 to 2041-06 of every interval.</summary>
    private async Task<WriterScope> ScopeWithMonthsAsync()
    {
        var scope = await WriterScope.CreateAsync(postgres);
        await scope.Services.GetRequiredService<IntradayPartitions>().EnsureAsync(First, 1, 1, new Dictionary<string, TimeSpan>(), Ct);
        return scope;
    }

    /// <summary>The intraday_bars partitions in the plan of <paramref name="sql"/> with its values bound (some replaced).</summary>
    private static async Task<List<string>> PlannedPartitionsAsync(WriterScope scope, string sql, IReadOnlyList<NpgsqlParameter> parameters,
        params (int Index, NpgsqlParameter Parameter)[] replaced)
    {
        await using var connection = await scope.OpenAsync();
        await using var command = new NpgsqlCommand("EXPLAIN (FORMAT JSON) " + sql, connection);
        for (var i = 0; i < parameters.Count; i++)
        {
            var replacement = replaced.FirstOrDefault(r => r.Index == i).Parameter;
            command.Parameters.Add(replacement ?? new NpgsqlParameter { Value = parameters[i].Value, NpgsqlDbType = parameters[i].NpgsqlDbType });
        }

        var plan = (string)(await command.ExecuteScalarAsync(Ct))!;
        var names = new List<string>();
        Collect(JsonDocument.Parse(plan).RootElement, names);
        return [.. names.Where(n => n.StartsWith("intraday_bars_", StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal)];
    }

    private static void Collect(JsonElement element, List<string> names)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == "Relation Name")
                {
                    names.Add(property.Value.GetString()!);
                }

                Collect(property.Value, names);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Collect(item, names);
            }
        }
    }
}
