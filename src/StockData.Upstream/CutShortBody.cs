using StockData.Yahoo.Client;

namespace StockData.Upstream;

/// <summary>
/// A 2xx chart body that stops before its end: a JSON object whose last non-blank byte is not its closing brace. An
/// upstream or a proxy that cuts a body short (the simulator's <c>--fault-truncate</c>) does so at random: asking
/// again is the cure, so the fetch retries it like a 5xx, and the cache never keeps it. A check of the last byte costs
/// nothing; a body cut exactly after an inner brace slips through to the parser, which calls it malformed (R14).
/// </summary>
public static class CutShortBody
{
    public static bool Is(YahooResponse response)
    {
        if (!response.IsSuccessStatusCode)
        {
            return false;
        }

        var body = response.Body.Span.Trim(" \t\r\n"u8);
        return body.Length > 0 && body[0] == (byte)'{' && body[^1] != (byte)'}';
    }
}
