using Microsoft.AspNetCore.Http;

namespace StockData.Pipeline.Http;

/// <summary>The 400 answer to a bad parameter: problem+json whose <c>parameter</c> names it and whose detail says why.</summary>
internal static class ParameterProblem
{
    public static IResult For(string parameter, string message) => Results.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: $"Invalid parameter '{parameter}'",
        detail: $"{parameter}: {message}",
        extensions: new Dictionary<string, object?> { ["parameter"] = parameter });
}
