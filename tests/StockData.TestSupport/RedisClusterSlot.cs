using System.Text;

namespace StockData.TestSupport;

/// <summary>
/// A key's Redis Cluster hash slot as the cluster spec defines it: CRC16 (XMODEM) of the key, or of its hash tag (the
/// text between the first <c>{</c> and the next <c>}</c> when not empty), modulo 16384. Written out here so the tests
/// check the keys without a cluster; the cluster tests compare it with the server's own <c>CLUSTER KEYSLOT</c>.
/// </summary>
public static class RedisClusterSlot
{
    public const int Count = 16384;

    public static int Of(string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        var open = Array.IndexOf(bytes, (byte)'{');
        if (open >= 0)
        {
            var close = Array.IndexOf(bytes, (byte)'}', open + 1);
            if (close > open + 1)
            {
                return Crc16(bytes.AsSpan(open + 1, close - open - 1)) % Count;
            }
        }

        return Crc16(bytes) % Count;
    }

    /// <summary>CRC16-CCITT (XMODEM): polynomial 0x1021, initial value 0, no reflection; "123456789" gives 0x31C3.</summary>
    public static int Crc16(ReadOnlySpan<byte> data)
    {
        var crc = 0;
        foreach (var b in data)
        {
            crc ^= b << 8;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }

            crc &= 0xFFFF;
        }

        return crc;
    }
}
