namespace StockData.Storage.Postgres.Replica;

/// <summary>Which server answered a read.</summary>
public enum ReadTarget
{
    Primary,
    Standby,
}

/// <summary>The label values of <see cref="ReadTarget"/> in metrics and documents.</summary>
public static class ReadTargets
{
    public static string Token(this ReadTarget target) => target == ReadTarget.Standby ? "standby" : "primary";
}
