using Microsoft.Extensions.Options;
using Npgsql;

namespace StockData.Storage;

/// <summary>Attribute rules, source-generated.</summary>
[OptionsValidator]
public sealed partial class StorageOptionsAttributeValidator : IValidateOptions<StorageOptions>;

/// <summary>Rules the attributes cannot say: the connection strings, with the exact way to set each one.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.PostgresConnectionString))
        {
            return ValidateOptionsResult.Fail(
                "ConnectionStrings:Postgres is not set: set the environment variable ConnectionStrings__Postgres " +
                "(e.g. \"Host=127.0.0.1;Port=5432;Username=postgres;Database=stockdata\") or ConnectionStrings.Postgres in appsettings.json");
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(options.PostgresConnectionString);
            if (string.IsNullOrEmpty(builder.Host))
            {
                return ValidateOptionsResult.Fail(
                    "ConnectionStrings:Postgres has no Host: set ConnectionStrings__Postgres to e.g. \"Host=127.0.0.1;Username=postgres;Database=stockdata\"");
            }
        }
        catch (ArgumentException ex)
        {
            // The message never echoes the string: it may hold a password.
            return ValidateOptionsResult.Fail($"ConnectionStrings:Postgres is not a valid Npgsql connection string ({ex.Message.Split('\n')[0]})");
        }

        if (!string.IsNullOrWhiteSpace(options.PostgresReadConnectionString))
        {
            try
            {
                var read = new NpgsqlConnectionStringBuilder(options.PostgresReadConnectionString);
                if (string.IsNullOrEmpty(read.Host))
                {
                    return ValidateOptionsResult.Fail(
                        "ConnectionStrings:PostgresRead has no Host: set ConnectionStrings__PostgresRead to the standby, e.g. \"Host=127.0.0.1;Port=5433;Username=postgres;Database=stockdata\", or leave it unset");
                }
            }
            catch (ArgumentException ex)
            {
                return ValidateOptionsResult.Fail($"ConnectionStrings:PostgresRead is not a valid Npgsql connection string ({ex.Message.Split('\n')[0]})");
            }
        }

        return ValidateOptionsResult.Success;
    }
}
