namespace GenomicCode.Plotting;

/// <summary>Figures of nucleotide genomes and what they encode, from plain data; PNG or SVG by extension.</summary>
public static class GenomeFigures
{
    /// <summary>
    /// Saves the regulatory matrix of one genome (<see cref="DrawRegulation"/>) to <paramref name="path"/> and returns the path.
    /// </summary>
    public static string SaveRegulation(string title, double[,] weights, IReadOnlyList<string> genes, IReadOnlyList<string> regulators, string path) =>
        DrawRegulation(title, weights, genes, regulators).Save(path);

    /// <summary>
    /// The regulatory matrix W of one genome as a diverging heatmap, genes (targets) by regulators: W[target, regulator]
    /// is the effect of the regulator on the target gene (red activates, blue represses), one row per gene labelled by
    /// <paramref name="genes"/>, one column per regulator labelled by <paramref name="regulators"/>.
    /// </summary>
    public static Figure DrawRegulation(string title, double[,] weights, IReadOnlyList<string> genes, IReadOnlyList<string> regulators)
    {
        var figure = AnalysisFigures.DrawHeatmap(title, weights, genes, regulators, "W[target, regulator]", diverging: true);
        figure.Plot.Axes.Left.Label.Text = "target gene";
        figure.Plot.Axes.Bottom.Label.Text = "regulator";
        figure.Plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        figure.Plot.Axes.Bottom.TickLabelStyle.Alignment = ScottPlot.Alignment.MiddleLeft;
        return figure;
    }

    /// <summary>
    /// Manhattan-style plot of locus effects: x the locus (1-based position in the genome), y the effect of a point
    /// mutation there on each trait (one marker series per trait), a dashed line at <paramref name="threshold"/> (the
    /// effect above which a locus counts towards pleiotropy and polygenicity), and a dotted vertical line at each
    /// position in <paramref name="partStarts"/> (for example where each gene begins). <paramref name="effects"/> has one
    /// row per locus and one value per trait.
    /// </summary>
    public static Figure DrawLoci(string title, IReadOnlyList<IReadOnlyList<double>> effects, IReadOnlyList<string> traits, double threshold,
        IReadOnlyList<int>? partStarts = null, string yLabel = "effect of a point mutation (trait SD)")
    {
        if (effects.Count == 0) throw new ArgumentException("a locus plot needs at least one locus.");
        if (traits.Count == 0) throw new ArgumentException("a locus plot needs at least one trait.");
        for (int l = 0; l < effects.Count; l++)
            if (effects[l].Count != traits.Count) throw new ArgumentException($"locus {l + 1} has {effects[l].Count} effects but there are {traits.Count} traits.");
        var plot = new ScottPlot.Plot();
        var xs = Enumerable.Range(1, effects.Count).Select(i => (double)i).ToArray();
        for (int t = 0; t < traits.Count; t++)
        {
            var markers = plot.Add.ScatterPoints(xs, effects.Select(row => row[t]).ToArray());
            markers.LegendText = traits[t];
            markers.MarkerSize = 5;
        }
        if (partStarts is not null)
            foreach (int start in partStarts)
            {
                var line = plot.Add.VerticalLine(start + 0.5);
                line.LinePattern = ScottPlot.LinePattern.Dotted;
                line.LineColor = ScottPlot.Colors.Gray.WithAlpha(0.6);
            }
        var cut = plot.Add.HorizontalLine(threshold);
        cut.LinePattern = ScottPlot.LinePattern.Dashed;
        cut.LegendText = $"threshold {threshold:G3}";
        plot.Title(title);
        plot.XLabel("locus (position in the genome)");
        plot.YLabel(yLabel);
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return new Figure(plot, Math.Max(900, Math.Min(2400, 4 * effects.Count + 200)), 500, title);
    }
}
