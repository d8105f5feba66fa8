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

    [Theory]
    [InlineData(3, 8, null)]            // rows of eight sprites (notebook 01's figures)
    [InlineData(3, 3, "row label")]     // labelled rows take a wider left margin; tiles keep their shape
    public void Should_DrawTilesAtTheirTrueAspectRatio_When_DrawingAnImageGrid(int rows, int columns, string? rowLabel)
    {
        // Given tiles of mid grey (0.5), square ones and 8x16 ones, so a stretched figure would show
        foreach (var (tileH, tileW) in new[] { (16, 16), (8, 16) })
        {
            var pixels = Enumerable.Repeat(0.5f, rows * columns * tileH * tileW).ToArray();
            var labels = rowLabel is null ? null : Enumerable.Range(0, rows).Select(r => $"{rowLabel} {r}").ToArray();
            var figure = Figures.DrawImageGrid(new ImageGrid(rows, columns, tileH, tileW, pixels, labels), "tiles");

            // When rendered
            using var bmp = SkiaSharp.SKBitmap.Decode(figure.ToPng());
            Assert.Equal((figure.Width, figure.Height), (bmp.Width, bmp.Height));

            // Then the tile in the middle of the grid (row 1, column 1, away from the frame) is tileW x tileH times the
            // grid's whole-number scale: walk the middle tile row's centre line to the second grey run, then up and down
            int scale = Figures.ImageGridScale(rows * (tileH + 2) - 2, columns * (tileW + 2) - 2);
            int gridTop = 44 /* the title margin */, y0 = gridTop + (tileH + 2) * scale + tileH * scale / 2;
            var runs = new List<(int Left, int Width)>();
            for (int x = 0; x < bmp.Width;)
            {
                var c = bmp.GetPixel(x, y0);
                int width = 1;
                while (x + width < bmp.Width && bmp.GetPixel(x + width, y0) == c) width++;
                if (width >= 8 && c.Red == c.Green && c.Green == c.Blue && c.Red is > 100 and < 160) runs.Add((x, width));
                x += width;
            }
            Assert.True(runs.Count == columns, $"{runs.Count} grey tiles on the middle tile row, expected {columns}");
            var (left, tileWidth) = runs[1];
            var grey = bmp.GetPixel(left, y0);
            int top = y0, bottom = y0;
            while (top > 0 && bmp.GetPixel(left + tileWidth / 2, top - 1) == grey) top--;
            while (bottom + 1 < bmp.Height && bmp.GetPixel(left + tileWidth / 2, bottom + 1) == grey) bottom++;
            Assert.Equal((tileW * scale, tileH * scale), (tileWidth, bottom - top + 1));
            // and the next tile starts a whole tile and gap later: no drift across the grid
            Assert.Equal((tileW + 2) * scale, runs[2].Left - left);
        }
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
