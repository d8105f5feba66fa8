using GenomicCode.Core;
using GenomicCode.Latent;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Latent;

public class SequenceAffinityTests(ITestOutputHelper output)
{
    private static readonly NucleotideLayout Tiny = new() { Genes = 2, MotifLength = 2, CisLength = 3 };

    [Fact]
    public void Should_MatchHandComputedWeightsAndBiases_When_SequenceIsKnown()
    {
        // Given gene 0 = motif AC + cis ACG, gene 1 = motif GT + cis TTT; tau 0.2, gain 4, threshold 0.5
        var x = NucleotideGenome.OneHot(NucleotideGenome.FromStrings(new[] { "ACACG" + "GTTTT" }));
        using var layer = new SequenceAffinity(Tiny);
        var (w, b) = layer.forward(x);
        // Scores (matching fraction): AC on ACG: offsets (1, 0); GT on ACG: (0, 0); AC on TTT: (0, 0); GT on TTT: (1/2, 1/2).
        // A = tau (logsumexp(s / tau) - ln 2); W[target, regulator] = 4 (A - 0.5).
        double a00 = 0.2 * (Math.Log(Math.Exp(5) + 1) - Math.Log(2));
        Assert.Equal(4 * (a00 - 0.5), w[0L, 0L, 0L].item<float>(), 4);
        Assert.Equal(-2, w[0L, 0L, 1L].item<float>(), 4);
        Assert.Equal(-2, w[0L, 1L, 0L].item<float>(), 4);
        Assert.Equal(0, w[0L, 1L, 1L].item<float>(), 4);
        // Biases: mean base score (-0.5, 0.5, 0.5, -0.5) over the cis region: ACG -> 1/6, TTT -> -1/2.
        Assert.Equal(1.0 / 6, b[0L, 0L].item<float>(), 5);
        Assert.Equal(-0.5, b[0L, 1L].item<float>(), 5);
    }

    [Fact]
    public void Should_ChangeManyWeightsByLittle_When_OneBaseMutates()
    {
        // Given a random genome of 8 genes (motif 6, cis 24) and all 240 of its single-position mutants (base + 1 mod 4)
        var layout = new NucleotideLayout();
        using var g = new Generator(5);
        var x = torch.randint(0, 4, new long[] { 1, layout.Length }, dtype: ScalarType.Int64, generator: g);
        var positions = torch.arange(layout.Length, dtype: ScalarType.Int64);
        var mutants = x.expand(layout.Length, layout.Length).clone();                          // (L, L): row i mutates position i
        var diagonal = mutants.gather(1, positions.unsqueeze(1));
        mutants.scatter_(1, positions.unsqueeze(1), (diagonal + 1).remainder(4));
        using var layer = new SequenceAffinity(layout);
        using var _ = torch.no_grad();
        var w0 = layer.forward(NucleotideGenome.OneHot(x)).Weights;                              // (1, G, G)
        var w1 = layer.forward(NucleotideGenome.OneHot(mutants)).Weights;                        // (L, G, G)
        var delta = (w1 - w0).abs().view(layout.Length, -1);                                     // (L, G^2)
        var changed = delta.gt(1e-6).sum(dim: 1).to(ScalarType.Float32);                          // entries moved per mutation
        var largest = delta.max(1).values;
        // Then each mutation moves on average most of a row or column (<= G entries), each by at most gain / m,
        // and no single entry carries most of the change.
        Assert.True(changed.mean().item<float>() >= layout.Genes * 0.75, $"mean entries changed {changed.mean().item<float>()}");
        Assert.True(changed.le(layout.Genes).all().item<bool>());
        Assert.True(largest.max().item<float>() <= 4.0 / layout.MotifLength + 1e-5, $"largest change {largest.max().item<float>()}");
        double share = (largest / delta.sum(dim: 1).clamp_min(1e-12)).mean().item<float>();
        output.WriteLine($"per mutation: {changed.mean().item<float>():F2} of {layout.Genes * layout.Genes} entries moved, mean |dW| {delta.sum(dim: 1).mean().item<float>() / changed.mean().item<float>():F4}, " +
                         $"largest {largest.max().item<float>():F4} (bound {4.0 / layout.MotifLength:F4}), largest entry's share {share:P0}");
        Assert.True(share < 0.4, $"the largest entry carries {share:P0} of a mutation's change on average");
    }

    [Fact]
    public void Should_SendGradientsToThePosteriorLogits()
    {
        torch.random.manual_seed(1);
        using var posterior = new NucleotidePosterior(Tiny, individuals: 3);
        using var layer = new SequenceAffinity(Tiny);
        using var g = new Generator(2);
        var (w, b) = layer.forward(posterior.Sample(0, g));
        (w.square().sum() + b.sum()).backward();
        var grad = posterior.Logits.grad;
        Assert.NotNull(grad);
        // Every gene's motif and cis positions get gradient.
        Assert.True(grad!.abs().sum(new long[] { 0, 2 }).gt(0).all().item<bool>());
    }

    [Fact]
    public void Should_RejectSequencesOfTheWrongLength()
    {
        using var layer = new SequenceAffinity(Tiny);
        var e = Assert.Throws<UserInputException>(() => layer.forward(torch.zeros(1, 9, 4)));
        Assert.Contains("has 9 positions", e.Message);
        Assert.Contains("needs 10", e.Message);
    }

    [Fact]
    public void Should_LowerTheLoss_When_TrainingANucleotideGenomeEndToEnd()
    {
        // Given a target phenotype grown by a tiny GRN decoder, one step x <- tanh(W x + b) from G initial states (each
        // gene switched on alone), whose W, b come from a random target genome through the affinity layer
        var layout = new NucleotideLayout { Genes = 4, MotifLength = 4, CisLength = 10 };
        torch.random.manual_seed(3);
        using var layer = new SequenceAffinity(layout);
        using var posterior = new NucleotidePosterior(layout, individuals: 2, new GumbelSchedule { Start = 1, Min = 0.7, DecayRate = 0.01 });
        using var g = new Generator(4);
        Tensor Grow(GeneRegulation r)
        {
            var x = torch.eye(layout.Genes).expand(r.Biases.shape[0], layout.Genes, layout.Genes);   // (B, G, G): column s = initial state s
            x = torch.tanh(r.Weights.matmul(x) + r.Biases.unsqueeze(2));
            return x;                                                                                   // (B, G, G)
        }
        Tensor target;
        using (torch.no_grad())
            target = Grow(layer.forward(NucleotideGenome.OneHot(torch.randint(0, 4, new long[] { 2, layout.Length }, dtype: ScalarType.Int64, generator: g))));
        using var adam = torch.optim.Adam(posterior.parameters(), 0.2);
        // When the posterior logits (only) are trained for 60 steps
        var losses = new List<double>();
        for (long step = 0; step < 60; step++)
        {
            using var scope = torch.NewDisposeScope();
            adam.zero_grad();
            var loss = (Grow(layer.forward(posterior.Sample(step, g))) - target).square().mean() + 1e-6 * posterior.Kl().mean(); // a light KL to the uniform prior
            loss.backward();
            adam.step();
            losses.Add(loss.item<float>());
        }
        // Then the loss falls
        double first = losses.Take(5).Average(), last = losses.Skip(55).Average();
        output.WriteLine($"loss: first 5 steps {first:G3}, last 5 steps {last:G3}");
        Assert.True(last < 0.5 * first, $"loss went from {first:G3} to {last:G3}");
    }
}
