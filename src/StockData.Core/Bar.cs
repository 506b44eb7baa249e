namespace StockData.Core;

/// <summary>
/// One OHLCV bar of one symbol. <see cref="TradeDate"/> is the exchange-local date of <see cref="Timestamp"/>
/// (the key for daily and longer intervals; informative for intraday).
/// </summary>
public readonly record struct Bar(
    DateTimeOffset Timestamp,
    DateOnly TradeDate,
    double Open,
    double High,
    double Low,
    double Close,
    double? AdjClose,
    long? Volume);
