using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace StockData.Pipeline.Http;

/// <summary>
/// Requires the configured API key in the <c>X-Api-Key</c> header on the jobs, bars and symbols endpoints. Both sides are
/// hashed and compared with <see cref="CryptographicOperations.FixedTimeEquals"/>, so neither the content nor the length
/// of the key leaks through the comparison's timing.
/// </summary>
internal sealed class ApiKeyFilter(IOptions<HttpApiOptions> options) : IEndpointFilter
{
    public const string HeaderName = "X-Api-Key";

    private readonly byte[]? _expected = options.Value.ApiKey is { Length: > 0 } key ? SHA256.HashData(Encoding.UTF8.GetBytes(key)) : null;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (_expected is not null && !Matches(context.HttpContext.Request.Headers[HeaderName].ToString()))
        {
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "API key required",
                detail: $"Send the API key in the {HeaderName} header.");
        }

        return await next(context);
    }

    /// <summary>Constant-time check of a presented key.</summary>
    public bool Matches(string presented) =>
        _expected is null || CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _expected);
}
