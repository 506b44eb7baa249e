using Npgsql;
using NpgsqlTypes;

namespace StockData.Storage.Postgres;

/// <summary>
/// An array parameter for the <c>unnest($n::type[], …)</c> statements of the writer and the quality checks, with its
/// element type explicit (Npgsql would infer <c>text[]</c> for strings and <c>timestamp</c> for some DateTimes, and the
/// statements' casts then fail or convert).
/// </summary>
public static class ArrayParameter
{
    public static NpgsqlParameter Of<T>(IEnumerable<T> values, NpgsqlDbType elementType) =>
        new() { Value = values as T[] ?? values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | elementType };
}
