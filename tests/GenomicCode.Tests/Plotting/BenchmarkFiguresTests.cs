using GenomicCode.Plotting;

namespace GenomicCode.Tests.Plotting;

public class BenchmarkFiguresTests
{
    [Fact]
    public void Should_RenderThroughputOnLogAxes_When_GivenSeries()
    {
        using var dir = new TempDir();
        var series = new Dictionary<string, (double[], double[])>
        {
            ["torch (2 threads)"] = (new double[] { 32, 256, 1024 }, new double[] { 150, 180, 170 }),
            ["ilgpu (cuda)"] = (new double[] { 32, 256, 1024, 4096 }, new double[] { 2000, 15000, 40000, 52000 }),
        };
        string svg = File.ReadAllText(BenchmarkFigures.SaveThroughput("throughput", "population P", "organisms per second", series, dir["t.svg"]));
        Assert.Contains("ilgpu (cuda)", svg);
        Assert.Contains("4096", svg);   // a tick at every size
        Assert.Contains("100000", svg); // decades up to the largest rate
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' },
            File.ReadAllBytes(BenchmarkFigures.SaveThroughput("throughput", "P", "organisms/s", series, dir["t.png"]))[..4]);
    }

    [Fact]
    public void Should_Refuse_When_ARateIsNotPositive()
    {
        var series = new Dictionary<string, (double[], double[])> { ["x"] = (new double[] { 1, 2 }, new double[] { 5, 0 }) };
        Assert.Throws<ArgumentException>(() => BenchmarkFigures.DrawThroughput("t", "P", "rate", series));
    }
}
