using GenomicCode.Core;
using GenomicCode.Numerics;
using GenomicCode.Development;
using GenomicCode.Development.Population;
using GenomicCode.Evolution;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Development;

[Collection(TorchCollection.Name)]
public class PopulationDevelopmentTests
{
    /// <summary>A small NCA: 6 channels, hidden 8, 6x6 grid, 4 steps.</summary>
    internal static NcaDecoder SmallNca(bool sparse = true, double noise = 0, bool everyCell = false, int grid = 0, string start = "seed") =>
        new(3, (1, 6, 6), new NcaOptions
        {
            Steps = 4, Channels = 6, HiddenSize = 8, FireRate = 0.5, SparseUpdates = sparse, Noise = noise,
            ConditionEveryCell = everyCell, Grid = grid, Start = start,
        });

    /// <summary>A small GRN: 5 genes, 2 morphogens, hypernetwork 8, 6x6 grid, 4 steps.</summary>
    internal static GrnDecoder SmallGrn(double noise = 0, int grid = 0, string activation = "tanh", string dynamics = "leaky") =>
        new(3, (1, 6, 6), new GrnOptions { Steps = 4, Channels = 5, Morphogens = 2, HiddenSize = 8, Noise = noise, Grid = grid, Activation = activation, Dynamics = dynamics });

    /// <summary>P weight vectors around the decoder's own: row i = w + 0.3 N(0, 1) (the NCA's zero update layer needs it).</summary>
    internal static Tensor Perturbed(GenomeDecoder decoder, int population, long seed)
    {
        using var scope = torch.NewDisposeScope();
        using var g = new Generator((ulong)seed);
        var w = new ParameterVector(decoder).Read();
        return w.unsqueeze(0).Plus(torch.randn(new long[] { population, w.shape[0] }, generator: g).Mul(0.3)).MoveToOuterDisposeScope();
    }

    private static float MaxDifference(Tensor a, Tensor b)
    {
        using var d = a.sub(b).abs().max();
        return d.item<float>();
    }

    [Theory]
    [InlineData(true, 0.0, false, 0)]
    [InlineData(false, 0.0, false, 0)]
    [InlineData(true, 0.05, true, 0)]
    [InlineData(false, 0.05, true, 4)]
    public void Should_MatchTheLoop_When_DevelopingAnNcaPopulationWithCommonRandomness(bool sparse, double noise, bool everyCell, int grid)
    {
        // Given 3 NCA individuals with their own weights and 2 shared genomes
        torch.random.manual_seed(11);
        using var nca = SmallNca(sparse, noise, everyCell, grid);
        using var weights = Perturbed(nca, 3, 5);
        using var genomes = torch.randn(new long[] { 2, 3 }, generator: new Generator(7));

        // When the population develops in one call, and each individual in turn from the same generator state
        using var population = PopulationDevelopment.Create(nca);
        using var loop = new LoopPopulation(nca);
        using var g1 = new Generator(99);
        using var g2 = new Generator(99);
        using var batched = population.Develop(weights, genomes, PopulationRandomness.Common(g1));
        using var looped = loop.Develop(weights, genomes, PopulationRandomness.Common(g2));

        // Then the phenotypes agree to float tolerance, and the individuals differ from each other
        Assert.Equal(new long[] { 3, 2, 1, 6, 6 }, batched.shape);
        Assert.Equal(looped.shape, batched.shape);
        Assert.True(MaxDifference(batched, looped) < 1e-4f, $"max difference {MaxDifference(batched, looped)}");
        Assert.True(MaxDifference(batched[0], batched[1]) > 1e-3f);
        Assert.IsType<NcaPopulation>(population);
    }

    [Fact]
    public void Should_GrowWhatTheDenseUpdateGrows_When_OnlyCellsNextToLivingOnesUpdate()
    {
        // Given 64 strongly perturbed NCAs (growth and death at the colony's edge) and a fixed genome
        torch.random.manual_seed(14);
        using var sparse = SmallNca(sparse: true);
        using var dense = SmallNca(sparse: false);
        using var weights = Perturbed(sparse, 64, 10).Mul(1.5);
        using var genomes = torch.randn(new long[] { 1, 3 }, generator: new Generator(3));

        // When both develop 4 steps from the same generator state
        using var a = PopulationDevelopment.Create(sparse).Develop(weights, genomes, PopulationRandomness.Common(new Generator(8)));
        using var b = PopulationDevelopment.Create(dense).Develop(weights, genomes, PopulationRandomness.Common(new Generator(8)));

        // Then every organism is the same: a dead cell's update next to a living cell can keep that cell alive, so it is
        // computed; cells with no living neighbour never matter
        Assert.True(MaxDifference(a, b) < 1e-4f, $"max difference {MaxDifference(a, b)}");
    }

