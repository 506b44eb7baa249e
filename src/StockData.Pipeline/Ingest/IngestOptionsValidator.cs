using Microsoft.Extensions.Options;

namespace StockData.Pipeline.Ingest;

/// <summary>Attribute rules, source-generated.</summary>
[OptionsValidator]
internal sealed partial class IngestOptionsValidator : IValidateOptions<IngestOptions>;
