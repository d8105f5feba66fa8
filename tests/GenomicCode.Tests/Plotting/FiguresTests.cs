using GenomicCode.Plotting;

namespace GenomicCode.Tests.Plotting;

public class FiguresTests
{
    [Fact]
    public void Should_RenderAnImageGridToPng_When_GivenPlainData()
    {
        using var dir = new TempDir();
        var rng = new Random(0);
        var pixels = Enumerable.Range(0, 2 * 3 * 8 * 8).Select(_ => (float)rng.NextDouble()).ToArray();
        string path = Figures.SaveImageGrid(new ImageGrid(2, 3, 8, 8, pixels, new[] { "a", "b" }), "grid", dir["grid.png"]);
        byte[] png = File.ReadAllBytes(path);
        Assert.True(png.Length > 1000);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }

    [Fact]
    public void Should_RenderCurvesToSvg_When_ExtensionIsSvg()
    {
        using var dir = new TempDir();
        var series = new Dictionary<string, (double[], double[])> { ["loss"] = (new double[] { 1, 2, 3 }, new double[] { 3, 2, 1 }) };
        string path = Figures.SaveCurves("loss", "nats", series, dir["c.svg"]);
        Assert.Contains("<svg", File.ReadAllText(path));
    }

    [Fact]
    public void Should_DrawALogAxisLabelledWithValues_And_NoLegendOverTheCurve_When_OneLossSeries()
    {
        var steps = Enumerable.Range(1, 300).Select(i => (double)i).ToArray();
        var loss = steps.Select(s => 3000 / s + 80).ToArray(); // 3080 at step 1, 90 at step 300
        var figure = Figures.DrawCurves("Training loss", "nats", new Dictionary<string, (double[], double[])> { ["loss"] = (steps, loss) }, logY: true);
        figure.ToPng();
        var labels = figure.Plot.Axes.Left.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Label).ToArray();
        Assert.Equal(new[] { "100", "1000" }, labels); // decades labelled with the values, not their logarithms
        Assert.False(figure.Plot.Legend.IsVisible);
    }

    [Fact]
    public void Should_PutTheLegendRightOfTheDataArea_When_TwoSeries()
    {
        var x = new double[] { 1, 2, 3 };
        var one = Figures.DrawCurves("curves", "nats", new Dictionary<string, (double[], double[])> { ["a"] = (x, x) });
        var two = Figures.DrawCurves("curves", "nats", new Dictionary<string, (double[], double[])> { ["a"] = (x, x), ["b"] = (x, x.Reverse().ToArray()) });
        one.ToPng();
        two.ToPng();
        // The legend takes a panel of its own on the right: the data area ends further left than without it.
        Assert.True(two.Plot.RenderManager.LastRender.DataRect.Right < one.Plot.RenderManager.LastRender.DataRect.Right - 40);
    }

    [Fact]
    public void Should_RejectMismatchedPixelCounts()
    {
        var e = Assert.Throws<ArgumentException>(() => new ImageGrid(2, 2, 4, 4, new float[10]).Validate());
        Assert.Contains("needs 64 pixels", e.Message);
    }

    [Fact]
    public void Should_ReturnAFigureThatRendersAndSaves_When_DrawnInsteadOfSaved()
    {
        // Given an image grid drawn as an object
        using var dir = new TempDir();
        var pixels = Enumerable.Range(0, 1 * 2 * 8 * 8).Select(i => (i % 7) / 7f).ToArray();
        var figure = Figures.DrawImageGrid(new ImageGrid(1, 2, 8, 8, pixels), "Two tiles: a/b");

        // When it is rendered and saved
        byte[] png = figure.ToPng();
        string svg = figure.ToSvg();
        string path = figure.Save(dir[figure.FileName()]);

        // Then PNG bytes, an SVG document and a file named after the title come back, at the figure's size
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.Equal(figure.Width, (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19]); // IHDR width
        Assert.Contains("<svg", svg);
        Assert.Equal("two-tiles-a-b.png", Path.GetFileName(path));
        Assert.Equal(png.Length > 0, File.ReadAllBytes(path).Length > 0);
    }

    [Fact]
    public void Should_ShareOutValuesOverBins_When_DrawingAHistogram()
    {
        // Given values that fall in two clusters
        var values = new double[] { 0, 0.1, 0.2, 9.8, 9.9, 10, double.NaN };

        // When drawn
        var figure = AnalysisFigures.DrawHistogram("clusters", "value", values, bins: 10);

        // Then the bars hold the share of finite values per bin: 3/6 in the first, 3/6 in the last, none between
        var bars = figure.Plot.GetPlottables<ScottPlot.Plottables.BarPlot>().Single().Bars;
        Assert.Equal(10, bars.Count);
        Assert.Equal(0.5, bars[0].Value, 12);
        Assert.Equal(0.5, bars[^1].Value, 12);
        Assert.All(bars.Skip(1).Take(8), b => Assert.Equal(0, b.Value));
        Assert.Throws<ArgumentException>(() => AnalysisFigures.DrawHistogram("x", "v", new[] { double.NaN }));
    }
}
