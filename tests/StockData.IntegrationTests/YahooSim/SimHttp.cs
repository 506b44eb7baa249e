using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace StockData.IntegrationTests.YahooSim;

/// <summary>
/// Plain HTTP against the simulator, as an independent client would speak to Yahoo: no cookie jar, no redirects followed,
/// every cookie sent by hand. Optionally bound to another loopback source address (127.0.0.2, …) to be another client.
/// </summary>
internal sealed class SimHttp : IDisposable
{
    private readonly HttpClient _http;

    public SimHttp(Uri baseUrl, IPAddress? source = null)
    {
        BaseUrl = baseUrl;
        var handler = new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false };
        if (source is not null)
        {
            handler.ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, token);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseUrl { get; }

    public async Task<HttpResponseMessage> GetAsync(string pathAndQuery, string? cookie = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUrl, pathAndQuery));
        if (cookie is not null)
        {
            message.Headers.TryAddWithoutValidation("Cookie", cookie);
        }

        var response = await _http.SendAsync(message);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    public async Task<HttpResponseMessage> PostFormAsync(Uri target, IEnumerable<KeyValuePair<string, string>> form, string? cookie = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, target) { Content = new FormUrlEncodedContent(form) };
        if (cookie is not null)
        {
            message.Headers.TryAddWithoutValidation("Cookie", cookie);
        }

        var response = await _http.SendAsync(message);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>The <c>name=value</c> of the Set-Cookie line for <paramref name="name"/>, and the whole line.</summary>
    public static (string Pair, string Line) Cookie(HttpResponseMessage response, string name)
    {
        var line = response.Headers.GetValues("Set-Cookie").Single(l => l.StartsWith(name + "=", StringComparison.Ordinal));
        return (line[..line.IndexOf(';', StringComparison.Ordinal)], line);
    }

    public static async Task<string> ErrorDescriptionAsync(HttpResponseMessage response, string envelope)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty(envelope).GetProperty("error");
        Assert.Equal("Unauthorized", error.GetProperty("code").GetString());
        return error.GetProperty("description").GetString()!;
    }

    public void Dispose() => _http.Dispose();
}
