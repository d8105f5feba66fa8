using ScottPlot;

namespace GenomicCode.Plotting;

/// <summary>
/// Figures of a study (many runs over a grid and seeds), from plain data: a metric's distribution per setting across
/// seeds (box and points, as Locatello et al. 2019 show seed variance), and a metric against a hyper-parameter.
/// </summary>
public static class StudyFigures
{
    /// <summary>Saves <see cref="DrawDistributions"/> as PNG or SVG by extension.</summary>
    public static string SaveDistributions(string title, string yLabel, IReadOnlyList<(string Label, double[] Values)> groups, string path) =>
        DrawDistributions(title, yLabel, groups).Save(path);

    /// <summary>
    /// One box per group (quartiles, median line, whiskers to the smallest and largest value) with every value drawn as
    /// a point beside it; groups in the order given, labelled below. Non-finite values are left out.
    /// </summary>
    public static Figure DrawDistributions(string title, string yLabel, IReadOnlyList<(string Label, double[] Values)> groups)
    {
        if (groups.Count == 0) throw new ArgumentException("a distribution figure needs at least one group.");
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int drawn = 0;
        for (int g = 0; g < groups.Count; g++)
        {
            var sorted = groups[g].Values.Where(double.IsFinite).Order().ToArray();
            if (sorted.Length == 0) continue;
            var box = plot.Add.Box(new Box
            {
                Position = g,
                BoxMin = Quantile(sorted, 0.25),
                BoxMax = Quantile(sorted, 0.75),
                BoxMiddle = Quantile(sorted, 0.5),
                WhiskerMin = sorted[0],
                WhiskerMax = sorted[^1],
                Width = 0.5,
            });
            box.FillColor = palette.GetColor(g).WithAlpha(0.3);
            box.LineColor = palette.GetColor(g);
            // Every run as a point over its box, spread sideways by a fixed low-discrepancy jitter so equal values stay visible.
            var xs = sorted.Select((_, i) => g + (i * 0.618034 % 1 - 0.5) * 0.3).ToArray();
            plot.Add.Markers(xs, sorted, MarkerShape.FilledCircle, 6, palette.GetColor(g));
            drawn++;
        }
        if (drawn == 0) throw new ArgumentException("a distribution figure needs at least one finite value.");
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int g = 0; g < groups.Count; g++) ticks.AddMajor(g, groups[g].Label);
        plot.Axes.Bottom.TickGenerator = ticks;
        int longest = groups.Max(x => x.Label.Length);
        if (groups.Count > 3 || longest > 12)
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = 30;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
            plot.Axes.Bottom.MinimumSize = 12 + 6.5f * longest * 0.5f;
            plot.Axes.Right.MinimumSize = 10 + 6.5f * Math.Min(longest, 40) * 0.87f;
        }
        plot.Axes.SetLimitsX(-0.6, groups.Count - 0.4);
        plot.YLabel(yLabel);
        plot.Title(title);
        plot.HideLegend();
        return new Figure(plot, Math.Max(600, 70 * groups.Count + 240), 550, title);
    }

    /// <summary>Saves <see cref="DrawIntervals"/> as PNG or SVG by extension.</summary>
    public static string SaveIntervals(string title, string yLabel, IReadOnlyList<string> categories,
        IReadOnlyDictionary<string, IReadOnlyList<IntervalPoint>> series, string path) =>
        DrawIntervals(title, yLabel, categories, series).Save(path);

    /// <summary>
    /// Means with their intervals, grouped: categories (for example metrics) along the x axis and, within each, one
    /// column per series (for example a setting) side by side. Each column shows its replicates as small open circles,
    /// its mean as a filled marker and its interval as a vertical bar. A series has one point per category.
    /// </summary>
    public static Figure DrawIntervals(string title, string yLabel, IReadOnlyList<string> categories,
        IReadOnlyDictionary<string, IReadOnlyList<IntervalPoint>> series)
    {
        if (categories.Count == 0 || series.Count == 0) throw new ArgumentException("an interval figure needs at least one category and one series.");
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double width = 0.7, step = width / series.Count;
        int s = 0;
        foreach (var (name, points) in series)
        {
            if (points.Count != categories.Count)
                throw new ArgumentException($"series '{name}' has {points.Count} points for {categories.Count} categories.");
            var color = palette.GetColor(s);
            double offset = -width / 2 + step * (s + 0.5);
            var means = new List<(double X, double Y)>();
            for (int c = 0; c < categories.Count; c++)
            {
                var p = points[c];
                double x = c + offset;
                var values = p.Values.Where(double.IsFinite).ToArray();
                if (values.Length > 0)
                    plot.Add.Markers(values.Select((_, i) => x + (i - (values.Length - 1) / 2.0) * step * 0.15).ToArray(), values, MarkerShape.OpenCircle, 5, color.WithAlpha(0.7));
                if (double.IsFinite(p.Lower) && double.IsFinite(p.Upper))
                {
                    var bar = plot.Add.Line(x, p.Lower, x, p.Upper);
                    bar.Color = color;
                    bar.LineWidth = 2;
                }
                if (double.IsFinite(p.Mean)) means.Add((x, p.Mean));
            }
            var marks = plot.Add.Markers(means.Select(m => m.X).ToArray(), means.Select(m => m.Y).ToArray(), MarkerShape.FilledSquare, 9, color);
            marks.LegendText = name;
            s++;
        }
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int c = 0; c < categories.Count; c++) ticks.AddMajor(c, categories[c]);
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.SetLimitsX(-0.6, categories.Count - 0.4);
        // Scores in [0, 1] (most disentanglement metrics) keep the whole scale, with room above for the legend.
        var all = series.Values.SelectMany(p => p).SelectMany(p => p.Values.Append(p.Lower).Append(p.Upper)).Where(double.IsFinite).ToArray();
        if (all.Length > 0 && all.Min() >= 0 && all.Max() <= 1) plot.Axes.SetLimitsY(0, 1.15);
        plot.YLabel(yLabel);
        plot.Title(title);
        plot.ShowLegend(Alignment.UpperLeft);
        return new Figure(plot, Math.Max(700, 150 * categories.Count + 200), 550, title);
    }

    /// <summary>Saves <see cref="DrawAgainst"/> as PNG or SVG by extension.</summary>
    public static string SaveAgainst(string title, string xLabel, string yLabel, IReadOnlyDictionary<string, (double[] X, double[] Y)> series, string path) =>
        DrawAgainst(title, xLabel, yLabel, series).Save(path);

    /// <summary>
    /// A metric against a hyper-parameter: every run as a point and, per series, a line through the mean at each
    /// hyper-parameter value (one series per combination of the other settings).
    /// </summary>
    public static Figure DrawAgainst(string title, string xLabel, string yLabel, IReadOnlyDictionary<string, (double[] X, double[] Y)> series)
    {
        if (series.Count == 0) throw new ArgumentException("a figure against a hyper-parameter needs at least one series.");
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int s = 0;
        foreach (var (name, (x, y)) in series)
        {
            if (x.Length != y.Length) throw new ArgumentException($"series '{name}' has {x.Length} x values but {y.Length} y values.");
            var color = palette.GetColor(s++);
            var finite = x.Zip(y).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToArray();
            if (finite.Length == 0) continue;
            plot.Add.Markers(finite.Select(p => p.First).ToArray(), finite.Select(p => p.Second).ToArray(), MarkerShape.OpenCircle, 6, color);
            var means = finite.GroupBy(p => p.First).OrderBy(g => g.Key).Select(g => (X: g.Key, Y: g.Average(p => p.Second))).ToArray();
            var line = plot.Add.Scatter(means.Select(m => m.X).ToArray(), means.Select(m => m.Y).ToArray(), color);
            line.LegendText = series.Count > 1 ? $"{name} (mean)" : "mean over seeds";
            line.MarkerSize = 4;
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperRight);
        return new Figure(plot, 800, 500, title);
    }

    /// <summary>
    /// A square matrix of rank correlations between named metrics as a diverging heatmap (-1..1), column names
    /// rotated so long names stay readable; NaN cells (too few runs, or a constant metric) are left blank.
    /// </summary>
    public static Figure DrawRankCorrelation(string title, double[,] rho, IReadOnlyList<string> names)
    {
        if (rho.GetLength(0) != names.Count || rho.GetLength(1) != names.Count)
            throw new ArgumentException($"a {rho.GetLength(0)}x{rho.GetLength(1)} matrix needs {rho.GetLength(0)} names, got {names.Count}.");
        var figure = AnalysisFigures.DrawHeatmap(title, rho, names, names, "Spearman rho", diverging: true);
        int longest = names.Count == 0 ? 1 : names.Max(n => n.Length);
        var bottom = figure.Plot.Axes.Bottom;
        bottom.TickLabelStyle.Rotation = 45;
        bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        bottom.MinimumSize = 12 + 6.5f * longest * 0.72f;
        return new Figure(figure.Plot, figure.Width, figure.Height + (int)(6.5f * longest * 0.72f), title);
    }

    /// <summary>
    /// The <paramref name="p"/>-quantile of ascending <paramref name="sorted"/> values by linear interpolation between
    /// order statistics: h = (n - 1) p, x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]) (Hyndman and Fan 1996,
    /// definition 7; numpy's default).
    /// </summary>
    public static double Quantile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) throw new ArgumentException("a quantile needs at least one value.");
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"p must be in [0, 1], got {p}.");
        double h = (sorted.Count - 1) * p;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}

/// <summary>One column of <see cref="StudyFigures.DrawIntervals"/>: the replicates, their mean and the interval's ends (NaN: not drawn).</summary>
/// <param name="Values">The replicates.</param>
/// <param name="Mean">Their mean.</param>
/// <param name="Lower">Lower end of the interval.</param>
/// <param name="Upper">Upper end of the interval.</param>
public sealed record IntervalPoint(IReadOnlyList<double> Values, double Mean, double Lower, double Upper);
