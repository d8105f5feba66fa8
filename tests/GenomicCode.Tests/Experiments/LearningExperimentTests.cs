using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Development;
using GenomicCode.Development.Population;
using GenomicCode.Evolution;
using GenomicCode.Experiments;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Experiments;

[Collection(TorchCollection.Name)]
public class LearningExperimentTests
{
    // A tiny GRN: 8x8 phenotypes, 6 steps, 4 genes, 2 targets; about 200 weights.
    private static LearningOptions Tiny(string strategy = "es", int population = 8) => new()
    {
        Strategy = StrategyCatalog.With(strategy == "es" ? LearningOptions.DefaultStrategy : StrategyCatalog.Spec(strategy), population, sigma: 0.02),
        Size = 8, Targets = 2, GenomeSize = 2, Generations = 15, Steps = 15, CurvePoints = 3,
        Decoder = DecoderCatalog.Spec("grn", new GrnOptions { Steps = 6, Channels = 4, Morphogens = 1, HiddenSize = 8 }),
    };

    // Wraps a decoder and counts its developments: with gradients (the gradient learner) and without (evolution).
    private sealed class CountingDecoder : GenomeDecoder
    {
        private readonly GenomeDecoder inner;
        public int GradientCalls, EvolutionCalls;
        public List<long> EvolutionBatchSizes { get; } = new();

        public CountingDecoder(GenomeDecoder inner) : base("counting")
        {
            this.inner = inner;
            RegisterComponents();
        }

        public override int GenomeSize => inner.GenomeSize;
        public override (int Channels, int Height, int Width) PhenotypeShape => inner.PhenotypeShape;
        public override Tensor forward(Tensor genome) => inner.forward(genome);

        public override Tensor Decode(Tensor genome, Generator? generator)
        {
            if (training && torch.is_grad_enabled()) GradientCalls++;
            else if (training)
            {
                EvolutionCalls++;
                EvolutionBatchSizes.Add(genome.shape[0]);
            }
            return inner.Decode(genome, generator);
        }
    }

