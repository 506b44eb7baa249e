using System.Globalization;
using Spectre.Console;
using StockData.Pipeline.Output;

namespace StockData.UnitTests.Output;

/// <summary>
/// The CLI's tables: the plain layouts scripts and tests read (fixed columns as .NET's alignment formats pad them,
/// the boxed summary), and the Spectre table a terminal gets.
/// </summary>
public sealed class TextTableTests
{
    [Fact]
    public void Columns_PadLikeAlignmentFormats_LastColumnUnpadded()
    {
        var table = new TextTable(new TextColumn("ID", 8, AlignRight: true), new TextColumn("STATUS", 9), new TextColumn("NOTE"))
            .Add("12", "pending", "first")
            .Add("123456789", "cancelled", ""); // wider than its column: not cut

        var expected = string.Join(Environment.NewLine,
            string.Create(CultureInfo.InvariantCulture, $"{"ID",8} {"STATUS",-9} NOTE"),
            string.Create(CultureInfo.InvariantCulture, $"{"12",8} {"pending",-9} first"),
            string.Create(CultureInfo.InvariantCulture, $"{"123456789",8} {"cancelled",-9} "));
        Assert.Equal(expected, table.ToPlainText());
    }

    [Fact]
    public void Columns_NoRows_HeaderOnly() =>
        Assert.Equal("A     B", new TextTable(new TextColumn("A", 5), new TextColumn("B")).ToPlainText());

    [Fact]
    public void Boxed_ColumnsAsWideAsTheirCells_Framed()
    {
        var table = new TextTable(new TextColumn("name"), new TextColumn("value", AlignRight: true)) { ShowHeaders = false, Layout = PlainLayout.Boxed }
            .Add("rows", "1,234")
            .Add("symbols ok", "7");

        Assert.Equal(string.Join(Environment.NewLine,
            "+------------+-------+",
            "| rows       | 1,234 |",
            "| symbols ok |     7 |",
            "+------------+-------+"), table.ToPlainText());
    }

    [Fact]
    public void Boxed_WithHeaders_RuleUnderTheHeader()
    {
        var table = new TextTable(new TextColumn("k"), new TextColumn("value")) { Layout = PlainLayout.Boxed }.Add("a", "b");

        Assert.Equal(string.Join(Environment.NewLine,
            "+---+-------+",
            "| k | value |",
            "+---+-------+",
            "| a | b     |",
            "+---+-------+"), table.ToPlainText());
    }

    [Fact]
    public void Add_WrongCellCount_Throws() =>
        Assert.Throws<ArgumentException>(() => new TextTable(new TextColumn("A"), new TextColumn("B")).Add("only one"));

    [Fact]
    public void Spectre_RendersCellsAsText_InARoundedTable()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 120;
        var table = new TextTable(new TextColumn("SYMBOL", 12), new TextColumn("LAST ERROR"))
            .Add("AAPL", "bad [response]") // square brackets are markup to Spectre: must print as they are
            .Add("7203.T", "");

        console.Write(table.ToSpectre());

        var text = output.ToString();
        Assert.Contains("╭", text, StringComparison.Ordinal);
        Assert.Matches(@"│ SYMBOL\s+│ LAST ERROR\s+│", text);
        Assert.Matches(@"│ AAPL\s+│ bad \[response\]\s+│", text);
        Assert.Matches(@"│ 7203\.T\s+│\s+│", text);
    }
}
