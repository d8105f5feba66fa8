using GenomicCode.Core;
using GenomicCode.Latent;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Latent;

public class SequenceAffinityTests(ITestOutputHelper output)
{
    private static readonly NucleotideLayout Tiny = new() { Genes = 2, MotifLength = 2, CisLength = 3 };

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double LogSumExp(params double[] xs)
    {
        double max = xs.Max();
        return max + Math.Log(xs.Sum(x => Math.Exp(x - max)));
    }

    [Fact]
    public void Should_MatchHandComputedLogOddsOccupanciesAndBiases_When_SequenceIsKnown()
    {
        // Given gene 0 = motif AC + cis ACG, gene 1 = motif GT + cis TTT; pseudocount 0.2, mu 3, gain 2, threshold 0.1
        var x = NucleotideGenome.OneHot(NucleotideGenome.FromStrings(new[] { "ACACG" + "GTTTT" }));
        using var layer = new SequenceAffinity(Tiny, new SequenceAffinityOptions { Pseudocount = 0.2 });
        using var _ = torch.no_grad();
        // Log-odds weights: a match scores a = ln(4 x 0.8 + 0.2) = ln 3.4, a mismatch b = ln 0.2.
        double a = Math.Log(3.4), b = Math.Log(0.2);
        // Sites of ACG: forward AC, CG; reverse complement CGT: CG, GT. Sites of TTT: TT, TT; reverse complement AAA: AA, AA.
        var scores = layer.SiteScores(x);                                                   // (1, 2, 2, 4)
        var expected = new[]
        {
            new[] { 2 * a, 2 * b, 2 * b, 2 * b },   // AC on ACG
            new[] { 2 * b, 2 * b, 2 * b, 2 * a },   // GT on ACG
            new[] { 2 * b, 2 * b, a + b, a + b },   // AC on TTT (A pairs with the A of the reverse strand)
            new[] { a + b, a + b, 2 * b, 2 * b },   // GT on TTT
        };
        for (int h = 0; h < 2; h++)
            for (int f = 0; f < 2; f++)
                for (int i = 0; i < 4; i++)
                    Assert.Equal(expected[2 * h + f][i], scores[0L, h, f, i].item<float>(), 4);
        // Occupancy sigmoid(logsumexp(S) - 3); W = 2 (p - 0.1).
        var (w, bias) = layer.forward(x);
        for (int h = 0; h < 2; h++)
            for (int f = 0; f < 2; f++)
            {
                double p = Sigmoid(LogSumExp(expected[2 * h + f]) - 3);
                Assert.Equal(2 * (p - 0.1), w[0L, h, f].item<float>(), 4);
            }
        // Biases: mean base score (-0.5, 0.5, 0.5, -0.5) over the cis region: ACG -> 1/6, TTT -> -1/2.
        Assert.Equal(1.0 / 6, bias[0L, 0L].item<float>(), 5);
        Assert.Equal(-0.5, bias[0L, 1L].item<float>(), 5);
    }

    [Fact]
    public void Should_BindOnTheReverseStrand_When_TheSiteIsTheMotifsReverseComplement()
    {
        // Given factor 0's motif AAC and a cis region holding only its reverse complement GTT (on the forward strand)
        var layout = new NucleotideLayout { Genes = 1, MotifLength = 3, CisLength = 3 };
        using var layer = new SequenceAffinity(layout);
        var forward = layer.SiteScores(NucleotideGenome.OneHot(NucleotideGenome.FromStrings(new[] { "AAC" + "AAC" })));
        var reverse = layer.SiteScores(NucleotideGenome.OneHot(NucleotideGenome.FromStrings(new[] { "AAC" + "GTT" })));
        // Then the perfect site is found on the forward strand in one and on the reverse strand in the other: 3 ln 3.7.
        double perfect = 3 * Math.Log(3.7);
        Assert.Equal(perfect, forward[0L, 0L, 0L, 0L].item<float>(), 4);
        Assert.Equal(perfect, reverse[0L, 0L, 0L, 1L].item<float>(), 4);
        Assert.Equal(forward.max().item<float>(), reverse.max().item<float>(), 5);
    }

    [Fact]
    public void Should_MoveOneColumnOrOneRow_When_OneBaseMutates()
    {
        // Given a random genome of 4 genes and 3 signal factors (motif 4, cis 8) and all its single-position mutants
        var layout = new NucleotideLayout { Genes = 4, MotifLength = 4, CisLength = 8, Signals = 3 };
        using var g = new Generator(5);
        var x = torch.randint(0, 4, new long[] { 1, layout.Length }, dtype: ScalarType.Int64, generator: g);
        using var layer = new SequenceAffinity(layout);
        using var _ = torch.no_grad();
        var (w0, b0) = layer.forward(NucleotideGenome.OneHot(x));                                // (1, G, R), (1, G)
        Assert.Equal(new long[] { 1, 4, 7 }, w0.shape);
        for (int position = 0; position < layout.Length; position++)
        {
            var mutant = NucleotideOperators.SetBase(x, position, (int)((x[0L, position].item<long>() + 1) % 4));
            var (w1, b1) = layer.forward(NucleotideGenome.OneHot(mutant));
            var moved = (w1 - w0).abs().gt(1e-6)[0L];                                             // (G, R)
            var biasMoved = (b1 - b0).abs().gt(1e-6)[0L];                                         // (G)
            int gene = position / layout.GeneLength, within = position % layout.GeneLength;
            if (position >= layout.Genes * layout.GeneLength)
            {
                // Then a signal factor's motif moves only that regulator's column
                int column = layout.Genes + (position - layout.Genes * layout.GeneLength) / layout.MotifLength;
                Assert.False(moved.index_select(1, torch.tensor(Enumerable.Range(0, 7).Where(c => c != column).Select(c => (long)c).ToArray())).any().item<bool>());
                Assert.False(biasMoved.any().item<bool>());
            }
            else if (within < layout.MotifLength)
            {
                // a gene's motif only its column
                Assert.False(moved.index_select(1, torch.tensor(Enumerable.Range(0, 7).Where(c => c != gene).Select(c => (long)c).ToArray())).any().item<bool>());
                Assert.False(biasMoved.any().item<bool>());
            }
            else
            {
                // and a cis position only its gene's row and bias.
                var others = torch.tensor(Enumerable.Range(0, 4).Where(r => r != gene).Select(r => (long)r).ToArray());
                Assert.False(moved.index_select(0, others).any().item<bool>());
                Assert.False(biasMoved.index_select(0, others).any().item<bool>());
            }
        }
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
        using var signals = new SequenceAffinity(Tiny with { Signals = 2 });
        Assert.Contains("2 genes x (2 motif + 3 cis) + 2 signal motifs x 2) needs 14", Assert.Throws<UserInputException>(() => signals.forward(torch.zeros(1, 10, 4))).Message);
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
        // When the posterior logits (only) are trained for 100 steps
        var losses = new List<double>();
        for (long step = 0; step < 100; step++)
        {
            using var scope = torch.NewDisposeScope();
            adam.zero_grad();
            var loss = (Grow(layer.forward(posterior.Sample(step, g))) - target).square().mean() + 1e-6 * posterior.Kl().mean(); // a light KL to the uniform prior
            loss.backward();
            adam.step();
            losses.Add(loss.item<float>());
        }
        // Then the loss falls
        double first = losses.Take(5).Average(), last = losses.Skip(95).Average();
        output.WriteLine($"loss: first 5 steps {first:G3}, last 5 steps {last:G3}");
        Assert.True(last < 0.5 * first, $"loss went from {first:G3} to {last:G3}");
    }
}