    [Fact]
    public void Should_MatchEachIndividualsOwnGenerator_When_RandomnessIsPerIndividual()
    {
        // Given 3 NCA individuals, each with its own generator seed
        torch.random.manual_seed(12);
        using var nca = SmallNca(sparse: true, noise: 0.05);
        using var weights = Perturbed(nca, 3, 6);
        using var genomes = torch.randn(new long[] { 2, 3 }, generator: new Generator(8));
        var batchedGenerators = new[] { new Generator(1), new Generator(2), new Generator(3) };
        var loopGenerators = new[] { new Generator(1), new Generator(2), new Generator(3) };

        // When the population develops with per-individual randomness, and the loop with generator i for individual i
        using var population = PopulationDevelopment.Create(nca);
        using var batched = population.Develop(weights, genomes, PopulationRandomness.PerIndividual(batchedGenerators));
        using var looped = new LoopPopulation(nca).Develop(weights, genomes, PopulationRandomness.PerIndividual(loopGenerators));

        // Then they agree, and every generator advanced exactly as in the loop
        Assert.True(MaxDifference(batched, looped) < 1e-4f, $"max difference {MaxDifference(batched, looped)}");
        for (int i = 0; i < 3; i++)
        {
            using var a = torch.rand(4, generator: batchedGenerators[i]);
            using var b = torch.rand(4, generator: loopGenerators[i]);
            Assert.True(a.eq(b).all().item<bool>());
        }
        foreach (var g in batchedGenerators.Concat(loopGenerators)) g.Dispose();
    }

    [Fact]
    public void Should_GiveIdenticalIndividualsTheSameMasks_When_RandomnessIsCommon()
    {
        // Given a population whose two rows are the same weights
        torch.random.manual_seed(13);
        using var nca = SmallNca(sparse: true, noise: 0.05);
        using var one = Perturbed(nca, 1, 9);
        using var weights = torch.cat(new[] { one, one }, 0);
        using var genomes = torch.randn(new long[] { 1, 3 }, generator: new Generator(4));
        using var population = PopulationDevelopment.Create(nca);

        // When they develop with common randomness, and with two different generators
        using var common = population.Develop(weights, genomes, PopulationRandomness.Common(new Generator(5)));
        using var separate = population.Develop(weights, genomes, PopulationRandomness.PerIndividual(new[] { new Generator(5), new Generator(6) }));

        // Then the common draws grow the same organism twice; different streams grow different ones
        Assert.True(MaxDifference(common[0], common[1]) < 1e-6f, $"common: {MaxDifference(common[0], common[1])}");
        Assert.True(MaxDifference(separate[0], separate[1]) > 1e-3f, $"separate: {MaxDifference(separate[0], separate[1])}");
        Assert.True(MaxDifference(common[0], separate[0]) < 1e-5f, $"stream 0: {MaxDifference(common[0], separate[0])}"); // stream 0 of both is generator seed 5
    }

    [Theory]
    [InlineData(0.0, 0, "tanh", "leaky")]
    [InlineData(0.05, 0, "tanh", "leaky")]
    [InlineData(0.05, 4, "sigmoid", "leaky")]
    [InlineData(0.05, 0, "tanh", "kouvaris")]
    public void Should_MatchTheLoop_When_DevelopingAGrnPopulation(double noise, int grid, string activation, string dynamics)
    {
        // Given 4 GRN individuals and 2 genomes per individual (their own, (P, K, G))
        torch.random.manual_seed(21);
        using var grn = SmallGrn(noise, grid, activation, dynamics);
        using var weights = Perturbed(grn, 4, 15);
        using var genomes = torch.randn(new long[] { 4, 2, 3 }, generator: new Generator(17));

        // When the population develops in one call and in the loop
        using var population = PopulationDevelopment.Create(grn);
        using var batched = population.Develop(weights, genomes, PopulationRandomness.Common(new Generator(3)));
        using var looped = new LoopPopulation(grn).Develop(weights, genomes, PopulationRandomness.Common(new Generator(3)));

        // Then they agree
        Assert.IsType<GrnPopulation>(population);
        Assert.Equal(new long[] { 4, 2, 1, 6, 6 }, batched.shape);
        Assert.True(MaxDifference(batched, looped) < 1e-4f, $"max difference {MaxDifference(batched, looped)}");
        Assert.True(MaxDifference(batched[0], batched[1]) > 1e-3f);
    }

