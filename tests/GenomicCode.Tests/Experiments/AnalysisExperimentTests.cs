using GenomicCode.Development;
using GenomicCode.Experiments;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Experiments;

[Collection(TorchCollection.Name)]
public class AnalysisExperimentTests
{
    [Fact]
    public void Should_MeasureNoiseInsideDevelopment_When_TheDecoderIsAGrn()
    {
        // The GRN develops deterministically without noise (it draws random numbers only for its state noise), so at
        // level 0 every replicate is the noise-free phenotype: no variance, no change, all within epsilon. State noise then
        // changes the phenotype, more at the larger level.
        using var scope = torch.NewDisposeScope();
        torch.random.manual_seed(3);
        using var decoder = new GrnDecoder(3, (1, 8, 8), new GrnOptions { Steps = 6, Channels = 8, HiddenSize = 16, Morphogens = 2 });
        decoder.eval();
        var genomes = torch.randn(new long[] { 4, 3 }, generator: new Generator(5));
        var options = new AnalysisOptions { Population = 4, Mutants = 6, Noise = new[] { 0.0, 0.05, 0.3 } };
        var points = AnalysisExperiment.DevelopmentalNoise(decoder, genomes, options, seed: 1);
        Assert.Equal(new[] { 0.0, 0.05, 0.3 }, points.Select(p => p.Level));
        Assert.Equal(0.0, points[0].MeanDistance);
        Assert.Equal(0.0, points[0].PhenotypicVariance);
        Assert.Equal(1.0, points[0].Robustness);
        Assert.True(points[1].MeanDistance > 0, $"level 0.05 changed nothing: {points[1]}");
        Assert.True(points[2].MeanDistance > points[1].MeanDistance, $"{points[1].MeanDistance} then {points[2].MeanDistance}");
        Assert.Equal(0.0, decoder.NoiseLevel);                                   // the decoder's own level is back
    }
}
