using GenomicCode.Plotting;

namespace GenomicCode.Tests.Plotting;

public class ConsoleDisplayTests
{
    private sealed record Row(string Metric, double Score);

    [Fact]
    public void Should_PrintAnAlignedTable_When_ShowingRecords()
    {
        var output = new StringWriter();
        ConsoleDisplay.Show(new[] { new Row("mig", 0.5), new Row("modularity", 0.25) }, "unused", output);
        var lines = output.ToString().Replace("\r\n", "\n").TrimEnd('\n').Split('\n');
        Assert.Equal(new[] { "Metric      Score", "mig         0.500", "modularity  0.250" }, lines);
    }

    [Fact]
    public void Should_SaveAPng_When_ShowingAFigure()
    {
        using var dir = new TempDir();
        var figure = Figures.DrawCurves("loss curve", "loss", new Dictionary<string, (double[] X, double[] Y)> { ["train"] = ([0, 1], [2, 1]) });
        var output = new StringWriter();
        ConsoleDisplay.Show(figure, dir["figs"], output);
        string written = Path.Combine(dir["figs"], figure.FileName());
        Assert.True(File.Exists(written));
        Assert.Equal($"figure: {written}", output.ToString().Trim());
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(written)[..4]);
    }

    [Fact]
    public void Should_PrintTheTableText_When_ShowingAScoreTable()
    {
        var output = new StringWriter();
        var table = new GenomicCode.Metrics.ScoreTable(new Dictionary<string, IReadOnlyDictionary<string, double>>
        {
            ["VAE"] = new Dictionary<string, double> { ["mig"] = 0.04, ["sap"] = 0.012 },
            ["beta-VAE"] = new Dictionary<string, double> { ["mig"] = 0.1567, ["sap"] = double.NaN },
        });
        ConsoleDisplay.Show(table, "unused", output);
        Assert.Equal("run         mig    sap\nVAE       0.040  0.012\nbeta-VAE  0.157    n/a\n", output.ToString().Replace("\r\n", "\n"));
    }

    [Fact]
    public void Should_PrintText_When_ShowingAnythingElse()
    {
        var output = new StringWriter();
        ConsoleDisplay.Show("a string is not a table", "unused", output);
        ConsoleDisplay.Show(42, "unused", output);
        Assert.Equal("a string is not a table\n42\n", output.ToString().Replace("\r\n", "\n"));
    }
}