    [Fact]
    public void Should_DevelopEachModule_When_TheirWeightsAreStacked()
    {
        // Given three separately initialised GRN decoders of one architecture
        var decoders = Enumerable.Range(0, 3).Select(i => { torch.random.manual_seed(30 + i); return SmallGrn(); }).ToArray();
        using var genomes = torch.randn(new long[] { 2, 3 }, generator: new Generator(2));

        // When their weights are stacked and developed as a population
        using var weights = PopulationDevelopment.Stack(decoders);
        using var population = PopulationDevelopment.Create(decoders[0]);
        using var batched = population.Develop(weights, genomes);

        // Then row i is decoder i's own development (default generator)
        Assert.Equal(new long[] { 3, new ParameterVector(decoders[0]).Length }, weights.shape);
        for (int i = 0; i < 3; i++)
        {
            using var own = decoders[i].Develop(genomes, null).Phenotype;
            Assert.True(MaxDifference(batched[i], own) < 1e-5f);
        }
        foreach (var d in decoders) d.Dispose();
    }

    [Fact]
    public void Should_SampleOneStepCount_When_TrainingWithAStepRange()
    {
        // Given an NCA that samples 2..6 steps while training
        torch.random.manual_seed(40);
        using var nca = new NcaDecoder(3, (1, 6, 6), new NcaOptions { Steps = 2, MaxSteps = 6, Channels = 6, HiddenSize = 8 });
        nca.train();
        using var weights = Perturbed(nca, 2, 1);
        using var genomes = torch.randn(new long[] { 1, 3 }, generator: new Generator(1));

        // When the population and the loop develop from the same generator state
        using var batched = PopulationDevelopment.Create(nca).Develop(weights, genomes, PopulationRandomness.Common(new Generator(77)));
        using var looped = new LoopPopulation(nca).Develop(weights, genomes, PopulationRandomness.Common(new Generator(77)));

        // Then both drew the same step count first and grew the same organisms
        Assert.True(MaxDifference(batched, looped) < 1e-4f);
    }

    [Fact]
    public void Should_GrowTheHandComputedNca_When_OneStepRunsWithKnownWeights()
    {
        // Given 2 NCA individuals with zero perception weights: h_j = relu(b_j), dx_c = sum_j U[c, j] h_j in every cell,
        // fire rate 1, one step from the seed cell (alpha 1) at the centre of a 6x6 grid
        torch.random.manual_seed(50);
        using var nca = new NcaDecoder(3, (1, 6, 6), new NcaOptions { Steps = 1, Channels = 6, HiddenSize = 8, FireRate = 1 });
        var vector = new ParameterVector(nca);
        var rows = new float[2][];
        for (int i = 0; i < 2; i++)
        {
            var w = new float[vector.Length];
            Set(vector, w, "hidden.bias", j => j == 0 ? 1f + i : -1f);                 // h = (1 + i, 0, ..., 0)
            Set(vector, w, "update.weight", q => q == 0 ? 0.5f : q == 8 ? 0.25f : 0f); // dx0 = 0.5 h0, dx1 (alpha) = 0.25 h0
            Set(vector, w, "readoutGain", _ => 2f + i);
            Set(vector, w, "readoutBias", _ => -1f);
            rows[i] = w;
        }
        using var weights = torch.tensor(rows.SelectMany(r => r).ToArray(), new long[] { 2, vector.Length });
        using var genomes = torch.zeros(1, 3);

        // When the population develops
        using var grown = PopulationDevelopment.Create(nca).Develop(weights, genomes, PopulationRandomness.Common(new Generator(1)));

        // Then the 3x3 block around the centre (alive before: next to the seed; after: the centre's alpha stays above 0.1)
        // reads gain * 0.5 (1 + i) + bias, every other cell reads the bias: individual 0 gives 0, individual 1 gives 2
        var values = grown.data<float>().ToArray();
        for (int i = 0; i < 2; i++)
            for (int y = 0; y < 6; y++)
                for (int x = 0; x < 6; x++)
                {
                    bool block = Math.Abs(y - 3) <= 1 && Math.Abs(x - 3) <= 1;
                    float expected = block ? (2f + i) * 0.5f * (1f + i) - 1f : -1f;
                    Assert.Equal(expected, values[i * 36 + y * 6 + x], 5);
                }
    }