    [Fact]
    public void Should_MatchHandComputedPixels_When_DrawingTheTargetShapes()
    {
        using var shapes = LearningExperiment.Shapes(4, 8);
        Assert.Equal(new long[] { 4, 1, 8, 8 }, shapes.shape);
        // Pixel centres at size 8: +-0.125, +-0.375, +-0.625, +-0.875.
        // Square max(|u|, |v|) <= 0.5: rows and columns 2..5.
        var square = shapes[0L, 0L].data<float>().ToArray();
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++)
                Assert.Equal(y is >= 2 and <= 5 && x is >= 2 and <= 5 ? 1f : 0f, square[y * 8 + x]);
        // Disc r^2 <= 0.36: |u|, |v| in {0.125, 0.375} -> 16 pixels. Cross: 2 x 6 bars overlapping in 2 x 2 -> 20.
        // Ring 0.16 <= r^2 <= 0.5625: (0.375, 0.375) x 4, (0.125, 0.625) x 8, (0.375, 0.625) x 8 -> 20.
        Assert.Equal(new[] { 16f, 16f, 20f, 20f }, shapes.sum(new long[] { 1, 2, 3 }).data<float>().ToArray());
        Assert.Equal(0f, shapes[3L, 0L, 3L, 3L].item<float>()); // the ring's centre is empty
        Assert.Equal(0f, shapes[2L, 0L, 1L, 1L].item<float>()); // the cross's corner is empty
    }

    [Fact]
    public void Should_MatchHandComputedLoss_When_ComparingLogitsWithTargets()
    {
        // BCE with logits: logit 0 -> ln 2 whatever the target; logit ln 3, target 1 -> -ln 0.75; logit ln 3, target 0 -> -ln 0.25.
        using var logits = torch.tensor(new float[] { 0, 0, (float)Math.Log(3), (float)Math.Log(3) }).view(1, 1, 2, 2);
        using var targets = torch.tensor(new float[] { 1, 0, 1, 0 }).view(1, 1, 2, 2);
        double expected = (2 * Math.Log(2) - Math.Log(0.75) - Math.Log(0.25)) / 4;
        Assert.Equal(expected, LearningExperiment.Loss(logits, targets).item<float>(), 5);
    }

    [Fact]
    public void Should_ReduceTheLoss_When_EitherLearnerTrainsATinyGrnFromSeed0()
    {
        // Given a tiny GRN decoder, 2 shapes and seed 0
        var options = Tiny();

        // When both learners run (15 Adam steps; OpenAI-ES, 15 generations of 8)
        var result = LearningExperiment.Run(options, seed: 0);

        // Then both end below 90% of the shared initial loss, and the budgets are counted in developments
        Assert.True(result.GradientFinalLoss < 0.9 * result.InitialLoss, $"gradient {result.GradientFinalLoss} vs initial {result.InitialLoss}");
        Assert.True(result.EvolutionFinalLoss < 0.9 * result.InitialLoss, $"evolution {result.EvolutionFinalLoss} vs initial {result.InitialLoss}");
        Assert.Equal(15, result.Gradient.Evaluations);
        Assert.Equal(15 * 8, result.Evolution.Evaluations);
        Assert.Equal(result.InitialLoss, result.Gradient.Curve.Loss[0]);
        Assert.Equal(result.InitialLoss, result.Evolution.Curve.Loss[0]);
        Assert.Equal(2 * 8 * 8, result.EvolvedPhenotypes.Length);

        // And the same seed gives the same numbers
        var again = LearningExperiment.Run(options, seed: 0);
        Assert.Equal(result.Gradient.Curve.Loss, again.Gradient.Curve.Loss);
        Assert.Equal(result.Evolution.Curve.Loss, again.Evolution.Curve.Loss);
    }

    [Fact]
    public void Should_ReduceTheLoss_When_DiagonalCmaEsEvolvesTheWeights()
    {
        var result = LearningExperiment.Run(Tiny("cma-diagonal") with { Steps = 1 }, seed: 0);
        Assert.True(result.EvolutionFinalLoss < 0.9 * result.InitialLoss, $"evolution {result.EvolutionFinalLoss} vs initial {result.InitialLoss}");
        Assert.Equal("diagonal CMA-ES", result.Evolution.Learner);
    }

    [Fact]
    public void Should_DevelopOnceBatchedPerIndividual_When_EvolvingAndKeepMemoryFlat()
    {
        // Given a counting wrapper around a tiny GRN and 3 genomes
        var options = Tiny(population: 6) with { Generations = 4, Steps = 5 };
        torch.random.manual_seed(1);
        using var decoder = new CountingDecoder(new GrnDecoder(2, (1, 8, 8), options.Decoder.OptionsAs<GrnOptions>()));
        using var genomes = torch.randn(3, 2);
        using var targets = LearningExperiment.Shapes(3, 8);

        // When both learners run
        var result = LearningExperiment.Run(decoder, genomes, targets, options, seed: 0);

        // Then a gradient step is one development, a generation one batched development (all 3 genomes) per individual
        Assert.Equal(5, decoder.GradientCalls);
        Assert.Equal(4 * 6, decoder.EvolutionCalls);
        Assert.All(decoder.EvolutionBatchSizes, b => Assert.Equal(3, b));
        Assert.Equal(4 * 6, result.Evolution.Evaluations);

        // And a second run leaves as many live tensors as the first (one dispose scope per step and generation)
        long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        LearningExperiment.Run(decoder, genomes, targets, options, seed: 0);
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    // Counts population calls and their sizes, developing through an inner backend.
    private sealed class CountingBackend(IPopulationBackend inner) : IPopulationBackend
    {
        public List<long> Sizes { get; } = new();
        public string Name => "counting";
        public IPopulationDecoder Create(GenomeDecoder template) => new Counting(inner.Create(template), Sizes);

        private sealed class Counting(IPopulationDecoder inner, List<long> sizes) : IPopulationDecoder
        {
            public GenomeDecoder Template => inner.Template;
            public string Backend => inner.Backend;
            public long ParameterCount => inner.ParameterCount;
            public Tensor Develop(Tensor weights, Tensor genomes, PopulationRandomness? randomness = null, int? steps = null)
            {
                sizes.Add(weights.shape[0]);
                return inner.Develop(weights, genomes, randomness, steps);
            }
            public void Dispose() => inner.Dispose();
        }
    }

    private sealed class LoopBackend : IPopulationBackend
    {
        public string Name => "loop";
        public IPopulationDecoder Create(GenomeDecoder template) => new LoopPopulation(template);
    }

    [Theory]
    [InlineData("grn")]
    [InlineData("nca")]
    public void Should_DevelopEachGenerationInOneCall_When_EvolvingTheDecodersWeights(string decoder)
    {
        // Given a tiny decoder, and the learning run with the batched population and with the per-individual loop
        var spec = decoder == "grn" ? Tiny().Decoder : DecoderCatalog.Spec("nca", new NcaOptions { Steps = 6, Channels = 4, HiddenSize = 8 });
        var options = Tiny(population: 6) with { Decoder = spec, Generations = 4, Steps = 1 };
        var counting = new CountingBackend(PopulationDevelopment.Torch);

        // When evolution runs both ways
        var batched = LearningExperiment.Run(options, seed: 0, backend: counting);
        var looped = LearningExperiment.Run(options, seed: 0, backend: new LoopBackend());

        // Then each generation was one call of all 6 individuals, and the curves agree to float tolerance
        Assert.Equal(new long[] { 6, 6, 6, 6 }, counting.Sizes);
        Assert.Equal(looped.Evolution.Curve.Evaluations, batched.Evolution.Curve.Evaluations);
        for (int i = 0; i < looped.Evolution.Curve.Loss.Length; i++)
            Assert.Equal(looped.Evolution.Curve.Loss[i], batched.Evolution.Curve.Loss[i], 4);
        Assert.Equal("torch", batched.Backend);
        Assert.Equal("loop", looped.Backend);
    }

    [Fact]
    public void Should_MatchHandComputedLosses_When_ScoringAPopulation()
    {
        // Individual 0: logits 0 everywhere -> ln 2 per pixel; individual 1: logit ln 3 on target 1, ln 3 on target 0.
        using var logits = torch.tensor(new float[] { 0, 0, (float)Math.Log(3), (float)Math.Log(3) }).view(2, 1, 1, 1, 2);
        using var targets = torch.tensor(new float[] { 1, 0 }).view(1, 1, 1, 2);
        var losses = LearningExperiment.PopulationLoss(logits, targets).data<float>().ToArray();
        Assert.Equal(Math.Log(2), losses[0], 5);
        Assert.Equal((-Math.Log(0.75) - Math.Log(0.25)) / 2, losses[1], 5);
    }

    [Theory]
    [InlineData("Decoder", "conv", "Decoder must be grn or nca")]
    [InlineData("Strategy", "sgd", "Strategy must be one of cma, cma-diagonal, es, ga, hill-climber")]
    [InlineData("Population", "1", "Strategy.options: Population must be in [2, 1000000]")]
    [InlineData("Population", "7", "Strategy.options: Population must be even")]
    [InlineData("Generations", "0", "Generations")]
    [InlineData("Steps", "0", "Steps")]
    public void Should_NameTheField_When_AnOptionIsBad(string field, string value, string expected)
    {
        var bad = field switch
        {
            "Decoder" => Tiny() with { Decoder = DecoderCatalog.Spec(value) },
            "Strategy" => Tiny() with { Strategy = new ComponentSpec(value, new OpenAiEsOptions()) },
            "Population" => Tiny() with { Strategy = new ComponentSpec("es", new OpenAiEsOptions { Population = int.Parse(value) }) },
            "Generations" => Tiny() with { Generations = int.Parse(value) },
            _ => Tiny() with { Steps = int.Parse(value) },
        };
        var e = Assert.Throws<UserInputException>(() => bad.Validate());
        Assert.StartsWith(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
