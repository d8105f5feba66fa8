using GenomicCode.Latent;
using TorchSharp;

namespace GenomicCode.Tests.Latent;

public class GaussianGenomeTests
{
    [Fact]
    public void Should_GiveZeroKl_When_PosteriorIsTheStandardNormalPrior()
    {
        using var mean = torch.zeros(4, 3);
        using var logVar = torch.zeros(4, 3);
        using var kl = GaussianGenome.KlToStandardNormal(mean, logVar);
        Assert.Equal(0f, kl.abs().max().item<float>());
    }

    [Fact]
    public void Should_MatchHandComputedKl_When_MeanAndVarianceDiffer()
    {
        // KL(N(mu, s^2) || N(0, 1)) = 0.5 (mu^2 + s^2 - ln s^2 - 1):
        // mu = 1, s^2 = 1 -> 0.5; mu = 0, s^2 = 2 -> 0.5 (2 - ln 2 - 1) = 0.1534264; mu = -2, s^2 = e^-1 -> 0.5 (4 + e^-1 + 1 - 1) = 2.1839397.
        using var mean = torch.tensor(new float[] { 1, 0, -2 }).reshape(1, 3);
        using var logVar = torch.tensor(new float[] { 0, MathF.Log(2), -1 }).reshape(1, 3);
        var kl = GaussianGenome.KlToStandardNormal(mean, logVar).data<float>().ToArray();
        Assert.Equal(0.5, kl[0], 5);
        Assert.Equal(0.1534264, kl[1], 5);
        Assert.Equal(2.1839397, kl[2], 5);
    }

    [Fact]
    public void Should_DrawReproducibleSamplesWithTheRightMoments_When_Seeded()
    {
        using var mean = torch.full(20000, 1, 3f);
        using var logVar = torch.full(20000, 1, MathF.Log(4f));
        using var g1 = new torch.Generator(42);
        using var g2 = new torch.Generator(42);
        using var a = GaussianGenome.Sample(mean, logVar, g1);
        using var b = GaussianGenome.Sample(mean, logVar, g2);
        Assert.True(a.eq(b).all().item<bool>());
        Assert.Equal(3.0, a.mean().item<float>(), 1);
        Assert.Equal(2.0, a.std().item<float>(), 1);
    }
}
