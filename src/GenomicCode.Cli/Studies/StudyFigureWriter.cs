using System.Text.RegularExpressions;
using GenomicCode.Plotting;
using GenomicCode.Studies;

namespace GenomicCode.Cli.Studies;

/// <summary>
/// Draws a study report's figures into figures/: each metric's distribution per setting across seeds (UDR among them),
/// each metric against each numeric hyper-parameter, and the rank correlation between metrics. Figures of an earlier
/// report that this one does not draw are removed, so the folder matches study.json.
/// </summary>
internal static partial class StudyFigureWriter
{
    /// <summary>Writes the figures and returns their paths relative to the study folder.</summary>
    internal static IReadOnlyList<string> Write(StudyFolder folder, StudyReport report)
    {
        string dir = folder.File(StudyFolder.FiguresFolder);
        Directory.CreateDirectory(dir);
        var written = new List<string>();
        string Save(Figure figure, string stem)
        {
            string name = Unsafe().Replace(stem, "-") + ".png";
            figure.Save(Path.Combine(dir, name));
            string relative = Path.Combine(StudyFolder.FiguresFolder, name);
            written.Add(relative);
            return relative;
        }
        foreach (string metric in report.Metrics)
        {
            var groups = report.ValuesBySetting(metric);
            if (groups.Count == 0) continue;
            int runs = groups.Sum(g => g.Values.Length);
            string what = metric == "udr" ? "UDR across the seeds of each setting" : $"{metric} per setting across seeds";
            Save(StudyFigures.DrawDistributions($"{report.Record.Name}: {what} ({runs} runs)", metric, groups), $"{metric}_by_setting");
            foreach (var axis in report.NumericAxes)
            {
                var series = report.Against(metric, axis);
                if (series.Count == 0) continue;
                Save(StudyFigures.DrawAgainst($"{report.Record.Name}: {metric} against {axis.ShortName}", axis.Name, metric, series), $"{metric}_vs_{axis.ShortName}");
            }
        }
        if (report.Metrics.Count >= 2)
        {
            var matrix = report.RankCorrelation();
            Save(StudyFigures.DrawRankCorrelation($"{report.Record.Name}: Spearman rank correlation between metrics ({report.Done} runs)", matrix, report.Metrics),
                "metric_rank_correlation");
        }
        var keep = written.Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        foreach (string old in Directory.EnumerateFiles(dir, "*.png"))
            if (!keep.Contains(Path.GetFileName(old))) File.Delete(old);
        return written;
    }

    [GeneratedRegex("[^A-Za-z0-9_.+-]+")]
    private static partial Regex Unsafe();
}