    [Fact]
    public void Should_GrowTheHandComputedGrn_When_OneStepRunsWithKnownBiases()
    {
        // Given 2 GRN individuals with zero regulation (hypernetwork and W0 zero): drive = b0; readout gene bias 1, alive
        // gene bias 0; one step (tau 0.2, tanh) from the zygote (alive gene 1) at the centre of a 6x6 grid
        torch.random.manual_seed(51);
        using var grn = new GrnDecoder(3, (1, 6, 6), new GrnOptions { Steps = 1, Channels = 5, Morphogens = 2, HiddenSize = 8 });
        var vector = new ParameterVector(grn);
        var rows = new float[2][];
        for (int i = 0; i < 2; i++)
        {
            var w = new float[vector.Length];
            Set(vector, w, "baseBias", n => n == 0 ? 1f : 0f);
            Set(vector, w, "readoutGain", _ => 1f + i);
            Set(vector, w, "readoutBias", _ => 0.5f);
            rows[i] = w;
        }
        using var weights = torch.tensor(rows.SelectMany(r => r).ToArray(), new long[] { 2, vector.Length });
        using var genomes = torch.zeros(1, 3);

        // When the population develops
        using var grown = PopulationDevelopment.Create(grn).Develop(weights, genomes);

        // Then gene 0 is 0.2 tanh(1) in the 3x3 block (alive before: next to the zygote; after: the centre's alive gene
        // is 0.8) and 0 elsewhere; logits = (1 + i) * that + 0.5
        var values = grown.data<float>().ToArray();
        float x0 = 0.2f * MathF.Tanh(1f);
        for (int i = 0; i < 2; i++)
            for (int y = 0; y < 6; y++)
                for (int x = 0; x < 6; x++)
                {
                    bool block = Math.Abs(y - 3) <= 1 && Math.Abs(x - 3) <= 1;
                    Assert.Equal(block ? (1f + i) * x0 + 0.5f : 0.5f, values[i * 36 + y * 6 + x], 5);
                }
    }

    [Fact]
    public void Should_ThrowAOneLineError_When_ShapesDoNotFit()
    {
        torch.random.manual_seed(60);
        using var grn = SmallGrn();
        using var population = PopulationDevelopment.Create(grn);
        using var weights = Perturbed(grn, 2, 1);
        using var genomes = torch.zeros(2, 3);
        var bad = Assert.Throws<UserInputException>(() => population.Develop(weights.narrow(1, 0, 5), genomes));
        Assert.Contains($"(P, {population.ParameterCount})", bad.Message);
        var badGenomes = Assert.Throws<UserInputException>(() => population.Develop(weights, torch.zeros(2, 4)));
        Assert.Contains("(K, 3)", badGenomes.Message);
        var badStreams = Assert.Throws<UserInputException>(() => population.Develop(weights, genomes, PopulationRandomness.PerIndividual(new[] { new Generator(1) })));
        Assert.Contains("one generator per individual", badStreams.Message);
        Assert.DoesNotContain('\n', bad.Message + badGenomes.Message + badStreams.Message);
    }

    /// <summary>Writes f(index) into the slice of parameter <paramref name="name"/> of a flat vector.</summary>
    internal static void Set(ParameterVector vector, float[] w, string name, Func<int, float> f)
    {
        var slice = vector.Layout.Single(s => s.Name == name);
        for (int q = 0; q < slice.Length; q++) w[slice.Offset + q] = f(q);
    }
}
