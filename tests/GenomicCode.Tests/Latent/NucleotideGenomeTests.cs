using GenomicCode.Core;
using GenomicCode.Latent;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Latent;

public class NucleotideGenomeTests
{
    [Fact]
    public void Should_GiveExactKlToUniform_When_LogitsAreKnown()
    {
        // Given q = uniform, q = (1/8, 1/8, 1/4, 1/2) and q ~ one-hot at three positions
        var logits = torch.tensor(new float[] { 0, 0, 0, 0, 0, 0, (float)Math.Log(2), (float)Math.Log(4), 100, 0, 0, 0 }).view(1, 3, 4);
        var kl = NucleotideGenome.KlToUniform(logits);
        // Then KL = 0; sum q ln q + ln 4 = -(1/4 3 ln 2 + 1/4 2 ln 2 + 1/2 ln 2) + 2 ln 2 = ln 2 / 4; ln 4
        Assert.Equal(new long[] { 1, 3 }, kl.shape);
        Assert.Equal(0, kl[0L, 0L].item<float>(), 6);
        Assert.Equal(Math.Log(2) / 4, kl[0L, 1L].item<float>(), 6);
        Assert.Equal(Math.Log(4), kl[0L, 2L].item<float>(), 5);
    }

    [Fact]
    public void Should_DrawBasesWithTheirProbabilities_When_GumbelSoftmaxIsCold()
    {
        // Given p = (0.1, 0.2, 0.3, 0.4) at 20000 positions and tau = 0.05 (near the Gumbel-max trick)
        var p = torch.tensor(new float[] { 0.1f, 0.2f, 0.3f, 0.4f });
        var logits = p.log().view(1, 1, 4).expand(1, 20000, 4);
        using var g = new Generator(3);
        var y = NucleotideGenome.GumbelSoftmax(logits, 0.05, g);
        // Then every position is a distribution, close to one-hot, and argmax frequencies match p
        Assert.True(torch.allclose(y.sum(dim: -1), torch.ones(1, 20000), 1e-4, 1e-4));
        Assert.True(y.max(-1).values.mean().item<float>() > 0.95f);
        var freq = NucleotideGenome.OneHot(y.argmax(-1)).mean(new long[] { 0, 1 });
        for (long k = 0; k < 4; k++) Assert.Equal(p[k].item<float>(), freq[k].item<float>(), 1.5e-2);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void Should_RejectTheTemperature_When_NotPositive(double tau)
    {
        var e = Assert.Throws<UserInputException>(() => NucleotideGenome.GumbelSoftmax(torch.zeros(1, 2, 4), tau, null));
        Assert.Contains("Gumbel temperature", e.Message);
        Assert.Throws<UserInputException>(() => new GumbelSchedule { Start = tau }.Validate());
    }

    [Fact]
    public void Should_AnnealTheTemperatureToItsMinimum()
    {
        var s = new GumbelSchedule { Start = 1, Min = 0.5, DecayRate = 0.01 };
        Assert.Equal(1.0, s.Temperature(0));
        Assert.Equal(Math.Exp(-0.5), s.Temperature(50), 12);
        Assert.Equal(0.5, s.Temperature(1000));
        Assert.Contains("Min", Assert.Throws<UserInputException>(() => new GumbelSchedule { Start = 1, Min = 2 }.Validate()).Message);
    }

    [Fact]
    public void Should_KeepOrChangeEveryBase_When_MutationRateIsZeroOrOne()
    {
        using var g = new Generator(1);
        var x = torch.randint(0, 4, new long[] { 4, 500 }, dtype: ScalarType.Int64, generator: g);
        Assert.True(NucleotideOperators.PointMutation(x, 0, g).eq(x).all().item<bool>());
        var all = NucleotideOperators.PointMutation(x, 1, g);
        Assert.True(all.ne(x).all().item<bool>());
        Assert.True(all.ge(0).all().item<bool>() && all.le(3).all().item<bool>());
        // Rate 0.1 changes about a tenth of 2000 positions; each change goes to one of the three other bases uniformly.
        var some = NucleotideOperators.PointMutation(x, 0.1, g);
        double changed = some.ne(x).to(ScalarType.Float32).mean().item<float>();
        Assert.InRange(changed, 0.08, 0.12);
    }

    [Fact]
    public void Should_CopySegmentsOfTheParents_When_Recombining()
    {
        using var g = new Generator(2);
        var a = torch.zeros(new long[] { 6, 50 }, dtype: ScalarType.Int64);
        var b = torch.full(new long[] { 6, 50 }, 3L, dtype: ScalarType.Int64);
        var child = NucleotideOperators.Recombine(a, b, g, crossovers: 1);
        Assert.Equal(a.shape, child.shape);
        // One crossover: a prefix from A, then B to the end: at most one switch per row, starting with A.
        var switches = child.narrow(1, 1, 49).ne(child.narrow(1, 0, 49)).sum(dim: 1);
        Assert.True(switches.le(1).all().item<bool>());
        Assert.True(child.select(1, 0).eq(0).all().item<bool>());
        Assert.Throws<UserInputException>(() => NucleotideOperators.Recombine(a, b.narrow(1, 0, 49), g));
        // Same seed, same child.
        using var g1 = new Generator(7);
        using var g2 = new Generator(7);
        Assert.True(NucleotideOperators.Recombine(a, b, g1, 3).eq(NucleotideOperators.Recombine(a, b, g2, 3)).all().item<bool>());
    }

    [Fact]
    public void Should_PutItsMassOnTheGivenBases_When_PosteriorIsSetFromSequences()
    {
        var layout = new NucleotideLayout { Genes = 2, MotifLength = 2, CisLength = 3 };
        using var posterior = new NucleotidePosterior(layout, individuals: 2);
        var x = NucleotideGenome.FromStrings(new[] { "ACGTACGTAC", "TTTTTGGGGG" });
        posterior.SetFrom(x, confidence: 5);
        Assert.True(NucleotideGenome.MostLikely(posterior.Logits).eq(x).all().item<bool>());
        // KL of softmax(5, 0, 0, 0) to uniform per position, times 10 positions
        double q = Math.Exp(5) / (Math.Exp(5) + 3), r = 1 / (Math.Exp(5) + 3);
        double kl = q * Math.Log(q) + 3 * r * Math.Log(r) + Math.Log(4);
        Assert.Equal(10 * kl, posterior.Kl()[0L].item<float>(), 4);
        Assert.Contains("needs 10", Assert.Throws<UserInputException>(() => posterior.SetFrom(torch.zeros(new long[] { 2, 9 }, dtype: ScalarType.Int64))).Message);
    }

    [Fact]
    public void Should_RejectBadLayouts()
    {
        Assert.Contains("CisLength", Assert.Throws<UserInputException>(() => new NucleotideLayout { MotifLength = 8, CisLength = 4 }.Validate()).Message);
        Assert.Contains("Genes", Assert.Throws<UserInputException>(() => new NucleotideLayout { Genes = 0 }.Validate()).Message);
        Assert.Equal(240, new NucleotideLayout().Length);
    }
}
