using ScottPlot;

namespace GenomicCode.Plotting;

/// <summary>Benchmark figures: throughput against problem size on logarithmic axes.</summary>
public static class BenchmarkFigures
{
    /// <summary>
    /// Throughput (for example organisms per second) of named series against a size (for example the population P),
    /// both axes logarithmic (x in base 2, y in base 10); every size of every series gets a tick.
    /// </summary>
    public static Figure DrawThroughput(string title, string xLabel, string yLabel, IReadOnlyDictionary<string, (double[] Size, double[] Rate)> series)
    {
        if (series.Count == 0) throw new ArgumentException("a throughput figure needs at least one series.");
        var plot = new Plot();
        var sizes = new SortedSet<double>();
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var (name, (x, y)) in series)
        {
            if (x.Length != y.Length) throw new ArgumentException($"series '{name}' has {x.Length} sizes but {y.Length} rates.");
            if (x.Any(v => !(v > 0)) || y.Any(v => !(v > 0))) throw new ArgumentException($"series '{name}' has a size or rate that is not positive; both axes are logarithmic.");
            var line = plot.Add.Scatter(x.Select(Math.Log2).ToArray(), y.Select(Math.Log10).ToArray());
            line.LegendText = name;
            line.MarkerSize = 7;
            foreach (double v in x) sizes.Add(v);
            if (y.Length > 0) { lo = Math.Min(lo, y.Min()); hi = Math.Max(hi, y.Max()); }
        }
        if (sizes.Count == 0) throw new ArgumentException("a throughput figure needs at least one point.");
        var bottom = new ScottPlot.TickGenerators.NumericManual();
        foreach (double s in sizes) bottom.AddMajor(Math.Log2(s), s.ToString("G6", System.Globalization.CultureInfo.InvariantCulture));
        plot.Axes.Bottom.TickGenerator = bottom;
        var left = new ScottPlot.TickGenerators.NumericManual();
        int bottomDecade = (int)Math.Floor(Math.Log10(lo)), topDecade = Math.Max(bottomDecade + 1, (int)Math.Ceiling(Math.Log10(hi)));
        for (int k = bottomDecade; k <= topDecade; k++)
            left.AddMajor(k, Math.Pow(10, k).ToString("G6", System.Globalization.CultureInfo.InvariantCulture));
        plot.Axes.Left.TickGenerator = left;
        plot.Axes.SetLimits(Math.Log2(sizes.Min) - 0.5, Math.Log2(sizes.Max) + 0.5, bottomDecade, topDecade); // whole decades
        plot.Title(title);
        plot.XLabel(xLabel + " (log scale)");
        plot.YLabel(yLabel + " (log scale)");
        if (series.Count > 1) plot.ShowLegend(Edge.Bottom); // below the axes: never over a point
        return new Figure(plot, 900, 600 + 20 * series.Count, title);
    }

    /// <summary>Draws <see cref="DrawThroughput"/> and saves it (PNG or SVG by extension).</summary>
    public static string SaveThroughput(string title, string xLabel, string yLabel, IReadOnlyDictionary<string, (double[] Size, double[] Rate)> series, string path) =>
        DrawThroughput(title, xLabel, yLabel, series).Save(path);
}
