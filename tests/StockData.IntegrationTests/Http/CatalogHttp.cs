using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using StockData.IntegrationTests.Daemon;

namespace StockData.IntegrationTests.Http;

/// <summary>Requests to a worker's catalog endpoints, and what the tests read from the answers.</summary>
internal static class CatalogHttp
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A replica that only serves HTTP: no claiming, no quality scan, so nothing but the requests moves.</summary>
    public static readonly Dictionary<string, string?> HttpOnly = new()
    {
        ["StockData__Daemon__Enabled"] = "false",
        ["StockData__Quality__Enabled"] = "false",
    };

    public static async Task<JsonElement> JsonAsync(WorkerProcess worker, string path)
    {
        using var response = await worker.Http.GetAsync(new Uri(path, UriKind.Relative), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode} {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A CSV answer's lines (header first) and its Link header (null when absent).</summary>
    public static async Task<(string[] Lines, string? Link)> CsvAsync(WorkerProcess worker, string path, bool byAccept = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (byAccept)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        }

        using var response = await worker.Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode} {text}");
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var link = response.Headers.TryGetValues("Link", out var values) ? values.Single() : null;
        return (text.TrimEnd('\n').Split('\n'), link);
    }

    /// <summary>A problem answer: its status, content type and <c>parameter</c> (null when it has none).</summary>
    public static async Task<(HttpStatusCode Status, string? ContentType, string? Parameter)> ProblemAsync(WorkerProcess worker, string path)
    {
        using var response = await worker.Http.GetAsync(new Uri(path, UriKind.Relative), Ct);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType,
            root.TryGetProperty("parameter", out var parameter) ? parameter.GetString() : null);
    }

    /// <summary>The path and query of a Link rel=next header.</summary>
    public static string NextPath(string link)
    {
        Assert.EndsWith(">; rel=\"next\"", link, StringComparison.Ordinal);
        return link[1..link.IndexOf('>', StringComparison.Ordinal)];
    }
}
