namespace StockData.Pipeline.Doctor;

/// <summary>How a doctor step ended.</summary>
internal enum DoctorStatus
{
    Ok,

    /// <summary>It worked, with a caveat (e.g. the chart answered without a session).</summary>
    Warning,

    Failed,

    /// <summary>Not run: an earlier step it depends on failed, or the configuration leaves it out.</summary>
    Skipped,
}

/// <summary>
/// One row of <c>stockdata yahoo doctor</c>: which egress, which step, against what, how it ended, how long it took,
/// what was seen and, when it did not end well, what to do. No field ever holds a cookie or crumb value.
/// </summary>
internal sealed record DoctorStep(string Egress, string Name, string Target, DoctorStatus Status, double? Milliseconds, string Detail, string? Advice = null)
{
    public string StatusText => Status switch
    {
        DoctorStatus.Ok => "ok",
        DoctorStatus.Warning => "warning",
        DoctorStatus.Failed => "failed",
        _ => "skipped",
    };
}
