using GenomicCode.Plotting;

namespace GenomicCode.Tests.Plotting;

public class StudyFiguresTests
{
    private static void AssertPng(string path) =>
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(path)[..4]);

    [Fact]
    public void Should_InterpolateBetweenOrderStatistics_When_TakingQuantiles()
    {
        // Hyndman and Fan definition 7 on 1, 2, 3, 4: h = 3p, so Q1 = 1 + 0.75 = 1.75, median 2.5, Q3 = 3.25
        double[] x = { 1, 2, 3, 4 };
        Assert.Equal(1.75, StudyFigures.Quantile(x, 0.25), 12);
        Assert.Equal(2.5, StudyFigures.Quantile(x, 0.5), 12);
        Assert.Equal(3.25, StudyFigures.Quantile(x, 0.75), 12);
        Assert.Equal(4, StudyFigures.Quantile(x, 1), 12);
        Assert.Equal(7, StudyFigures.Quantile(new double[] { 7 }, 0.3), 12);
        Assert.Throws<ArgumentException>(() => StudyFigures.Quantile(Array.Empty<double>(), 0.5));
    }

    [Fact]
    public void Should_RenderOneBoxPerSetting_When_DrawingDistributionsAcrossSeeds()
    {
        using var dir = new TempDir();
        var groups = new List<(string, double[])> { ("beta=1", new[] { 0.1, 0.3, 0.2 }), ("beta=4", new[] { 0.5, double.NaN, 0.6 }), ("beta=16", new[] { 0.4 }) };

        AssertPng(StudyFigures.SaveDistributions("mig across seeds", "mig", groups, dir["d.png"]));
        string svg = File.ReadAllText(StudyFigures.SaveDistributions("mig across seeds", "mig", groups, dir["d.svg"]));

        Assert.Contains("beta=16", svg);
        Assert.Throws<ArgumentException>(() => StudyFigures.DrawDistributions("x", "y", new List<(string, double[])> { ("a", new[] { double.NaN }) }));
    }

    [Fact]
    public void Should_RenderEverySettingAndMetric_When_DrawingIntervals()
    {
        using var dir = new TempDir();
        var series = new Dictionary<string, IReadOnlyList<IntervalPoint>>
        {
            ["beta 1"] = new[] { new IntervalPoint(new[] { 0.05, 0.07, 0.09 }, 0.07, 0.02, 0.12), new IntervalPoint(new[] { 0.1, 0.1, 0.1 }, 0.1, 0.1, 0.1) },
            ["beta 4"] = new[] { new IntervalPoint(new[] { 0.08, 0.09 }, 0.085, double.NaN, double.NaN), new IntervalPoint(new[] { 0.12 }, 0.12, double.NaN, double.NaN) },
        };
        string svg = File.ReadAllText(StudyFigures.SaveIntervals("scores against beta", "score", new[] { "mig", "dci_disentanglement" }, series, dir["i.svg"]));

        foreach (string label in new[] { "beta 1", "beta 4", "mig", "dci_disentanglement", "scores against beta" }) Assert.Contains(label, svg);
        Assert.Throws<ArgumentException>(() => StudyFigures.DrawIntervals("x", "y", new[] { "mig" }, series));   // two points for one category
    }

    [Fact]
    public void Should_RenderPointsAndMeans_When_DrawingAMetricAgainstAHyperParameter()
    {
        using var dir = new TempDir();
        var series = new Dictionary<string, (double[], double[])>
        {
            ["regularizer=beta-vae"] = (new double[] { 1, 1, 4, 4 }, new[] { 0.1, 0.2, 0.4, 0.5 }),
            ["regularizer=beta-tcvae"] = (new double[] { 1, 4 }, new[] { 0.3, 0.6 }),
        };

        AssertPng(StudyFigures.SaveAgainst("mig against beta", "model.beta", "mig", series, dir["a.png"]));
        Assert.Contains("regularizer=beta-tcvae (mean)", File.ReadAllText(StudyFigures.SaveAgainst("mig against beta", "model.beta", "mig", series, dir["a.svg"])));
    }

    [Fact]
    public void Should_LabelEveryMetric_When_DrawingRankCorrelations()
    {
        using var dir = new TempDir();
        var rho = new double[,] { { 1, -0.8, double.NaN }, { -0.8, 1, double.NaN }, { double.NaN, double.NaN, double.NaN } };

        var figure = StudyFigures.DrawRankCorrelation("rank correlation", rho, new[] { "mig", "dci_disentanglement", "constant" });

        AssertPng(figure.Save(dir["r.png"]));
        Assert.Contains("dci_disentanglement", figure.ToSvg());
        Assert.Throws<ArgumentException>(() => StudyFigures.DrawRankCorrelation("x", rho, new[] { "a" }));
    }
}
