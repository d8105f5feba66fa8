using GenomicCode.Analysis;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Analysis;

[Collection(TorchCollection.Name)]
public class RobustnessTests
{
    private const int G = 8;
    private static readonly Develop IdentityDevelop = g => g.view(-1, 1, 1, G);   // phenotype = genome

    [Fact]
    public void Should_ChangeExactlyKGenes_When_Mutating()
    {
        var parents = torch.zeros(3, G);
        var mutants = Robustness.Mutate(parents, 5, 3, 1.0, new torch.Generator(0));      // (15, G)
        Assert.Equal(new long[] { 15, G }, mutants.shape);
        var changed = mutants.ne(0).sum(dim: 1);
        Assert.True(changed.eq(3).all().item<bool>());
    }

    [Fact]
    public void Should_GrowVarianceAsKSigma2OverG_And_LoseRobustness_When_MoreMutations()
    {
        // Identity development: each pixel (gene) is mutated with probability k / G, so its variance is k sigma^2 / G.
        var parents = torch.zeros(4, G);
        var points = Robustness.Mutational(IdentityDevelop, parents, new[] { 1, 2, 4, 8 }, mutants: 2000, mutationSize: 0.5, epsilon: 0.05, seed: 0);
        foreach (var p in points)
        {
            double expected = p.Level * 0.25 / G;
            Assert.True(Math.Abs(p.PhenotypicVariance - expected) < 0.1 * expected, $"k {p.Level}: {p.PhenotypicVariance} vs {expected}");
        }
        Assert.True(points.Zip(points.Skip(1)).All(ab => ab.First.Robustness > ab.Second.Robustness), string.Join(", ", points.Select(p => p.Robustness)));
        Assert.Throws<GenomicCode.Core.UserInputException>(() => Robustness.Mutational(IdentityDevelop, parents, new[] { G + 1 }, 10, 0.5, 0.05, 0));
    }

    [Fact]
    public void Should_MeasureNoiseVariance_When_DevelopmentIsNoisy()
    {
        var parents = torch.zeros(4, G);
        NoisyDevelop noisy = (g, gen) => (g + 0.3 * torch.randn(g.shape, generator: gen)).view(-1, 1, 1, G);
        var p = Robustness.Developmental(noisy, IdentityDevelop, parents, replicates: 2000, epsilon: 10, seed: 0, level: 0.3);
        Assert.True(Math.Abs(p.PhenotypicVariance - 0.09) < 0.01, $"{p.PhenotypicVariance}");
        Assert.Equal(1, p.Robustness); // every copy lies within a huge epsilon
        Assert.Equal(0.3 * Math.Sqrt(2 / Math.PI), p.MeanDistance, 1); // E|N(0, s^2)| = s sqrt(2/pi)
    }
}
