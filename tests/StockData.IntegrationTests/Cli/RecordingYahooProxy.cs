using System.Net;
using StockData.TestSupport;

namespace StockData.IntegrationTests.Cli;

/// <summary>
/// A plain HTTP forwarder between a client and the simulator that writes down every cookie value the simulator sets and
/// every crumb getcrumb hands out, so a test knows the exact secrets its client was given (the simulator issues a new
/// session per visit, so a session the test obtained itself would hold other values).
/// </summary>
internal sealed class RecordingYahooProxy : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false });
    private readonly Uri _target;
    private readonly Task _loop;
    private readonly List<string> _cookieValues = [];
    private readonly List<string> _crumbs = [];

    public RecordingYahooProxy(Uri target)
    {
        _target = target;
        var port = LoopbackPorts.Free();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseUrl.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri BaseUrl { get; }

    public IReadOnlyList<string> CookieValues { get { lock (_cookieValues) { return [.. _cookieValues]; } } }

    public IReadOnlyList<string> Crumbs { get { lock (_crumbs) { return [.. _crumbs]; } } }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            await ForwardAsync(context);
        }
    }

    private async Task ForwardAsync(HttpListenerContext context)
    {
        var request = context.Request;
        using var message = new HttpRequestMessage(new HttpMethod(request.HttpMethod), new Uri(_target, request.RawUrl));
        foreach (var name in new[] { "Cookie", "User-Agent", "Accept" })
        {
            if (request.Headers[name] is { } value)
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (request.HasEntityBody)
        {
            using var body = new MemoryStream();
            await request.InputStream.CopyToAsync(body);
            message.Content = new ByteArrayContent(body.ToArray());
            message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        }

        using var response = await _upstream.SendAsync(message);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var output = context.Response;
        output.StatusCode = (int)response.StatusCode;
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var line in setCookies)
            {
                output.AppendHeader("Set-Cookie", line);
                var pair = line.Split(';')[0];
                var value = pair[(pair.IndexOf('=') + 1)..];
                if (value.Length > 0)
                {
                    lock (_cookieValues)
                    {
                        _cookieValues.Add(value);
                    }
                }
            }
        }

        if (response.Headers.Location is { } location)
        {
            // Absolute redirects to the simulator come back through the proxy.
            var resolved = location.IsAbsoluteUri ? location : new Uri(_target, location);
            output.AppendHeader("Location", new Uri(BaseUrl, resolved.PathAndQuery).ToString());
        }

        if (response.Headers.RetryAfter is { } retryAfter)
        {
            output.AppendHeader("Retry-After", retryAfter.ToString());
        }

        if (response.Content.Headers.ContentType is { } contentType)
        {
            output.ContentType = contentType.ToString();
        }

        if (request.Url!.AbsolutePath == "/v1/test/getcrumb" && response.StatusCode == HttpStatusCode.OK)
        {
            lock (_crumbs)
            {
                _crumbs.Add(System.Text.Encoding.UTF8.GetString(bytes).Trim());
            }
        }

        output.ContentLength64 = bytes.Length;
        await output.OutputStream.WriteAsync(bytes);
        output.Close();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
        _upstream.Dispose();
    }
}
