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
}
