using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace StockData.Pipeline.Export;

/// <summary>
/// One column of an <see cref="ExportTable"/>: a fixed buffer of one row group's values, written to CSV row by row or
/// to Parquet as a column chunk with its real type.
/// </summary>
internal abstract class ExportColumn(string name)
{
    public string Name { get; } = name;

    public abstract DataField Field { get; }

    /// <summary>Appends the value of row <paramref name="row"/> as CSV text (nothing for null).</summary>
    public abstract void FormatCsv(int row, CsvLine line);

    public abstract Task WriteParquetAsync(ParquetRowGroupWriter writer, int count, CancellationToken cancellationToken);
}

/// <summary>
/// Text. <paramref name="dictionary"/> columns (symbol, interval, event type) repeat a few values, so they are
/// dictionary-encoded whatever Parquet.Net's sampling would pick.
/// </summary>
internal sealed class TextColumn(string name, int capacity, bool nullable = false, bool dictionary = false) : ExportColumn(name)
{
    public string?[] Values { get; } = new string?[capacity];

    public bool Dictionary { get; } = dictionary;

    public override DataField Field { get; } = new DataField<string>(name, nullable);

    public override void FormatCsv(int row, CsvLine line) => line.Text(Values[row]);

    public override Task WriteParquetAsync(ParquetRowGroupWriter writer, int count, CancellationToken cancellationToken) =>
        writer.WriteAsync(Field, new ArraySegment<string>(Values!, 0, count));
}

/// <summary>A trade or ex-date: Parquet <c>DATE</c>, CSV <c>yyyy-MM-dd</c>.</summary>
internal sealed class DateColumn(string name, int capacity) : ExportColumn(name)
{
    public DateOnly[] Values { get; } = new DateOnly[capacity];

    public override DataField Field { get; } = new DataField<DateOnly>(name);

    public override void FormatCsv(int row, CsvLine line) => line.Date(Values[row]);

    public override Task WriteParquetAsync(ParquetRowGroupWriter writer, int count, CancellationToken cancellationToken) =>
        writer.WriteAsync<DateOnly>(Field, Values.AsMemory(0, count), null, null, cancellationToken);
}

/// <summary>A UTC instant: Parquet <c>TIMESTAMP(MILLIS, isAdjustedToUTC=true)</c>, CSV ISO-8601 with <c>Z</c>.</summary>
internal sealed class TimestampColumn(string name, int capacity, bool nullable = false) : ExportColumn(name)
{
    /// <summary>The values of a nullable column.</summary>
    public DateTime?[] Values { get; } = nullable ? new DateTime?[capacity] : [];

    /// <summary>The values of a column without nulls (no per-group conversion, so no garbage per row group).</summary>
    public DateTime[] Plain { get; } = nullable ? [] : new DateTime[capacity];

    public override DataField Field { get; } = new DateTimeDataField(name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis,
        isNullable: nullable);

    public override void FormatCsv(int row, CsvLine line) => line.Timestamp(Field.IsNullable ? Values[row] : Plain[row]);

    public override Task WriteParquetAsync(ParquetRowGroupWriter writer, int count, CancellationToken cancellationToken) =>
        Field.IsNullable
            ? writer.WriteAsync<DateTime>(Field, Values.AsMemory(0, count), null, null, cancellationToken)
            : writer.WriteAsync<DateTime>(Field, Plain.AsMemory(0, count), null, null, cancellationToken);
}

/// <summary>A price or ratio: Parquet <c>DOUBLE</c>, CSV round-trip text.</summary>
internal sealed class DoubleColumn(string name, int capacity, bool nullable) : ExportColumn(name)
{
    public double?[] Values { get; } = new double?[capacity];

    public double[] Plain { get; } = nullable ? [] : new double[capacity];

    public override DataField Field { get; } = new DataField<double>(name, nullable);

    public void Set(int row, double value)
    {
        if (Field.IsNullable)
        {
            Values[row] = value;
        }
        else
        {
            Plain[row] = value;
        }
    }

    public override void FormatCsv(int row, CsvLine line) => line.Number(Field.IsNullable ? Values[row] : Plain[row]);

    public override Task WriteParquetAsync(ParquetRowGroupWriter writer, int count, CancellationToken cancellationToken) =>
        Field.IsNullable
            ? writer.WriteAsync<double>(Field, Values.AsMemory(0, count), null, null, cancellationToken)
            : writer.WriteAsync<double>(Field, Plain.AsMemory(0, count), null, null, cancellationToken);
}

/// <summary>A volume: Parquet <c>INT64</c> (nullable: Yahoo leaves some volumes out).</summary>
internal sealed class Int64Column(string name, int capacity) : ExportColumn(name)
{
    public long?[] Values { get; } = new long?[capacity];

    public override DataField Field { get; } = new DataField<long>(name, true);

    public override void FormatCsv(int row, CsvLine line) => line.Integer(Values[row]);

    public override Task WriteParquetAsync(ParquetRowGroupWriter writer, int count, CancellationToken cancellationToken) =>
        writer.WriteAsync<long>(Field, Values.AsMemory(0, count), null, null, cancellationToken);
}

/// <summary>Formats one CSV line into a reused buffer (invariant culture; fields quoted only when they need it).</summary>
internal sealed class CsvLine
{
    private char[] _buffer = new char[256];
    private int _length;
    private bool _first = true;

    public ReadOnlySpan<char> Span => _buffer.AsSpan(0, _length);

    public void Clear()
    {
        _length = 0;
        _first = true;
    }

    public void Text(string? value)
    {
        Separator();
        if (value is null)
        {
            return;
        }

        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            Append(value);
            return;
        }

        Append("\"");
        Append(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        Append("\"");
    }

    public void Date(DateOnly value)
    {
        Separator();
        Ensure(10);
        value.TryFormat(_buffer.AsSpan(_length), out var written, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        _length += written;
    }

    public void Timestamp(DateTime? value)
    {
        Separator();
        if (value is { } v)
        {
            Ensure(24);
            v.TryFormat(_buffer.AsSpan(_length), out var written, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            _length += written;
        }
    }

    public void Number(double? value)
    {
        Separator();
        if (value is { } v)
        {
            Ensure(32);
            v.TryFormat(_buffer.AsSpan(_length), out var written, "R", CultureInfo.InvariantCulture);
            _length += written;
        }
    }

    public void Integer(long? value)
    {
        Separator();
        if (value is { } v)
        {
            Ensure(24);
            v.TryFormat(_buffer.AsSpan(_length), out var written, default, CultureInfo.InvariantCulture);
            _length += written;
        }
    }

    private void Separator()
    {
        if (!_first)
        {
            Append(",");
        }

        _first = false;
    }

    private void Append(ReadOnlySpan<char> text)
    {
        Ensure(text.Length);
        text.CopyTo(_buffer.AsSpan(_length));
        _length += text.Length;
    }

    private void Ensure(int more)
    {
        if (_length + more > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
        }
    }
}
