namespace StockData.IntegrationTests.Infrastructure;

/// <summary>A stored daily bar, as read back.</summary>
public sealed record StoredBar(DateOnly TradeDate, DateTimeOffset Timestamp, double Open, double High, double Low, double Close,
    double? AdjClose, long? Volume);
