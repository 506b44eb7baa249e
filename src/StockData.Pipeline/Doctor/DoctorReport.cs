using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using StockData.Pipeline.Output;

namespace StockData.Pipeline.Doctor;

/// <summary>What <c>stockdata yahoo doctor</c> found: the settings it ran with, every step, and whether a chart request succeeded.</summary>
internal sealed record DoctorReport(string ChartBaseUrl, string SessionMode, IReadOnlyList<string> Egresses, IReadOnlyList<DoctorStep> Steps, bool ChartOk)
{
    /// <summary>The one-line verdict: the first failure's reason when no chart request succeeded.</summary>
    public string Verdict => ChartOk
        ? "a chart request succeeded"
        : "no chart request succeeded: " + (Steps.FirstOrDefault(s => s.Status == DoctorStatus.Failed)?.Detail ?? "no step ran");

    /// <summary>A table (Spectre on a terminal, fixed columns otherwise), then what to do for each failure, then the verdict.</summary>
    public void PrintText(TextWriter output)
    {
        output.WriteLine($"stockdata yahoo doctor: chart {ChartBaseUrl}, session mode {SessionMode}, egresses: {string.Join(", ", Egresses)}");
        var table = new TextTable(new TextColumn("egress", 8), new TextColumn("step", 13), new TextColumn("target", 40), new TextColumn("status", 8),
            new TextColumn("ms", 7, AlignRight: true), new TextColumn("detail"));
        foreach (var step in Steps)
        {
            table.Add(step.Egress, step.Name, step.Target, step.StatusText,
                step.Milliseconds is { } ms ? ms.ToString("0", CultureInfo.InvariantCulture) : "-", step.Detail);
        }

        table.Print();
        var advice = Steps.Where(s => s.Advice is not null).DistinctBy(s => (s.Egress, s.Name, s.Advice)).ToList();
        if (advice.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("what to do:");
            foreach (var step in advice)
            {
                output.WriteLine($"  {step.Egress} {step.Name}: {step.Advice}");
            }
        }

        output.WriteLine();
        output.WriteLine($"result: {Verdict}");
    }

    /// <summary>One JSON object for scripts: the settings, <c>ok</c>, <c>verdict</c> and the <c>steps</c> array.</summary>
    public void WriteJson(Stream output)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("chart_base_url", ChartBaseUrl);
        json.WriteString("session_mode", SessionMode);
        json.WriteStartArray("egresses");
        foreach (var egress in Egresses)
        {
            json.WriteStringValue(egress);
        }

        json.WriteEndArray();
        json.WriteBoolean("ok", ChartOk);
        json.WriteString("verdict", Verdict);
        json.WriteStartArray("steps");
        foreach (var step in Steps)
        {
            json.WriteStartObject();
            json.WriteString("egress", step.Egress);
            json.WriteString("step", step.Name);
            json.WriteString("target", step.Target);
            json.WriteString("status", step.StatusText);
            if (step.Milliseconds is { } ms)
            {
                json.WriteNumber("ms", Math.Round(ms, 1));
            }
            else
            {
                json.WriteNull("ms");
            }

            json.WriteString("detail", step.Detail);
            json.WriteString("advice", step.Advice);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        output.WriteByte((byte)'\n');
    }
}
