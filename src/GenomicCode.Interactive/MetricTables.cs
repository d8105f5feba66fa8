using System.Globalization;
using System.Net;
using System.Text;

namespace GenomicCode.Interactive;

/// <summary>Metric scores (as returned by <c>IDisentanglementMetric.Evaluate</c>) as HTML tables.</summary>
public static class MetricTables
{
    /// <summary>A two-column table: score name, value (4 significant digits; NaN shown as "n/a").</summary>
    public static string ToHtml(IReadOnlyDictionary<string, double> scores)
    {
        var html = new StringBuilder("<table><thead><tr><th>score</th><th>value</th></tr></thead><tbody>");
        foreach (var (name, value) in scores)
            html.Append("<tr><td>").Append(WebUtility.HtmlEncode(name)).Append("</td><td>").Append(Format(value)).Append("</td></tr>");
        return html.Append("</tbody></table>").ToString();
    }

    /// <summary>One row per run, one column per score name (the union over runs; missing scores left empty).</summary>
    public static string ToHtml(IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> scoresByRun)
    {
        var names = scoresByRun.Values.SelectMany(s => s.Keys).Distinct().ToArray();
        var html = new StringBuilder("<table><thead><tr><th>run</th>");
        foreach (string name in names) html.Append("<th>").Append(WebUtility.HtmlEncode(name)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var (run, scores) in scoresByRun)
        {
            html.Append("<tr><td>").Append(WebUtility.HtmlEncode(run)).Append("</td>");
            foreach (string name in names)
                html.Append("<td>").Append(scores.TryGetValue(name, out double v) ? Format(v) : "").Append("</td>");
            html.Append("</tr>");
        }
        return html.Append("</tbody></table>").ToString();
    }

    private static string Format(double value) =>
        double.IsNaN(value) ? "n/a" : value.ToString("G4", CultureInfo.InvariantCulture);
}
