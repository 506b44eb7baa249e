using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using StockData.IntegrationTests.Daemon;
using StockData.IntegrationTests.Infrastructure;
using StockData.Pipeline.Cli;
using StockData.TestSupport;
using static StockData.IntegrationTests.Http.CatalogHttp;

namespace StockData.IntegrationTests.Http;

/// <summary>
/// <c>/openapi/v1.json</c> of a running worker describes every endpoint the worker's app maps. The endpoints are
/// enumerated from the app itself (the same <c>RunCommand.Build</c> the worker runs, built in this process and never
/// started), so an endpoint added later without a description fails here. Each operation has a summary, every error
/// answer is described as <c>application/problem+json</c>, and the keyed ones name the API key scheme and the 401.
/// The document itself is served without the key.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class OpenApiDocumentTests(PostgresFixture postgres, RedisFixture redis) : IClassFixture<PostgresFixture>, IClassFixture<RedisFixture>
{
    private const string ApiKey = "openapi-test-key-0123456789";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OpenApiDocument_DescribesEveryMappedEndpoint_WithProblemBodies_AndIsServedWithoutTheKey()
    {
        postgres.EnsureAvailable();
        redis.EnsureAvailable();
        var harness = new DaemonHarness(postgres, redis, null);
        var settings = new Dictionary<string, string?>(HttpOnly) { ["StockData__Http__ApiKey"] = ApiKey };
        var mapped = await MappedEndpointsAsync(harness.Environment("openapi", settings));
        await using var worker = await harness.StartWorkerAsync("openapi", settings);

        using var response = await worker.Http.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode} {text}");
        using var unkeyed = await worker.Http.GetAsync(new Uri("/symbols", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, unkeyed.StatusCode);
        var document = JsonDocument.Parse(text).RootElement;
        var paths = document.GetProperty("paths");
        var apiKey = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal(("apiKey", "X-Api-Key", "header"), (apiKey.GetProperty("type").GetString(), apiKey.GetProperty("name").GetString(), apiKey.GetProperty("in").GetString()));

        // The app maps at least the endpoints this test knows of; all of them are checked, whatever was added since.
        Assert.Superset(new HashSet<(string, string)>
        {
            ("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics"), ("POST", "/jobs"), ("GET", "/jobs/{id}"), ("GET", "/bars"),
            ("GET", "/bars/{symbol}"), ("GET", "/symbols"), ("GET", "/symbols/{symbol}"), ("GET", "/symbols/{symbol}/events"),
        }, mapped.Select(e => (e.Method, e.Path)).ToHashSet());
        var undocumented = mapped.Where(e => !(paths.TryGetProperty(e.Path, out var item) && item.TryGetProperty(e.Method.ToLowerInvariant(), out _))).ToList();
        Assert.True(undocumented.Count == 0, "not in /openapi/v1.json: " + string.Join(", ", undocumented));

        foreach (var (method, path, keyed) in mapped)
        {
            var operation = paths.GetProperty(path).GetProperty(method.ToLowerInvariant());
            var name = $"{method} {path}";
            Assert.True(operation.TryGetProperty("summary", out var summary) && summary.GetString()!.Length > 0, $"{name} has no summary");
            var responses = operation.GetProperty("responses").EnumerateObject().ToList();
            Assert.True(responses.Any(r => r.Name.StartsWith('2')), $"{name} has no success response");
            foreach (var error in responses.Where(r => r.Name[0] is '4' or '5' && path != "/readyz"))
            {
                Assert.True(error.Value.GetProperty("content").TryGetProperty("application/problem+json", out _), $"{name} {error.Name} is not problem+json");
            }

            Assert.Equal(keyed, operation.TryGetProperty("security", out var security) && security.GetArrayLength() > 0);
            Assert.Equal(keyed, responses.Any(r => r.Name == "401"));
        }

        // The parameters a handler reads itself are described too.
        var events = paths.GetProperty("/symbols/{symbol}/events").GetProperty("get");
        Assert.Superset(new HashSet<string> { "symbol", "types", "from", "to", "as_of", "limit", "cursor", "format" },
            events.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToHashSet());
        var coverage = paths.GetProperty("/symbols").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.True(coverage.TryGetProperty("text/csv", out _));
        Assert.True(coverage.GetProperty("application/json").TryGetProperty("schema", out _));

        var stopped = await worker.StopAsync(TimeSpan.FromMinutes(1));
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
    }

    /// <summary>
    /// Every (method, path, behind the API key) the worker's app maps, read from its endpoint data sources. The route of
    /// the OpenAPI document is named by the one document it serves.
    /// </summary>
    private static async Task<List<(string Method, string Path, bool Keyed)>> MappedEndpointsAsync(Dictionary<string, string?> environment)
    {
        var settings = environment.ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => p.Value);
        var app = RunCommand.Build(settings);
        await using (app)
        {
            var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().ToList();
            return endpoints.SelectMany(e =>
            {
                var path = "/" + e.RoutePattern.RawText!.TrimStart('/').Replace("{documentName}", "v1", StringComparison.Ordinal);
                var keyed = e.Metadata.OfType<Pipeline.Http.OpenApi.ApiKeyRequired>().Any();
                var methods = e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [HttpMethods.Get];
                return methods.Select(m => (m, path, keyed));
            }).Distinct().ToList();
        }
    }
}
