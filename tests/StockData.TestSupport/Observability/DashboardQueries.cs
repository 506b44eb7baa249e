using System.Text.Json;
using System.Text.RegularExpressions;

namespace StockData.TestSupport.Observability;

/// <summary>
/// Every PromQL expression of a Grafana dashboard JSON: each panel target's <c>expr</c> (panels inside collapsed rows
/// included) and each query variable's metric query, with Grafana's variables substituted, so Prometheus can
/// evaluate them exactly as Grafana would send them.
/// </summary>
public static partial class DashboardQueries
{
    /// <summary>The dashboard the compose stack provisions.</summary>
    public static string DashboardFile => Path.Combine(RepoPaths.Root, "dashboards", "grafana", "stockdata-pipeline.json");

    /// <summary>The expressions of <see cref="DashboardFile"/>.</summary>
    public static IReadOnlyList<DashboardQuery> Load(GrafanaSubstitutions substitutions) =>
        Extract(File.ReadAllText(DashboardFile), substitutions);

    /// <summary>The expressions of the dashboard JSON <paramref name="json"/>.</summary>
    /// <exception cref="InvalidOperationException">An expression references a variable the dashboard does not define.</exception>
    public static IReadOnlyList<DashboardQuery> Extract(string json, GrafanaSubstitutions substitutions)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var variables = TemplateVariableValues(root, substitutions);
        var queries = new List<DashboardQuery>();

        if (root.TryGetProperty("templating", out var templating) && templating.TryGetProperty("list", out var list))
        {
            foreach (var variable in list.EnumerateArray())
            {
                if (String(variable, "type") != "query" || VariableQuery(variable) is not { } raw ||
                    MetricQueryOfVariable(raw) is not { } metricQuery)
                {
                    continue;
                }

                var source = "variable " + String(variable, "name");
                queries.Add(new DashboardQuery(source, raw, Substitute(metricQuery, substitutions, variables, source), null));
            }
        }

        if (root.TryGetProperty("panels", out var panels))
        {
            AddPanels(panels, substitutions, variables, queries);
        }

        return queries;
    }

    /// <summary>Replaces <c>$name</c>, <c>${name}</c>, <c>${name:format}</c> and <c>[[name]]</c> references.</summary>
    public static string Substitute(string expression, GrafanaSubstitutions substitutions,
        IReadOnlyDictionary<string, string> variables, string source) =>
        VariableReference().Replace(expression, match =>
        {
            var name = match.Groups["a"].Success ? match.Groups["a"].Value
                : match.Groups["b"].Success ? match.Groups["b"].Value
                : match.Groups["c"].Value;
            return substitutions.BuiltIn(name)
                   ?? (variables.TryGetValue(name, out var value)
                       ? value
                       : throw new InvalidOperationException(
                           $"{source}: ${name} is neither a Grafana built-in nor a variable of the dashboard."));
        });

    private static void AddPanels(JsonElement panels, GrafanaSubstitutions substitutions,
        IReadOnlyDictionary<string, string> variables, List<DashboardQuery> queries)
    {
        foreach (var panel in panels.EnumerateArray())
        {
            var title = String(panel, "title") ?? "(untitled)";
            if (panel.TryGetProperty("targets", out var targets))
            {
                foreach (var target in targets.EnumerateArray())
                {
                    if (String(target, "expr") is { Length: > 0 } raw)
                    {
                        var source = $"{title} {String(target, "refId")}".TrimEnd();
                        queries.Add(new DashboardQuery(source, raw, Substitute(raw, substitutions, variables, source), title));
                    }
                }
            }

            // A collapsed row keeps its panels inside itself.
            if (panel.TryGetProperty("panels", out var inner))
            {
                AddPanels(inner, substitutions, variables, queries);
            }
        }
    }

    private static Dictionary<string, string> TemplateVariableValues(JsonElement root, GrafanaSubstitutions substitutions)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("templating", out var templating) && templating.TryGetProperty("list", out var list))
        {
            foreach (var variable in list.EnumerateArray())
            {
                var name = String(variable, "name") ?? throw new InvalidOperationException("A template variable has no name.");
                values[name] = String(variable, "type") switch
                {
                    "query" => String(variable, "allValue") is { Length: > 0 } all ? all : ".+",
                    "custom" or "interval" => (VariableQuery(variable) ?? "").Split(',')[0].Trim(),
                    _ => VariableQuery(variable) ?? "",
                };
            }
        }

        if (substitutions.Variables is not null)
        {
            foreach (var (name, value) in substitutions.Variables)
            {
                values[name] = value;
            }
        }

        return values;
    }

    // Grafana stores a variable's query as a string (older) or as {"query": "...", "qryType": …} (10.x and later).
    private static string? VariableQuery(JsonElement variable) =>
        variable.TryGetProperty("query", out var query)
            ? query.ValueKind == JsonValueKind.String ? query.GetString() : String(query, "query")
            : null;

    // label_values(expr, label) and query_result(expr) run a PromQL selector; label_values(label), label_names() and
    // metrics(regex) only list names, so they have nothing to evaluate.
    private static string? MetricQueryOfVariable(string query)
    {
        var match = VariableFunction().Match(query);
        if (!match.Success)
        {
            return query; // a plain PromQL expression
        }

        var argument = match.Groups["arg"].Value.Trim();
        return match.Groups["fn"].Value switch
        {
            "query_result" => argument,
            "label_values" when LastTopLevelComma(argument) is var comma and > 0 => argument[..comma].Trim(),
            _ => null,
        };
    }

    private static int LastTopLevelComma(string argument)
    {
        var depth = 0;
        var quoted = false;
        var last = -1;
        for (var i = 0; i < argument.Length; i++)
        {
            var c = argument[i];
            if (c == '"' && (i == 0 || argument[i - 1] != '\\'))
            {
                quoted = !quoted;
            }
            else if (!quoted)
            {
                depth += c is '(' or '{' or '[' ? 1 : c is ')' or '}' or ']' ? -1 : 0;
                last = c == ',' && depth == 0 ? i : last;
            }
        }

        return last;
    }

    private static string? String(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) &&
        value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    [GeneratedRegex(@"\$\{(?<a>\w+)(?::[^}]*)?\}|\$(?<b>\w+)|\[\[(?<c>\w+)(?::[^\]]*)?\]\]")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"^\s*(?<fn>label_values|query_result|label_names|metrics)\s*\((?<arg>.*)\)\s*$", RegexOptions.Singleline)]
    private static partial Regex VariableFunction();
}
