namespace StockData.Pipeline.Http.OpenApi;

/// <summary>What the OpenAPI document says about one endpoint beyond what ASP.NET Core infers from its handler.</summary>
/// <param name="Query">Query parameters the handler reads itself (so it can name a bad one in its 400).</param>
/// <param name="Problems">The problem+json answers it gives: status and when.</param>
/// <param name="Success">The success answer: status, what it holds, and its content types (JSON first).</param>
/// <param name="Body">What the JSON request body holds; null when the endpoint takes none.</param>
internal sealed record OperationDoc(
    string Summary,
    string Description,
    IReadOnlyList<QueryParameterDoc> Query,
    IReadOnlyList<ProblemDoc> Problems,
    SuccessDoc Success,
    string? Body = null);

internal sealed record SuccessDoc(int Status, string Description, params string[] ContentTypes);

/// <param name="Example">An example value, shown by viewers; null for none.</param>
internal sealed record QueryParameterDoc(string Name, string Description, bool Required = false, string? Example = null);

internal sealed record ProblemDoc(int Status, string When);

/// <summary>Endpoint metadata: the API key filter guards this endpoint (the document then names the scheme and the 401).</summary>
internal sealed class ApiKeyRequired
{
    public static ApiKeyRequired Instance { get; } = new();
}
