using ScottPlot;

namespace GenomicCode.Plotting;

/// <summary>
/// A 2-D slice of an energy landscape as plain data: Energy[i, j] at (Xs[j], Ys[i]), plus trajectories drawn on top.
/// </summary>
/// <param name="Xs">Coordinates along the horizontal axis (ascending).</param>
/// <param name="Ys">Coordinates along the vertical axis (ascending).</param>
/// <param name="Energy">Energies, rows along <paramref name="Ys"/>, columns along <paramref name="Xs"/>.</param>
/// <param name="Trajectories">Paths as (x, y) arrays of equal length.</param>
public sealed record LandscapePlotData(double[] Xs, double[] Ys, double[,] Energy, IReadOnlyList<(double[] X, double[] Y)> Trajectories)
{
    /// <summary>Throws when sizes disagree.</summary>
    public LandscapePlotData Validate()
    {
        if (Xs.Length < 2 || Ys.Length < 2) throw new ArgumentException($"a landscape needs at least 2x2 points, got {Xs.Length}x{Ys.Length}.");
        if (Energy.GetLength(0) != Ys.Length || Energy.GetLength(1) != Xs.Length)
            throw new ArgumentException($"energy grid is {Energy.GetLength(0)}x{Energy.GetLength(1)} but the axes have {Ys.Length}x{Xs.Length} points.");
        foreach (var (x, y) in Trajectories)
            if (x.Length != y.Length) throw new ArgumentException($"a trajectory has {x.Length} x values but {y.Length} y values.");
        return this;
    }
}

/// <summary>Energy-landscape figures.</summary>
public static class LandscapeFigure
{
    /// <summary>Draws the energy as a colour map with contour lines, and the trajectories (start marked), and saves it.</summary>
    /// <returns>The path written.</returns>
    public static string Save(LandscapePlotData data, string title, string path, string xLabel = "state x", string yLabel = "state y") =>
        Draw(data, title, xLabel, yLabel).Save(path);

    /// <summary>The landscape figure of <see cref="Save"/> as a <see cref="Figure"/>.</summary>
    public static Figure Draw(LandscapePlotData data, string title, string xLabel = "state x", string yLabel = "state y")
    {
        data.Validate();
        int rows = data.Ys.Length, cols = data.Xs.Length;
        // ScottPlot draws heatmap row 0 at the top; flip so that Ys ascend upwards.
        var flipped = new double[rows, cols];
        var points = new Coordinates3d[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
            {
                flipped[rows - 1 - i, j] = data.Energy[i, j];
                points[i, j] = new Coordinates3d(data.Xs[j], data.Ys[i], data.Energy[i, j]);
            }
        var plot = new Plot();
        var heat = plot.Add.Heatmap(flipped);
        heat.Colormap = new ScottPlot.Colormaps.Viridis();
        heat.Extent = new CoordinateRect(data.Xs[0], data.Xs[^1], data.Ys[0], data.Ys[^1]);
        plot.Add.ColorBar(heat).Label = "energy";
        var contours = plot.Add.ContourLines(points);
        contours.LineColor = Colors.White.WithAlpha(0.6);
        foreach (var (x, y) in data.Trajectories)
        {
            if (x.Length == 0) continue;
            var line = plot.Add.ScatterLine(x, y, Colors.OrangeRed);
            line.LineWidth = 1.5f;
            var start = plot.Add.Marker(x[0], y[0], MarkerShape.OpenCircle, 6, Colors.White);
            var end = plot.Add.Marker(x[^1], y[^1], MarkerShape.FilledCircle, 6, Colors.OrangeRed);
            _ = (start, end);
        }
        plot.Axes.SetLimits(data.Xs[0], data.Xs[^1], data.Ys[0], data.Ys[^1]);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return new Figure(plot, 800, 650, title);
    }
}
