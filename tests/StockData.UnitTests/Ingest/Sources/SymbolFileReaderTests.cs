using System.Text;
using System.Text.RegularExpressions;
using StockData.Core;
using StockData.Ingest.Sources;

namespace StockData.UnitTests.Ingest.Sources;

public sealed partial class SymbolFileReaderTests
{
    [GeneratedRegex(@"^[A-Za-z0-9^.\-=_&]{1,32}$")]
    private static partial Regex SimpleSymbol();

    private static string? Validate(string symbol) => SimpleSymbol().IsMatch(symbol) ? null : $"invalid symbol '{symbol}'";

    private static async Task<List<SymbolLine>> Read(byte[] bytes)
    {
        var list = new List<SymbolLine>();
        await foreach (var line in SymbolFileReader.ReadAsync(new MemoryStream(bytes), "syms.txt", BarInterval.Daily, null, null, Validate))
        {
            list.Add(line);
        }

        return list;
    }

    private static Task<List<SymbolLine>> Read(string text) => Read(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Read_PlainList_CommentsBlanksDuplicates()
    {
        var lines = await Read("# universe\nAAPL\n\n  MSFT  # inline\nAAPL\r\nBRK-B\r\n^GSPC");

        Assert.All(lines, l => Assert.Null(l.Error));
        Assert.Equal(["AAPL", "MSFT", "BRK-B", "^GSPC"], lines.Select(l => l.Request!.Symbol));
        Assert.Equal([2, 4, 6, 7], lines.Select(l => l.LineNumber));
    }

    [Fact]
    public async Task Read_BadLines_ReportedAsFileLineReason_GoodLinesKept()
    {
        var lines = await Read("AAPL\n../etc/passwd\nA%2FB\n'; DROP TABLE bars;--\nMSFT\nАAPL\n");

        Assert.Equal(["AAPL", "MSFT"], lines.Where(l => l.Error is null).Select(l => l.Request!.Symbol));
        var errors = lines.Where(l => l.Error is not null).ToList();
        Assert.Equal([2, 3, 4, 6], errors.Select(e => e.LineNumber));
        Assert.StartsWith("syms.txt:2: invalid symbol", errors[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_LowerCase_UpperCasedAndDeduplicatedWithTheUpperCaseForm()
    {
        var lines = await Read("aapl\nAAPL\nbrk-b\n^gspc\n");

        Assert.Equal(["AAPL", "BRK-B", "^GSPC"], lines.Select(l => l.Request!.Symbol));
    }

    [Fact]
    public async Task Read_CsvLowerCase_UpperCased()
    {
        var lines = await Read("symbol,interval\nmsft,1d\nMSFT,1d\n");

        Assert.Equal(["MSFT"], lines.Select(l => l.Request!.Symbol));
    }

    [Fact]
    public async Task Read_BomAndCrlf_AreIgnored()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.ASCII.GetBytes("AAPL\r\nMSFT\r\n")).ToArray();

        var lines = await Read(bytes);

        Assert.Equal(["AAPL", "MSFT"], lines.Select(l => l.Request!.Symbol));
    }

    [Fact]
    public async Task Read_EmptyFile_NothingAndNoError() => Assert.Empty(await Read(""));

    [Fact]
    public async Task Read_OverlongLine_ReportedWithoutBufferingIt()
    {
        var lines = await Read("AAPL\n" + new string('X', 1_000_000) + "\nMSFT\n");

        Assert.Equal(3, lines.Count);
        Assert.Equal("line too long (over 256 bytes)", lines[1].Error);
        Assert.Equal("MSFT", lines[2].Request!.Symbol);
    }

    [Fact]
    public async Task Read_InvalidUtf8_Reported()
    {
        var lines = await Read(new byte[] { (byte)'A', 0xC3, 0x28, (byte)'\n', (byte)'M', (byte)'\n' });

        Assert.Equal("not valid UTF-8", lines[0].Error);
        Assert.Equal("M", lines[1].Request!.Symbol);
    }

    [Fact]
    public async Task Read_Csv_ColumnsByHeader()
    {
        var lines = await Read("symbol,interval,from,to\nAAPL,1d,2020-01-01,2021-01-01\nMSFT,,,\nTSLA,5m\nBAD,7x\nX,1d,yesterday\nY,1d,2021-01-01,2020-01-01\nA,1d,,,extra\n");

        var ok = lines.Where(l => l.Error is null).Select(l => l.Request!).ToList();
        Assert.Equal(["AAPL", "MSFT", "TSLA"], ok.Select(r => r.Symbol));
        Assert.Equal(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), ok[0].From);
        Assert.Equal("5m", ok[2].Interval.Token);
        Assert.Equal("1d", ok[1].Interval.Token);
        var errors = lines.Where(l => l.Error is not null).Select(l => l.Error!).ToList();
        Assert.Equal(4, errors.Count);
        Assert.Contains("unknown interval '7x'", errors[0], StringComparison.Ordinal);
        Assert.Contains("from: 'yesterday'", errors[1], StringComparison.Ordinal);
        Assert.Contains("from must be before to", errors[2], StringComparison.Ordinal);
        Assert.Contains("5 fields", errors[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_CsvUnknownColumn_OneErrorNoRows()
    {
        var lines = await Read("symbol,price\nAAPL,1\n");

        var only = Assert.Single(lines);
        Assert.Contains("unknown CSV column 'price'", only.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_MillionLines_StreamsWithBoundedMemory()
    {
        // 1,000 valid symbols repeated among garbage, ~1M lines, generated lazily: the reader never holds the file.
        var stream = new GeneratedStream(1_000_000);
        var valid = 0;
        var errors = 0;
        var before = GC.GetTotalMemory(forceFullCollection: true);
        await foreach (var line in SymbolFileReader.ReadAsync(stream, "big.txt", BarInterval.Daily, null, null, Validate))
        {
            if (line.Error is null)
            {
                valid++;
            }
            else
            {
                errors++;
            }
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.Equal(1000, valid);
        Assert.Equal(500_000, errors);
        Assert.True(after - before < 16 * 1024 * 1024, $"retained {after - before} bytes");
    }

    /// <summary>Lines: even = symbol S{i % 1000}, odd = garbage; produced on demand.</summary>
    private sealed class GeneratedStream(int lines) : Stream
    {
        private int _line;
        private byte[] _pending = [];
        private int _offset;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var written = 0;
            while (written < count)
            {
                if (_offset == _pending.Length)
                {
                    if (_line == lines)
                    {
                        break;
                    }

                    _pending = Encoding.ASCII.GetBytes(_line % 2 == 0 ? $"S{_line / 2 % 1000}\n" : $"garbage line {_line} !!\n");
                    _offset = 0;
                    _line++;
                }

                var n = Math.Min(count - written, _pending.Length - _offset);
                Array.Copy(_pending, _offset, buffer, offset + written, n);
                _offset += n;
                written += n;
            }

            return written;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
