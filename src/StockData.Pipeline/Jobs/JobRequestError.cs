namespace StockData.Pipeline.Jobs;

/// <summary>Why a job request was refused, naming the parameter (the CLI option or the JSON property) at fault.</summary>
internal sealed record JobRequestError(string Parameter, string Message);
