using System.IO.Compression;

namespace StockData.YahooSim.Chart;

/// <summary>A complete response: status, content type and the exact bytes (and their gzip form, made once on demand).</summary>
internal sealed record ChartBody(int Status, string ContentType, byte[] Bytes)
{
    public const string Json = "application/json;charset=utf-8";

    private byte[]? _gzip;

    /// <summary>
    /// The body gzip-compressed, as Yahoo serves it to clients that accept it. Computed once per body, so cached bodies
    /// (fixed clock) pay for compression once.
    /// </summary>
    public byte[] Gzip
    {
        get
        {
            if (_gzip is { } done)
            {
                return done;
            }

            using var output = new MemoryStream(Bytes.Length / 4 + 64);
            using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(Bytes);
            }

            return _gzip = output.ToArray();
        }
    }
}
