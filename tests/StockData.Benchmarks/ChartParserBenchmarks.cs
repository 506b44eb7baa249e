using System.Text.Json;
using BenchmarkDotNet.Attributes;
using StockData.Benchmarks.Dto;
using StockData.Core;
using StockData.Yahoo.Parsing;

namespace StockData.Benchmarks;

/// <summary>
/// The chart parser (<see cref="ChartParser"/>, one Utf8JsonReader pass plus rules R1–R14) against the plain DTO
/// route (<see cref="JsonSerializer"/> into <see cref="ChartDto"/> with a source-generated context), on the same bytes.
/// </summary>
[MemoryDiagnoser]
public class ChartParserBenchmarks
{
    private byte[] _body = [];
    private ChartResponseInfo _info = new(200);

    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "";

    public static IEnumerable<string> Cases => BenchmarkBodies.Names;

    [GlobalSetup]
    public void Setup()
    {
        var body = BenchmarkBodies.Get(Case);
        _body = body.Bytes;
        _info = new ChartResponseInfo(200) { Interval = BarInterval.Parse(body.Interval), Symbol = "BENCH" };
        if (ChartParser.Parse(_body, _info).Error is { } error)
        {
            throw new InvalidOperationException($"{Case} does not parse: {error.Message}");
        }
    }

    [Benchmark(Baseline = true, Description = "DTO: JsonSerializer.Deserialize (source-gen)")]
    public object? DtoDeserialize() => JsonSerializer.Deserialize(_body, ChartDtoContext.Default.Envelope);

    [Benchmark(Description = "DTO: Deserialize + map to Bar[]")]
    public Bar[] DtoDeserializeAndMap() => DtoBarMapper.Map(JsonSerializer.Deserialize(_body, ChartDtoContext.Default.Envelope)!);

    [Benchmark(Description = "ChartParser.Parse (Utf8JsonReader, R1-R14)")]
    public FetchResult ChartParserParse() => ChartParser.Parse(_body, _info);
}
