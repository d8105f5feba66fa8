using GenomicCode.Plotting;

namespace GenomicCode.Tests.Plotting;

public class AnalysisFiguresTests
{
    private static void AssertPng(string path) =>
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(path)[..4]);

    [Fact]
    public void Should_RenderMetricBarsAcrossRuns_When_GivenScores()
    {
        using var dir = new TempDir();
        var rng = new Random(0);
        var runs = new Dictionary<string, IReadOnlyDictionary<string, double>>
        {
            ["beta 1"] = new Dictionary<string, double> { ["mig"] = rng.NextDouble(), ["sap"] = rng.NextDouble() },
            ["beta 4"] = new Dictionary<string, double> { ["mig"] = rng.NextDouble(), ["dci_disentanglement"] = rng.NextDouble() },
        };
        AssertPng(AnalysisFigures.SaveMetricBars("metrics", runs, dir["bars.png"]));
        Assert.Contains("beta 4", File.ReadAllText(AnalysisFigures.SaveMetricBars("metrics", runs, dir["bars.svg"])));
    }

    [Fact]
    public void Should_LabelGenesAndRegulators_When_RenderingARegulatoryMatrix()
    {
        // Given a 3-gene network with one morphogen (3 signal inputs): W is 3 x 6
        using var dir = new TempDir();
        var w = new double[3, 6];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 6; j++) w[i, j] = (i - j) / 3.0;
        var genes = new[] { "g0", "g1", "g2" };
        var regulators = new[] { "g0", "g1", "g2", "g0 mean", "g0 dx", "g0 dy" };
        // Then the figure names the axes, every gene and every regulator, and a bad shape is refused
        string svg = File.ReadAllText(GenomeFigures.SaveRegulation("regulation of genome 1", w, genes, regulators, dir["w.svg"]));
        Assert.Contains("target gene", svg);
        Assert.Contains("regulator", svg);
        Assert.Contains("g0 dy", svg);
        AssertPng(GenomeFigures.SaveRegulation("regulation", w, genes, regulators, dir["w.png"]));
        Assert.Throws<ArgumentException>(() => GenomeFigures.SaveRegulation("x", w, genes, genes, dir["bad.png"]));
    }

    [Fact]
    public void Should_LabelGenesAndTraits_When_RenderingAnEffectHeatmap()
    {
        using var dir = new TempDir();
        var rng = new Random(0);
        var m = new double[4, 3];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 3; j++) m[i, j] = rng.NextDouble() * 2 - 1;
        string svg = File.ReadAllText(AnalysisFigures.SaveHeatmap("effects", m, new[] { "g0", "g1", "g2", "g3" }, new[] { "posX", "posY", "scale" },
            dir["h.svg"], "effect", diverging: true));
        Assert.Contains("posY", svg);
        Assert.Contains("g3", svg);
        AssertPng(AnalysisFigures.SaveHeatmap("effects", m, new[] { "g0", "g1", "g2", "g3" }, new[] { "a", "b", "c" }, dir["h.png"]));
        Assert.Throws<ArgumentException>(() => AnalysisFigures.SaveHeatmap("x", m, new[] { "g0" }, new[] { "a", "b", "c" }, dir["bad.png"]));
    }

    [Fact]
    public void Should_RenderRobustnessAndTrainingCurves()
    {
        using var dir = new TempDir();
        var rng = new Random(0);
        var k = new double[] { 1, 2, 4, 8 };
        var series = new Dictionary<string, (double[], double[])> { ["mutational"] = (k, k.Select(_ => rng.NextDouble()).ToArray()) };
        AssertPng(AnalysisFigures.SaveLines("robustness", "mutations k", "share within epsilon", series, dir["r.png"]));
        Assert.Contains("<svg", File.ReadAllText(AnalysisFigures.SaveTrainingCurves("curves", series, dir["t.svg"])));
    }

    [Fact]
    public void Should_DrawTheSameHeatmap_When_RowsComeAsArrays()
    {
        // Given a 2x3 matrix as rows
        double[][] rows = { new[] { 1.0, -2, 3 }, new[] { 0.5, 0, -0.5 } };

        // When drawn from rows and from the rectangular array
        var fromRows = AnalysisFigures.DrawHeatmap("m", rows, new[] { "a", "b" }, new[] { "x", "y", "z" });
        var fromArray = AnalysisFigures.DrawHeatmap("m", new double[,] { { 1, -2, 3 }, { 0.5, 0, -0.5 } }, new[] { "a", "b" }, new[] { "x", "y", "z" });

        // Then both hold the same values; a ragged row is refused
        var a = fromRows.Plot.GetPlottables<ScottPlot.Plottables.Heatmap>().Single().Intensities;
        var b = fromArray.Plot.GetPlottables<ScottPlot.Plottables.Heatmap>().Single().Intensities;
        Assert.Equal(b.Cast<double>(), a.Cast<double>());
        Assert.Equal(-2, a[0, 1]);
        Assert.Throws<ArgumentException>(() => AnalysisFigures.DrawHeatmap("m", new[] { new[] { 1.0 }, new[] { 1.0, 2 } }, new[] { "a", "b" }, new[] { "x", "y" }));
    }

    [Fact]
    public void Should_LabelTheValueAxis_When_BarsAreNotScores()
    {
        var runs = new Dictionary<string, IReadOnlyDictionary<string, double>> { ["vae"] = new Dictionary<string, double> { ["z0"] = 2.5, ["z1"] = 0.1 } };

        Assert.Equal("score", AnalysisFigures.DrawMetricBars("scores", runs).Plot.Axes.Left.Label.Text);
        Assert.Equal("KL (nats)", AnalysisFigures.DrawMetricBars("kl", runs, yLabel: "KL (nats)").Plot.Axes.Left.Label.Text);
    }
}
