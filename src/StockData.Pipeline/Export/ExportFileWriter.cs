using System.Text;
using Parquet;
using Parquet.Schema;

namespace StockData.Pipeline.Export;

/// <summary>Writes an <see cref="ExportTable"/>'s row groups to one file, in CSV or Parquet.</summary>
internal abstract class ExportFileWriter : IAsyncDisposable
{
    public static async Task<ExportFileWriter> CreateAsync(ExportFormat format, ExportTable table, Stream output, CancellationToken cancellationToken) =>
        format == ExportFormat.Parquet
            ? await ParquetFileWriter.CreateAsync(table, output, cancellationToken)
            : new CsvFileWriter(table, output);

    /// <summary>Writes the table's buffered rows and empties it.</summary>
    public abstract Task FlushAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}

/// <summary>RFC 4180 CSV, UTF-8 without a byte-order mark, <c>\n</c> line ends, a header line.</summary>
internal sealed class CsvFileWriter : ExportFileWriter
{
    private readonly ExportTable _table;
    private readonly StreamWriter _writer;
    private readonly CsvLine _line = new();

    public CsvFileWriter(ExportTable table, Stream output)
    {
        _table = table;
        _writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        _writer.Write(string.Join(',', table.Columns.Select(c => c.Name)));
        _writer.Write('\n');
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        for (var row = 0; row < _table.Count; row++)
        {
            _line.Clear();
            foreach (var column in _table.Columns)
            {
                column.FormatCsv(row, _line);
            }

            _writer.Write(_line.Span);
            _writer.Write('\n');
        }

        _table.Count = 0;
        await _writer.FlushAsync(cancellationToken);
    }

    public override ValueTask DisposeAsync() => _writer.DisposeAsync();
}

/// <summary>Parquet through Parquet.Net: one row group per flush, Snappy-compressed, typed columns.</summary>
internal sealed class ParquetFileWriter : ExportFileWriter
{
    private readonly ExportTable _table;
    private readonly ParquetWriter _writer;

    private ParquetFileWriter(ExportTable table, ParquetWriter writer)
    {
        _table = table;
        _writer = writer;
    }

    public static async Task<ParquetFileWriter> CreateAsync(ExportTable table, Stream output, CancellationToken cancellationToken)
    {
        var schema = new ParquetSchema(table.Columns.Select(c => (Field)c.Field));
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy };
        foreach (var column in table.Columns.OfType<TextColumn>().Where(c => c.Dictionary))
        {
            options.ColumnEncodingHints[column.Field.Path.ToString()] = EncodingHint.Dictionary;
        }

        return new ParquetFileWriter(table, await ParquetWriter.CreateAsync(schema, output, options, false, cancellationToken));
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_table.Count == 0)
        {
            return;
        }

        using (var group = _writer.CreateRowGroup())
        {
            foreach (var column in _table.Columns)
            {
                await column.WriteParquetAsync(group, _table.Count, cancellationToken);
            }

            group.CompleteValidate();
        }

        _table.Count = 0;
    }

    public override ValueTask DisposeAsync() => _writer.DisposeAsync();
}
