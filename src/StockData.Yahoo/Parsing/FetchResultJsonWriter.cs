using System.Text.Encodings.Web;
using System.Text.Json;
using StockData.Core;

namespace StockData.Yahoo.Parsing;

/// <summary>
/// Writes a <see cref="FetchResult"/> as the JSON document that <c>stockdata yahoo parse</c> and <c>yahoo fetch</c>
/// print (schema: <c>docs/yahoo-parse-output.md</c>). Property names and their order are part of that contract.
/// </summary>
public static class FetchResultJsonWriter
{
    /// <summary>Options for a human-facing stream: no HTML escaping of quotes or apostrophes in messages.</summary>
    private static readonly JsonWriterOptions StreamOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the document to <paramref name="stream"/> followed by a newline.</summary>
    public static void Write(Stream stream, FetchResult result, bool indented = false)
    {
        using (var writer = new Utf8JsonWriter(stream, StreamOptions with { Indented = indented }))
        {
            Write(writer, result);
        }

        stream.WriteByte((byte)'\n');
        stream.Flush();
    }

    /// <summary>Writes the document as one JSON object value.</summary>
    public static void Write(Utf8JsonWriter writer, FetchResult result)
    {
        var meta = result.Metadata;
        writer.WriteStartObject();
        writer.WriteString("symbol"u8, result.Symbol);
        writer.WriteString("interval"u8, result.Interval.Token);
        WriteNullableString(writer, "currency"u8, meta?.Currency);
        WriteNullableString(writer, "instrument_type"u8, meta?.InstrumentType);
        WriteNullableString(writer, "exchange_timezone"u8, meta?.ExchangeTimezone);

        writer.WriteStartArray("bars"u8);
        foreach (var bar in result.Bars)
        {
            writer.WriteStartObject();
            writer.WriteNumber("t"u8, bar.Timestamp.ToUnixTimeSeconds());
            writer.WriteString("utc"u8, bar.Timestamp.UtcDateTime);
            WriteDate(writer, "local_date"u8, bar.TradeDate);
            writer.WriteNumber("open"u8, bar.Open);
            writer.WriteNumber("high"u8, bar.High);
            writer.WriteNumber("low"u8, bar.Low);
            writer.WriteNumber("close"u8, bar.Close);
            WriteNullableNumber(writer, "adj_close"u8, bar.AdjClose);
            if (bar.Volume is { } volume)
            {
                writer.WriteNumber("volume"u8, volume);
            }
            else
            {
                writer.WriteNull("volume"u8);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();

        writer.WriteStartArray("dividends"u8);
        foreach (var dividend in result.Dividends)
        {
            WriteEventStart(writer, dividend.Timestamp, dividend.ExDate);
            writer.WriteNumber("amount"u8, dividend.Amount);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();

        writer.WriteStartArray("splits"u8);
        foreach (var split in result.Splits)
        {
            WriteEventStart(writer, split.Timestamp, split.ExDate);
            writer.WriteNumber("numerator"u8, split.Numerator);
            writer.WriteNumber("denominator"u8, split.Denominator);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();

        writer.WriteStartArray("capital_gains"u8);
        foreach (var gain in result.CapitalGains)
        {
            WriteEventStart(writer, gain.Timestamp, gain.ExDate);
            writer.WriteNumber("amount"u8, gain.Amount);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();

        writer.WriteStartArray("dropped_rows"u8);
        foreach (var row in result.DroppedRows)
        {
            writer.WriteStartObject();
            writer.WriteNumber("index"u8, row.Index);
            writer.WriteNumber("t"u8, row.Timestamp);
            writer.WriteString("reason"u8, row.Reason);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();

        if (result.Error is { } error)
        {
            writer.WriteStartObject("error"u8);
            writer.WriteString("category"u8, error.Category.ToName());
            if (error.RetryAfter is { } delay)
            {
                WriteSeconds(writer, "retry_after_seconds"u8, delay);
            }
            else
            {
                writer.WriteNull("retry_after_seconds"u8);
            }

            writer.WriteString("message"u8, error.Message);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("error"u8);
        }

        writer.WriteEndObject();
    }

    private static void WriteEventStart(Utf8JsonWriter writer, DateTimeOffset timestamp, DateOnly exDate)
    {
        writer.WriteStartObject();
        writer.WriteNumber("t"u8, timestamp.ToUnixTimeSeconds());
        WriteDate(writer, "ex_date"u8, exDate);
    }

    private static void WriteDate(Utf8JsonWriter writer, ReadOnlySpan<byte> name, DateOnly date)
    {
        Span<byte> text = stackalloc byte[10];
        date.TryFormat(text, out var written, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        writer.WriteString(name, text[..written]);
    }

    private static void WriteSeconds(Utf8JsonWriter writer, ReadOnlySpan<byte> name, TimeSpan delay)
    {
        // Whole seconds (the usual Retry-After) print as an integer.
        if (delay.Ticks % TimeSpan.TicksPerSecond == 0)
        {
            writer.WriteNumber(name, delay.Ticks / TimeSpan.TicksPerSecond);
        }
        else
        {
            writer.WriteNumber(name, delay.TotalSeconds);
        }
    }

    private static void WriteNullableString(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteNullableNumber(Utf8JsonWriter writer, ReadOnlySpan<byte> name, double? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
