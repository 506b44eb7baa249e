using StockData.Core;

namespace StockData.Benchmarks.Dto;

/// <summary>
/// The least a DTO route must add to be comparable with the parser's output: rows with four prices become
/// <see cref="Bar"/>s with their exchange-local date. (No duplicate, live-bar or event handling: a lower bound.)
/// </summary>
internal static class DtoBarMapper
{
    public static Bar[] Map(ChartDto.Envelope envelope)
    {
        var result = envelope.Chart?.Result?[0];
        if (result?.Timestamp is not { } timestamps || result.Indicators?.Quote?[0] is not { } quote ||
            quote.Open is null || quote.High is null || quote.Low is null || quote.Close is null)
        {
            return [];
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(result.Meta?.ExchangeTimezoneName ?? "UTC");
        var adjClose = result.Indicators.AdjClose?[0].Values;
        var bars = new List<Bar>(timestamps.Length);
        for (var i = 0; i < timestamps.Length; i++)
        {
            if (quote.Open[i] is not { } open || quote.High[i] is not { } high || quote.Low[i] is not { } low ||
                quote.Close[i] is not { } close)
            {
                continue;
            }

            var time = DateTimeOffset.FromUnixTimeSeconds(timestamps[i]);
            var local = TimeZoneInfo.ConvertTime(time, zone);
            bars.Add(new Bar(time, DateOnly.FromDateTime(local.DateTime), open, high, low, close, adjClose?[i], quote.Volume?[i]));
        }

        return [.. bars];
    }
}
