namespace StockData.Storage.Postgres.Jobs;

/// <summary>The names of <see cref="JobPriority"/> as the CLI and the JSON spell them.</summary>
public static class JobPriorityNames
{
    public static string ToName(this JobPriority priority) => priority switch
    {
        JobPriority.High => "high",
        JobPriority.Normal => "normal",
        JobPriority.Low => "low",
        _ => ((short)priority).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Parses <c>high</c> or <c>normal</c> (what a client may submit; low is for the store's own repairs).</summary>
    public static bool TryParseSubmittable(string? text, out JobPriority priority)
    {
        switch (text)
        {
            case "high":
                priority = JobPriority.High;
                return true;
            case "normal":
                priority = JobPriority.Normal;
                return true;
            default:
                priority = JobPriority.Normal;
                return false;
        }
    }
}
