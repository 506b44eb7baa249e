using System.Text;
using Spectre.Console;

namespace StockData.Pipeline.Output;

/// <summary>A column of a <see cref="TextTable"/>: its header, its plain-text width (0: not padded) and alignment.</summary>
internal sealed record TextColumn(string Header, int Width = 0, bool AlignRight = false);

/// <summary>How a <see cref="TextTable"/> reads as plain text.</summary>
internal enum PlainLayout
{
    /// <summary>Fixed-width columns, one space apart, headers on the first line (the listings).</summary>
    Columns,

    /// <summary>Columns as wide as their widest cell between <c>|</c> rules, framed by <c>+---+</c> lines (the replay summary).</summary>
    Boxed,
}

/// <summary>
/// A table the CLI prints: Spectre.Console's <see cref="Table"/> on an interactive terminal, plain text otherwise.
/// The plain text is what scripts and tests read, so its layout is fixed here rather than left to Spectre, which would
/// wrap rows at a console width it has to guess when the output is redirected.
/// </summary>
internal sealed class TextTable(params TextColumn[] columns)
{
    private readonly List<string[]> _rows = [];

    /// <summary>Whether the header line is printed (the replay summary has none).</summary>
    public bool ShowHeaders { get; init; } = true;

    public PlainLayout Layout { get; init; } = PlainLayout.Columns;

    /// <summary>True when standard output is an interactive terminal (not redirected to a file or a pipe).</summary>
    public static bool IsTerminal => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public TextTable Add(params string[] cells)
    {
        if (cells.Length != columns.Length)
        {
            throw new ArgumentException($"{cells.Length} cells for {columns.Length} columns", nameof(cells));
        }

        _rows.Add(cells);
        return this;
    }

    /// <summary>Writes the table to standard output: a Spectre table on a terminal, <see cref="ToPlainText"/> otherwise.</summary>
    public void Print()
    {
        if (IsTerminal)
        {
            AnsiConsole.Write(ToSpectre());
        }
        else
        {
            Console.WriteLine(ToPlainText());
        }
    }

    /// <summary>The table as lines of text, without a final line break.</summary>
    public string ToPlainText() => Layout == PlainLayout.Boxed ? Boxed() : Fixed();

    public Table ToSpectre()
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            var spectreColumn = new TableColumn(new Text(column.Header));
            table.AddColumn(column.AlignRight ? spectreColumn.RightAligned() : spectreColumn);
        }

        if (!ShowHeaders)
        {
            table.HideHeaders();
        }

        foreach (var row in _rows)
        {
            // Text, not markup: symbols and error messages may hold '[' and ']'.
            table.AddRow(row.Select(cell => new Text(cell)));
        }

        return table;
    }

    private string Fixed()
    {
        var lines = new List<string>(_rows.Count + 1);
        if (ShowHeaders)
        {
            lines.Add(Line(columns.Select(c => c.Header).ToArray()));
        }

        lines.AddRange(_rows.Select(Line));
        return string.Join(Environment.NewLine, lines);

        string Line(string[] cells) => string.Join(' ', cells.Select((cell, i) => Pad(cell, columns[i].Width, columns[i].AlignRight)));
    }

    private string Boxed()
    {
        var all = ShowHeaders ? _rows.Prepend(columns.Select(c => c.Header).ToArray()).ToList() : _rows;
        var widths = columns.Select((_, i) => all.Count == 0 ? 0 : all.Max(r => r[i].Length)).ToArray();
        var rule = "+" + string.Join('+', widths.Select(w => new string('-', w + 2))) + "+";
        var text = new StringBuilder().AppendLine(rule);
        for (var r = 0; r < all.Count; r++)
        {
            text.Append("| ").AppendJoin(" | ", all[r].Select((cell, i) => Pad(cell, widths[i], columns[i].AlignRight))).AppendLine(" |");
            if (ShowHeaders && r == 0)
            {
                text.AppendLine(rule);
            }
        }

        return text.Append(rule).ToString();
    }

    private static string Pad(string cell, int width, bool right) => right ? cell.PadLeft(width) : cell.PadRight(width);
}
