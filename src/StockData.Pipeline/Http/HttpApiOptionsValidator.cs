using Microsoft.Extensions.Options;

namespace StockData.Pipeline.Http;

/// <summary>Rules across settings of <see cref="HttpApiOptions"/>: the URLs must parse, and an exposed binding needs a key.</summary>
internal sealed class HttpApiOptionsValidator : IValidateOptions<HttpApiOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpApiOptions options)
    {
        const string s = HttpApiOptions.SectionName;
        var builder = new ValidateOptionsResultBuilder();
        foreach (var url in HttpBinding.Split(options.Url ?? ""))
        {
            if (HttpBinding.Host(url) is null)
            {
                builder.AddError($"{s}:Url '{url}' is not an http(s) URL such as http://127.0.0.1:9464 (set StockData__Http__Url)");
            }
        }

        if (options.Url is not null && options.IsExposed && string.IsNullOrEmpty(options.ApiKey))
        {
            builder.AddError($"{s}:ApiKey is required when {s}:Url ({options.Url}) is not a loopback address: " +
                "set StockData__Http__ApiKey (e.g. to the output of openssl rand -hex 32)");
        }

        return builder.Build();
    }
}
