using NpgsqlTypes;

namespace StockData.Storage.Postgres;

/// <summary>
/// A bars-table row as the writer read it before its merge: the values the batch's row is compared with, the row's
/// physical id (<c>ctid</c>) the merge updates it by, and <c>updated_at</c>, which becomes the revision's valid_from.
/// </summary>
internal readonly record struct StoredBar(
    NpgsqlTid RowId,
    DateOnly TradeDate,
    DateTime Timestamp,
    double Open,
    double High,
    double Low,
    double Close,
    double? AdjClose,
    long? Volume,
    DateTime UpdatedAt);
