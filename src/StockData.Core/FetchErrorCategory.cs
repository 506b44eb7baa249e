namespace StockData.Core;

/// <summary>The error categories of the parsing contract (rule R14), spelled as stored and printed.</summary>
public enum FetchErrorCategory
{
    RateLimited,
    Unauthorized,
    ServerError,
    NotFound,
    BadRequest,
    Malformed,
}

public static class FetchErrorCategoryNames
{
    /// <summary>The snake_case name used in JSON, the rejects table and metrics labels.</summary>
    public static string ToName(this FetchErrorCategory category) => category switch
    {
        FetchErrorCategory.RateLimited => "rate_limited",
        FetchErrorCategory.Unauthorized => "unauthorized",
        FetchErrorCategory.ServerError => "server_error",
        FetchErrorCategory.NotFound => "not_found",
        FetchErrorCategory.BadRequest => "bad_request",
        FetchErrorCategory.Malformed => "malformed",
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, null),
    };
}
