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
    public void Should_RejectMismatchedPixelCounts()
    {
        var e = Assert.Throws<ArgumentException>(() => new ImageGrid(2, 2, 4, 4, new float[10]).Validate());
        Assert.Contains("needs 64 pixels", e.Message);
    }
}
