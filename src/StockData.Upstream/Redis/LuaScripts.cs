namespace StockData.Upstream.Redis;

/// <summary>
/// The limiter's Lua scripts, embedded beside their C# callers. They are sent with
/// <c>ScriptEvaluate(string …)</c>: StackExchange.Redis sends EVALSHA and re-sends the text on NOSCRIPT (script cache
/// flushed by a restart, a failover or SCRIPT FLUSH), so no SHA is cached by hand (docs/resilience-background.md §1.4).
/// </summary>
public static class LuaScripts
{
    public static string TokenBucket { get; } = Load("TokenBucket.lua");

    public static string Cooldown { get; } = Load("Cooldown.lua");

    private static string Load(string name)
    {
        using var stream = typeof(LuaScripts).Assembly.GetManifestResourceStream("StockData.Upstream.Redis." + name)
            ?? throw new InvalidOperationException($"Embedded script {name} is missing from StockData.Storage");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
