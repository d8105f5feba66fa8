using ScottPlot;

namespace GenomicCode.Plotting;

/// <summary>Figures from plain data (never tensors), saved as PNG or SVG by the file extension.</summary>
public static class Figures
{
    private const int Gap = 2;

    /// <summary>Draws an image grid (for example inputs vs reconstructions, or latent traversals) and saves it.</summary>
    /// <returns>The path written.</returns>
    public static string SaveImageGrid(ImageGrid grid, string title, string path) => DrawImageGrid(grid, title).Save(path);

    /// <summary>
    /// Draws an image grid (for example inputs vs reconstructions, or latent traversals) as a <see cref="Figure"/>. The
    /// data area is sized to the grid, so tiles keep their aspect ratio and every image pixel is drawn as the same
    /// whole number of figure pixels (<see cref="ImageGridScale"/>); labels and title get fixed margins around it.
    /// </summary>
    public static Figure DrawImageGrid(ImageGrid grid, string title)
    {
        grid.Validate();
        int cellH = grid.Height + Gap, cellW = grid.Width + Gap;
        int h = grid.Rows * cellH - Gap, w = grid.Columns * cellW - Gap;
        var canvas = new double[h, w];
        for (int i = 0; i < h; i++)
            for (int j = 0; j < w; j++)
                canvas[i, j] = double.NaN; // gaps are transparent
        for (int r = 0; r < grid.Rows; r++)
            for (int c = 0; c < grid.Columns; c++)
                for (int y = 0; y < grid.Height; y++)
                    for (int x = 0; x < grid.Width; x++)
                        canvas[r * cellH + y, c * cellW + x] = Math.Clamp(grid[r, c, y, x], 0f, 1f);

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(canvas);
        heatmap.Colormap = new ScottPlot.Colormaps.Grayscale();
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        heatmap.Rectangle = new CoordinateRect(0, w, 0, h); // the edges of the bitmap (Extent would place cell centres there)
        heatmap.Smooth = false;
        plot.Axes.SetLimits(0, w, 0, h);
        plot.Title(title);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual();
        plot.Axes.Left.TickGenerator = Labels(grid.RowLabels, cellH, h, fromTop: true);
        plot.Axes.Top.TickGenerator = new ScottPlot.TickGenerators.NumericManual();
        if (grid.ColumnLabels is not null)
        {
            plot.Axes.Bottom.TickGenerator = Labels(grid.ColumnLabels, cellW, w, fromTop: false);
        }
        plot.Grid.IsVisible = false;
        int scale = ImageGridScale(h, w);
        // Margins in pixels: room for the row labels at the left (about 7 px a character at the default 12 px font),
        // the column labels below and the title above.
        int longest = grid.RowLabels?.Max(l => l.Length) ?? 0;
        var padding = new PixelPadding(longest == 0 ? 12 : 20 + 7 * longest, 12, grid.ColumnLabels is null ? 12 : 32, 44);
        plot.Layout.Fixed(padding);
        int pxW = (int)(w * scale + padding.Left + padding.Right), pxH = (int)(h * scale + padding.Top + padding.Bottom);
        return new Figure(plot, pxW, pxH, title);
    }

    /// <summary>
    /// How many figure pixels an image pixel of an image grid of <paramref name="height"/> x <paramref name="width"/>
    /// pixels (gaps included) takes in <see cref="DrawImageGrid"/>: the largest whole number that keeps the grid within
    /// 900 pixels, at least 1.
    /// </summary>
    public static int ImageGridScale(int height, int width) => Math.Max(1, 900 / Math.Max(1, Math.Max(width, height)));

    /// <summary>Plots one or more named series against the step (training curves) and saves the figure.</summary>
    public static string SaveCurves(string title, string yLabel, IReadOnlyDictionary<string, (double[] X, double[] Y)> series, string path,
        bool logY = false) => DrawCurves(title, yLabel, series, logY).Save(path);

    /// <summary>
    /// Plots one or more named series against the step (training curves) as a <see cref="Figure"/>. With
    /// <paramref name="logY"/> the y axis is logarithmic (ticks labelled with the values, minor ticks within each
    /// decade; values at or below zero are drawn at 1e-12). The legend sits outside the data area, right of the
    /// plot, and only when there is more than one series.
    /// </summary>
    public static Figure DrawCurves(string title, string yLabel, IReadOnlyDictionary<string, (double[] X, double[] Y)> series, bool logY = false)
    {
        if (series.Count == 0) throw new ArgumentException("a curve figure needs at least one series.");
        var plot = new Plot();
        foreach (var (name, (x, y)) in series)
        {
            if (x.Length != y.Length) throw new ArgumentException($"series '{name}' has {x.Length} x values but {y.Length} y values.");
            var ys = logY ? y.Select(v => Math.Log10(Math.Max(v, 1e-12))).ToArray() : y;
            var line = plot.Add.ScatterLine(x, ys);
            line.LegendText = name;
        }
        plot.Title(title);
        plot.XLabel("step");
        plot.YLabel(yLabel);
        if (logY)
        {
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = v => Math.Pow(10, v).ToString("G4", System.Globalization.CultureInfo.InvariantCulture),
            };
        }
        if (series.Count > 1) plot.ShowLegend(Edge.Right);
        else plot.HideLegend();
        return new Figure(plot, 800, 500, title);
    }

    private static ScottPlot.TickGenerators.NumericManual Labels(IReadOnlyList<string>? labels, int cell, int extent, bool fromTop)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        if (labels is null) return ticks;
        for (int i = 0; i < labels.Count; i++)
        {
            double centre = i * cell + (cell - Gap) / 2.0;
            ticks.AddMajor(fromTop ? extent - centre : centre, labels[i]);
        }
        return ticks;
    }

}
