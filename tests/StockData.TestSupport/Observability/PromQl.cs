namespace StockData.TestSupport.Observability;

/// <summary>
/// Just enough of PromQL's lexical structure to list the metric names an expression selects: string literals, label
/// matchers (<c>{…}</c>), range and subquery brackets, numbers and durations, function calls, aggregation operators and
/// their <c>by/without/on/ignoring/group_left/group_right (…)</c> label lists are skipped; every other identifier is a
/// metric name. Not a validator: Prometheus itself (promtool and the live tests) judges syntax.
/// </summary>
public static class PromQl
{
    private static readonly HashSet<string> LabelListKeywords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right",
    };

    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        // Binary and modifier keywords.
        "and", "or", "unless", "bool", "offset", "atan2", "inf", "nan",
        // Aggregation operators: `sum by (x) (…)` puts a keyword, not "(", after the name.
        "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
        "quantile", "limitk", "limit_ratio",
    };

    /// <summary>The distinct metric names <paramref name="expression"/> selects, in order of appearance.</summary>
    public static IReadOnlyList<string> MetricNames(string expression)
    {
        var names = new List<string>();
        var braces = 0;
        var brackets = 0;
        var i = 0;
        while (i < expression.Length)
        {
            var c = expression[i];
            if (c is '"' or '\'' or '`')
            {
                i = SkipString(expression, i);
            }
            else if (c == '#')
            {
                while (i < expression.Length && expression[i] != '\n')
                {
                    i++;
                }
            }
            else if (c is '{' or '}' or '[' or ']')
            {
                braces += c == '{' ? 1 : c == '}' ? -1 : 0;
                brackets += c == '[' ? 1 : c == ']' ? -1 : 0;
                i++;
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < expression.Length && char.IsAsciiDigit(expression[i + 1])))
            {
                // Numbers, hex, exponents and durations ("5m", "1h30m"): one run of word characters and dots.
                while (i < expression.Length && (char.IsAsciiLetterOrDigit(expression[i]) || expression[i] is '.' or '_'))
                {
                    i++;
                }
            }
            else if (IsIdentifierStart(c))
            {
                var start = i;
                while (i < expression.Length && IsIdentifierPart(expression[i]))
                {
                    i++;
                }

                var identifier = expression[start..i];
                if (braces > 0 || brackets > 0)
                {
                    continue; // a label name inside a matcher, or a duration unit
                }

                var next = SkipSpace(expression, i);
                if (LabelListKeywords.Contains(identifier))
                {
                    i = next < expression.Length && expression[next] == '(' ? SkipParenthesized(expression, next) : i;
                }
                else if (!Keywords.Contains(identifier) && (next >= expression.Length || expression[next] != '(') &&
                         !names.Contains(identifier))
                {
                    names.Add(identifier);
                }
            }
            else
            {
                i++;
            }
        }

        return names;
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c is '_' or ':';

    private static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or ':';

    private static int SkipSpace(string s, int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i]))
        {
            i++;
        }

        return i;
    }

    private static int SkipString(string s, int i)
    {
        var quote = s[i++];
        while (i < s.Length && s[i] != quote)
        {
            // Backticks are raw strings; the other two take escapes.
            i += s[i] == '\\' && quote != '`' ? 2 : 1;
        }

        return i + 1;
    }

    private static int SkipParenthesized(string s, int i)
    {
        var depth = 0;
        do
        {
            depth += s[i] == '(' ? 1 : s[i] == ')' ? -1 : 0;
            i++;
        }
        while (i < s.Length && depth > 0);
        return i;
    }
}
