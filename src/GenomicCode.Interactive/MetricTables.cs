using System.Net;
using System.Text;
using GenomicCode.Metrics;

namespace GenomicCode.Interactive;

/// <summary>Metric scores (<see cref="ScoreTable"/>, or the dictionaries <c>ICodeMetric.Score</c> returns) as HTML tables.</summary>
public static class MetricTables
{
    /// <summary>The table: a header row of score names, then one row per run, each value with the table's decimals ("n/a" for NaN or missing).</summary>
    public static string ToHtml(ScoreTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var html = new StringBuilder("<table><thead><tr><th>run</th>");
        foreach (string name in table.Columns) html.Append("<th>").Append(WebUtility.HtmlEncode(name)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        for (int r = 0; r < table.Rows.Count; r++)
        {
            html.Append("<tr><td>").Append(WebUtility.HtmlEncode(table.Rows[r])).Append("</td>");
            for (int c = 0; c < table.Columns.Count; c++)
                html.Append("<td style=\"text-align: right\">").Append(table.Cell(r, c)).Append("</td>");
            html.Append("</tr>");
        }
        return html.Append("</tbody></table>").ToString();
    }

    /// <summary>A two-column table of one run's scores: score name, value (3 decimals; NaN shown as "n/a").</summary>
    public static string ToHtml(IReadOnlyDictionary<string, double> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var table = ScoreTable.Of(scores);
        var html = new StringBuilder("<table><thead><tr><th>score</th><th>value</th></tr></thead><tbody>");
        for (int c = 0; c < table.Columns.Count; c++)
            html.Append("<tr><td>").Append(WebUtility.HtmlEncode(table.Columns[c])).Append("</td><td style=\"text-align: right\">")
                .Append(table.Cell(0, c)).Append("</td></tr>");
        return html.Append("</tbody></table>").ToString();
    }

    /// <summary>One row per run, one column per score name (the union over runs; missing scores shown as "n/a"), 3 decimals.</summary>
    public static string ToHtml(IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> scoresByRun) =>
        ToHtml(new ScoreTable(scoresByRun));
}
