using NpgsqlTypes;

namespace StockData.Storage.Postgres;

/// <summary>
/// A bars-table row as the writer read it before its merge: the values the batch's row is compared with, and the row
/// version's identity, its physical id (<c>ctid</c>) and the id of the transaction that wrote it (<c>xmin</c>): the merge
/// updates the row by that id only while that same version is still the current one.
/// </summary>
public readonly record struct StoredBar(
    NpgsqlTid RowId,
    uint Xmin,
    DateOnly TradeDate,
    DateTime Timestamp,
    double Open,
    double High,
    double Low,
    double Close,
    double? AdjClose,
    long? Volume);
