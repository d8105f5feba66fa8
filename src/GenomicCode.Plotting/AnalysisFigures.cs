using ScottPlot;

namespace GenomicCode.Plotting;

/// <summary>Figures for measurements (metrics, effect matrices, robustness), from plain data; PNG or SVG by extension.</summary>
public static class AnalysisFigures
{
    /// <summary>
    /// Grouped bar chart of metric scores across runs: one group per metric, one bar (and legend entry) per run.
    /// Missing scores are left out.
    /// </summary>
    public static string SaveMetricBars(string title, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> scoresByRun, string path) =>
        DrawMetricBars(title, scoresByRun).Save(path);

    /// <summary>
    /// The grouped bar chart of <see cref="SaveMetricBars"/> as a <see cref="Figure"/>; <paramref name="yLabel"/> names
    /// the quantity when the bars are not scores (for example the KL of each latent dimension per run).
    /// </summary>
    public static Figure DrawMetricBars(string title, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> scoresByRun, string yLabel = "score")
    {
        if (scoresByRun.Count == 0) throw new ArgumentException("a metric bar chart needs at least one run.");
        var metrics = scoresByRun.Values.SelectMany(s => s.Keys).Distinct().ToArray();
        if (metrics.Length == 0) throw new ArgumentException("a metric bar chart needs at least one score.");
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int runs = scoresByRun.Count, r = 0;
        double width = 0.8 / runs;
        foreach (var (run, scores) in scoresByRun)
        {
            var bars = new List<Bar>();
            for (int m = 0; m < metrics.Length; m++)
            {
                if (!scores.TryGetValue(metrics[m], out double v) || !double.IsFinite(v)) continue;
                double centre = m - 0.4 + width * (r + 0.5);
                bars.Add(new Bar { Position = centre, Value = v, Size = width * 0.9, FillColor = palette.GetColor(r), Label = runs == 1 ? v.ToString("F2") : "" });
            }
            var plottable = plot.Add.Bars(bars);
            plottable.LegendText = run;
            r++;
        }
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int m = 0; m < metrics.Length; m++) ticks.AddMajor(m, metrics[m]);
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.TickLabelStyle.Rotation = 30;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        int longest = metrics.Max(m => m.Length);
        plot.Axes.Bottom.MinimumSize = 12 + 6.5f * longest * 0.5f;      // room for the names rotated by 30 degrees (sin 30)
        plot.Axes.Right.MinimumSize = 10 + 6.5f * longest * 0.87f;      // the last name runs right of the plot (cos 30)
        plot.Axes.Margins(bottom: 0);
        // Headroom above the tallest bar for the legend (one row per run), so that it never covers a bar.
        double headroom = runs > 1 ? 1.12 + 0.08 * runs : 1.1;
        plot.Axes.SetLimitsY(0, Math.Max(1.05, scoresByRun.Values.SelectMany(s => s.Values).Where(double.IsFinite).DefaultIfEmpty(1).Max() * headroom));
        plot.YLabel(yLabel);
        plot.Title(title);
        if (runs > 1) plot.ShowLegend(Alignment.UpperRight);
        else plot.HideLegend();
        return new Figure(plot, Math.Max(600, 90 * metrics.Length * Math.Max(1, runs / 2) + 200) + (int)(6.5 * longest * 0.87), 600, title);
    }

    /// <summary>
    /// Heatmap of a matrix with labelled rows and columns (for example genes x traits of an effect matrix, or codes x
    /// factors of mutual information), a colour bar, and the value written in each cell when the matrix is small.
    /// With <paramref name="diverging"/>, the colour scale is symmetric around zero.
    /// </summary>
    public static string SaveHeatmap(string title, double[,] values, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels,
        string path, string colorLabel = "", bool diverging = false) =>
        DrawHeatmap(title, values, rowLabels, columnLabels, colorLabel, diverging).Save(path);

    /// <summary>
    /// The labelled heatmap of <see cref="SaveHeatmap"/> from rows given as arrays (for example a correlated-response
    /// matrix stored row by row); every row must have as many values as there are column labels.
    /// </summary>
    public static Figure DrawHeatmap(string title, IReadOnlyList<IReadOnlyList<double>> rows, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels,
        string colorLabel = "", bool diverging = false)
    {
        var values = new double[rows.Count, columnLabels.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].Count != columnLabels.Count)
                throw new ArgumentException($"row {i} has {rows[i].Count} values but there are {columnLabels.Count} column labels.");
            for (int j = 0; j < columnLabels.Count; j++) values[i, j] = rows[i][j];
        }
        return DrawHeatmap(title, values, rowLabels, columnLabels, colorLabel, diverging);
    }

    /// <summary>The labelled heatmap of <see cref="SaveHeatmap"/> as a <see cref="Figure"/>.</summary>
    public static Figure DrawHeatmap(string title, double[,] values, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels,
        string colorLabel = "", bool diverging = false)
    {
        int rows = values.GetLength(0), cols = values.GetLength(1);
        if (rows < 1 || cols < 1) throw new ArgumentException("a heatmap needs at least one row and one column.");
        if (rowLabels.Count != rows) throw new ArgumentException($"expected {rows} row labels, got {rowLabels.Count}.");
        if (columnLabels.Count != cols) throw new ArgumentException($"expected {cols} column labels, got {columnLabels.Count}.");
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(values);
        heatmap.Extent = new CoordinateRect(0, cols, 0, rows);
        double maxAbs = values.Cast<double>().Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(1).Max();
        if (maxAbs == 0) maxAbs = 1;
        if (diverging)
        {
            heatmap.Colormap = new ScottPlot.Colormaps.Balance();
            heatmap.ManualRange = new ScottPlot.Range(-maxAbs, maxAbs);
        }
        else
        {
            heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        }
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = colorLabel;
        if (rows * cols <= 400)
        {
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                {
                    var text = plot.Add.Text(values[i, j].ToString(Math.Abs(values[i, j]) >= 100 ? "F0" : "F2"), j + 0.5, rows - i - 0.5);
                    text.LabelFontSize = 10;
                    text.LabelAlignment = Alignment.MiddleCenter;
                    text.LabelFontColor = Colors.White;
                    text.LabelBackgroundColor = Colors.Black.WithAlpha(0.35);
                }
        }
        var left = new ScottPlot.TickGenerators.NumericManual();
        for (int i = 0; i < rows; i++) left.AddMajor(rows - i - 0.5, rowLabels[i]); // row 0 at the top
        var bottom = new ScottPlot.TickGenerators.NumericManual();
        for (int j = 0; j < cols; j++) bottom.AddMajor(j + 0.5, columnLabels[j]);
        plot.Axes.Left.TickGenerator = left;
        plot.Axes.Bottom.TickGenerator = bottom;
        plot.Axes.SetLimits(0, cols, 0, rows);
        plot.Grid.IsVisible = false;
        plot.Title(title);
        return new Figure(plot, Math.Max(Math.Max(500, 60 * cols + 260), 9 * title.Length + 160), Math.Max(400, 32 * rows + 160), title);
    }

    /// <summary>Line plot of named series against a shared x quantity (for example robustness against mutations k).</summary>
    public static string SaveLines(string title, string xLabel, string yLabel, IReadOnlyDictionary<string, (double[] X, double[] Y)> series, string path) =>
        DrawLines(title, xLabel, yLabel, series).Save(path);

    /// <summary>The line plot of <see cref="SaveLines"/> as a <see cref="Figure"/>.</summary>
    public static Figure DrawLines(string title, string xLabel, string yLabel, IReadOnlyDictionary<string, (double[] X, double[] Y)> series)
    {
        if (series.Count == 0) throw new ArgumentException("a line figure needs at least one series.");
        var plot = new Plot();
        foreach (var (name, (x, y)) in series)
        {
            if (x.Length != y.Length) throw new ArgumentException($"series '{name}' has {x.Length} x values but {y.Length} y values.");
            var line = plot.Add.Scatter(x, y);
            line.LegendText = name;
            line.MarkerSize = 6;
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        if (series.Count > 1) plot.ShowLegend();
        return new Figure(plot, 800, 500, title);
    }

    /// <summary>
    /// Histogram of <paramref name="values"/> in <paramref name="bins"/> equal-width bins from the smallest to the largest
    /// finite value, as the share of values per bin (bars sum to 1). Non-finite values are left out.
    /// </summary>
    public static Figure DrawHistogram(string title, string xLabel, IReadOnlyList<double> values, int bins = 30)
    {
        if (bins < 1) throw new ArgumentException($"a histogram needs at least one bin, got {bins}.");
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0) throw new ArgumentException("a histogram needs at least one finite value.");
        double lo = finite.Min(), hi = finite.Max();
        double width = hi > lo ? (hi - lo) / bins : 1;
        var counts = new double[bins];
        foreach (double v in finite) counts[Math.Min(bins - 1, (int)((v - lo) / width))]++;
        var bars = counts.Select((c, i) => new Bar { Position = lo + (i + 0.5) * width, Value = c / finite.Length, Size = width * 0.95 }).ToList();
        var plot = new Plot();
        plot.Add.Bars(bars);
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel("share of values");
        return new Figure(plot, 800, 500, title);
    }

    /// <summary>
    /// Training curves: one panel-free figure per call with every named series against the step; series with very
    /// different scales should be passed in separate calls.
    /// </summary>
    public static string SaveTrainingCurves(string title, IReadOnlyDictionary<string, (double[] Steps, double[] Values)> series, string path) =>
        SaveLines(title, "step", "value", series, path);
}

/// <summary>Saves plots atomically (<see cref="GenomicCode.Core.AtomicFile"/>), as PNG or SVG by extension.</summary>
internal static class FigureFiles
{
    internal static string Save(Plot plot, string path, int width, int height)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
            GenomicCode.Core.AtomicFile.WriteAllText(path, plot.GetSvgXml(width, height));
        else
            GenomicCode.Core.AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ImageFormat.Png));
        return path;
    }
}
