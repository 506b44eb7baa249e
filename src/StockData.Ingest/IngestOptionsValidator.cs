using Microsoft.Extensions.Options;

namespace StockData.Ingest;

/// <summary>Attribute rules, source-generated.</summary>
[OptionsValidator]
public sealed partial class IngestOptionsValidator : IValidateOptions<IngestOptions>;
