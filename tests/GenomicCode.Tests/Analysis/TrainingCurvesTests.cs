using GenomicCode.Analysis;
using TorchSharp;

namespace GenomicCode.Tests.Analysis;

[Collection(TorchCollection.Name)]
public class TrainingCurvesTests
{
    [Fact]
    public void Should_ReadEveryNumericSeries_When_GivenMetricsJsonl()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["m.jsonl"], """
            {"step":2,"loss":3.5,"kl":1,"kl_per_dimension":[0.25,0.75]}
            {"step":4,"loss":2.5,"kl":2,"kl_per_dimension":[0.5,1.5]}
            {"step":6,"loss":
            """);
        var s = TrainingCurves.Read(dir["m.jsonl"]);
        Assert.Equal(new[] { "kl", "kl_per_dimension[0]", "kl_per_dimension[1]", "loss" }, s.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(new double[] { 2, 4 }, s["loss"].Steps);              // the line cut by a kill is skipped
        Assert.Equal(new[] { 3.5, 2.5 }, s["loss"].Values);
        Assert.Equal(new[] { 0.75, 1.5 }, s["kl_per_dimension[1]"].Values);
        Assert.Empty(TrainingCurves.Read(dir["missing.jsonl"]));
    }

    [Fact]
    public void Should_DevelopTheSameBatch_When_SplitIntoChunks()
    {
        Develop square = g => (g * g).view(-1, 1, 1, 3);
        var genomes = torch.randn(new long[] { 7, 3 }, generator: new torch.Generator(0));
        var whole = square(genomes);
        var chunked = Developments.InChunks(square, 3)(genomes);
        Assert.True(torch.allclose(whole, chunked));
        Assert.Throws<GenomicCode.Core.UserInputException>(() => Developments.InChunks(square, 0));
    }
}
