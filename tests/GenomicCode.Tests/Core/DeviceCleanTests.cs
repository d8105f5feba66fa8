using System.Reflection;
using GenomicCode.Analysis;
using GenomicCode.Data;
using GenomicCode.Development;
using GenomicCode.Development.Population;
using GenomicCode.Encoders;
using GenomicCode.Evolution;
using GenomicCode.Latent;
using GenomicCode.Metrics;
using GenomicCode.Models;
using GenomicCode.Numerics;
using GenomicCode.Regularizers;
using GenomicCode.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Core;

/// <summary>
/// Device cleanliness without a GPU. libtorch's meta device (tensors with shapes and no data) lacks the convolution,
/// index_select, where and multinomial kernels in TorchSharp 0.107, so development cannot run on it. These tests run
/// the library on the CPU with torch's default device set to meta instead: a tensor made without an explicit device
/// (one that would stay on the CPU beside a CUDA model) is then a meta tensor, and mixing it with the CPU tensors, or
/// reading its values, throws. Module state and generators are checked by moving models and building them for meta.
/// </summary>
[Collection(TorchCollection.Name)]
public class DeviceCleanTests
{
    private static readonly Device Meta = new("meta");
    private static readonly SpritesWorld Sprites = new();

    /// <summary>Runs <paramref name="action"/> with torch's default device set to meta, restoring the CPU after.</summary>
    private static void WithHiddenTensorsOnMeta(Action action)
    {
        torch.set_default_device(Meta);
        try { action(); }
        finally { torch.set_default_device(torch.CPU); }
    }

    private static ModelOptions Model(string decoder, string regularizer) => new()
    {
        LatentSize = 3,
        Encoder = EncoderCatalog.Spec("conv", new ConvEncoderOptions { HiddenSize = 16 }),
        Decoder = decoder switch
        {
            "conv" => DecoderCatalog.Spec("conv", new ConvDecoderOptions { HiddenSize = 16 }),
            "nca" => DecoderCatalog.Spec("nca", new NcaOptions { Steps = 2, MaxSteps = 3, Channels = 4, HiddenSize = 8, Grid = 8, Noise = 0.01 }),
            "grn" => DecoderCatalog.Spec("grn", new GrnOptions { Steps = 2, MaxSteps = 3, Channels = 4, HiddenSize = 8, Grid = 8, Morphogens = 2, Noise = 0.01 }),
            "landscape" => DecoderCatalog.Spec("landscape", new LandscapeOptions { Steps = 2, MaxSteps = 3, Channels = 4, HiddenSize = 8, Noise = 0.01, ReadoutHiddenSize = 16 }),
            "vnca" => DecoderCatalog.Spec("vnca", new VncaOptions { Steps = 3, MaxSteps = 4, Channels = 4, HiddenSize = 8, ResidualBlocks = 1, Noise = 0.01 }),
            _ => DecoderCatalog.Spec(decoder),
        },
        Regularizer = RegularizerCatalog.Spec(regularizer),
    };

    /// <summary>Every decoder, each with a different regulariser so that every regulariser takes part.</summary>
    public static TheoryData<string, string> DecodersAndRegularizers()
    {
        var data = new TheoryData<string, string>();
        var decoders = DecoderCatalog.Names;
        var regularizers = RegularizerCatalog.Names;
        for (int i = 0; i < Math.Max(decoders.Count, regularizers.Count); i++)
            data.Add(decoders[i % decoders.Count], regularizers[i % regularizers.Count]);
        return data;
    }

    [Theory]
    [MemberData(nameof(DecodersAndRegularizers))]
    public void Should_CreateNoTensorOffTheModelsDevice_When_TrainingTwoSteps(string decoder, string regularizer)
    {
        // Given a small model on the CPU and its trainer (built before: modules are made on the host and moved)
        using var model = GenomeVae.Create(Model(decoder, regularizer), Sprites.ObservationShape, 1, torch.CPU, datasetSize: Sprites.Count);
        using var trainer = new Trainer(model, Sprites, new TrainingOptions { Steps = 2, BatchSize = 4, Seed = 1 }, torch.CPU);

        // When it trains two steps and samples genomes with every tensor made without a device on meta
        var losses = new List<double>();
        WithHiddenTensorsOnMeta(() =>
        {
            losses.Add(trainer.TrainStep().Loss);
            losses.Add(trainer.TrainStep().Loss);
            model.eval();
            using var scope = torch.NewDisposeScope();
            using var g = new Generator(3, torch.CPU);
            var genomes = model.SampleGenomes(Sprites.Render(trainer.BatchFactors(1), torch.CPU), g);
            Assert.Equal(DeviceType.CPU, model.Decoder.Decode(genomes, g).device_type);
        });

        // Then both steps ran on real values
        Assert.All(losses, l => Assert.True(double.IsFinite(l) && l > 0, $"{decoder}/{regularizer}: loss {l}"));
    }

    [Fact]
    public void Should_CreateNoTensorOffTheDevice_When_TrainingAGrowingNca()
    {
        // Given a tiny Growing NCA trainer on the CPU (pool, target and model made on the host)
        using var target = Training.GrowingNcaTrainerTests.SquareTarget();
        var options = new GrowingNcaTrainingOptions
        {
            TargetSize = 4, TargetPadding = 2, Automaton = new GrowingNcaOptions { Channels = 6, HiddenSize = 8 }, PoolSize = 4,
            MinSteps = 2, MaxSteps = 3, Damaged = 1,
        };
        using var trainer = new GrowingNcaTrainer(options, new TrainingOptions { BatchSize = 2, Seed = 1, Steps = 2 }, target, torch.CPU);

        // When it trains two steps with every tensor made without a device on meta
        var losses = new List<double>();
        WithHiddenTensorsOnMeta(() =>
        {
            losses.Add(trainer.TrainStep().Loss);
            losses.Add(trainer.TrainStep().Loss);
        });

        // Then both steps ran on real values
        Assert.All(losses, l => Assert.True(double.IsFinite(l) && l > 0, $"loss {l}"));
    }

    [Theory]
    [InlineData("nca", false)]
    [InlineData("nca", true)]
    [InlineData("grn", false)]
    [InlineData("grn", true)]
    public void Should_CreateNoTensorOffTheDevice_When_DevelopingAPopulation(string decoder, bool perIndividual)
    {
        // Given a small template, three individuals' weights and two genomes on the CPU
        torch.random.manual_seed(5);
        using GenomeDecoder template = decoder == "nca"
            ? Development.PopulationDevelopmentTests.SmallNca(noise: 0.05)
            : Development.PopulationDevelopmentTests.SmallGrn(noise: 0.05);
        using var weights = Development.PopulationDevelopmentTests.Perturbed(template, 3, 5);
        using var genomes = torch.randn(new long[] { 2, 3 }, generator: new Generator(7, torch.CPU));
        using var population = PopulationDevelopment.Create(template);
        using var loop = new LoopPopulation(template);
        var generators = Enumerable.Range(0, 3).Select(i => new Generator((ulong)(20 + i), torch.CPU)).ToArray();
        using var common = new Generator(9, torch.CPU);

        // When the population develops (batched and as the loop) with hidden tensors on meta
        float mean = float.NaN;
        WithHiddenTensorsOnMeta(() =>
        {
            var randomness = perIndividual ? PopulationRandomness.PerIndividual(generators) : PopulationRandomness.Common(common);
            using var batched = population.Develop(weights, genomes, randomness);
            using var looped = loop.Develop(weights, genomes, randomness);
            using var m = batched.mean();
            mean = m.item<float>();
        });

        // Then it grew real phenotypes
        Assert.True(float.IsFinite(mean));
        foreach (var g in generators) g.Dispose();
    }

    [Theory]
    [MemberData(nameof(StrategyNames))]
    public void Should_CreateNoTensorOffTheDevice_When_EveryStrategyEvolves(string name)
    {
        // Given a start on the CPU; the strategy is built inside, as its state follows the start's device
        using var start = torch.zeros(5);
        IReadOnlyList<GenerationReport>? reports = null;
        WithHiddenTensorsOnMeta(() =>
        {
            using var strategy = StrategyCatalog.Create(StrategyCatalog.Spec(name), start, seed: 1);
            reports = Evolver.Run(strategy, p => p.Square().sum(dim: 1).neg(), 3);
        });
        Assert.Equal(3, reports!.Count);
        Assert.All(reports, r => Assert.True(double.IsFinite(r.BestFitness)));
    }

    /// <summary>Every catalogue strategy.</summary>
    public static TheoryData<string> StrategyNames() => new(StrategyCatalog.Names);

    [Fact]
    public void Should_CreateNoTensorOffTheDevice_When_MutatingAndRecombiningNucleotideGenomes()
    {
        using var a = torch.randint(0, 4, new long[] { 4, 12 }, dtype: ScalarType.Int64, generator: new Generator(1, torch.CPU));
        using var b = torch.randint(0, 4, new long[] { 4, 12 }, dtype: ScalarType.Int64, generator: new Generator(2, torch.CPU));
        using var logits = torch.randn(new long[] { 4, 12, 4 }, generator: new Generator(3, torch.CPU));
        using var g = new Generator(4, torch.CPU);
        long changed = -1;
        WithHiddenTensorsOnMeta(() =>
        {
            using var scope = torch.NewDisposeScope();
            var mutated = NucleotideOperators.PointMutation(a, 0.5, g);
            var children = NucleotideOperators.Recombine(mutated, b, g, crossovers: 2);
            var soft = NucleotideGenome.GumbelSoftmax(logits, 0.5, g);
            Assert.Equal(logits.shape, soft.shape);
            Assert.Equal(a.shape, children.shape);
            changed = mutated.ne(a).sum().item<long>();
        });
        Assert.True(changed > 0);
    }

    /// <summary>Every metric of the catalogue.</summary>
    public static TheoryData<string> MetricNames() => new(MetricCatalog.Names);

    [Theory]
    [MemberData(nameof(MetricNames))]
    public void Should_CreateNoTensorOffTheDevice_When_EveryMetricSamplesAndEncodes(string name)
    {
        var world = new FactorVectorWorld(new[] { 3, 4 });
        var options = new MetricSampleSizes { NumTrain = 60, NumTest = 30, NumVotes = 20 }.ApplyTo(MetricCatalog.Catalogue.Find(name).DefaultOptions());
        var metric = MetricCatalog.Create(name, options);
        IReadOnlyDictionary<string, double>? scores = null;
        WithHiddenTensorsOnMeta(() => scores = metric.Evaluate(world, x => x.flatten(1), seed: 0, torch.CPU));
        Assert.NotEmpty(scores!);
    }

    [Fact]
    public void Should_CreateNoTensorOffTheDevice_When_AnalysingALandscape()
    {
        // Given a small energy-landscape decoder and one genome on the CPU
        torch.random.manual_seed(3);
        using var decoder = new LandscapeDecoder(2, (1, 16, 16), new LandscapeOptions { Channels = 3, HiddenSize = 8, StepSize = 0.1, ReadoutHiddenSize = 8 });
        using var genome = torch.randn(new long[] { 1, 2 }, generator: new Generator(1, torch.CPU));
        var energy = LandscapeAnalysis.ForGenome(decoder, genome);
        var origin = new double[decoder.StateSize];
        var corner = Enumerable.Repeat(1.0, decoder.StateSize).ToArray();

        // When its attractors, a barrier and a slice are computed with hidden tensors on meta
        var values = new List<double>();
        WithHiddenTensorsOnMeta(() =>
        {
            using var scope = torch.NewDisposeScope();
            var starts = LandscapeAnalysis.RandomStarts(4, decoder.StateSize, -1, 1, seed: 2, torch.CPU);
            var survey = LandscapeAnalysis.FindAttractors(energy, starts, maxSteps: 20, tolerance: 10);
            values.Add(survey.Attractors[0].Energy);
            values.Add(LandscapeAnalysis.BarrierBetween(energy, origin, corner, points: 5, device: torch.CPU).PathMaximum);
            values.Add(LandscapeAnalysis.Slice(energy, origin, 0, 1, 1, 3, starts, 0.01, 3, torch.CPU).Energy[1, 1]);
        });

        // Then every value is a real number
        Assert.All(values, v => Assert.True(double.IsFinite(v)));
    }

    /// <summary>Every tensor a decoder or model holds (parameters, buffers, fixed kernels) moves with <c>.to(device)</c>.</summary>
    [Theory]
    [MemberData(nameof(DecodersAndRegularizers))]
    public void Should_MoveEveryTensorTheModelHolds_When_MovedToAnotherDevice(string decoder, string regularizer)
    {
        using var model = GenomeVae.Create(Model(decoder, regularizer), Sprites.ObservationShape, 1, Meta, datasetSize: Sprites.Count);
        var offDevice = TensorsOf(model).Where(t => t.Tensor.device_type != DeviceType.META).Select(t => t.Path).ToList();
        Assert.True(offDevice.Count == 0, $"{decoder}/{regularizer}: not on meta: {string.Join(", ", offDevice)}");
        Assert.NotEmpty(TensorsOf(model));
    }

    /// <summary>The generators a trainer and its model's regulariser draw from live on the model's device.</summary>
    [Theory]
    [MemberData(nameof(DecodersAndRegularizers))]
    public void Should_MakeGeneratorsOnTheModelsDevice_When_BuiltForIt(string decoder, string regularizer)
    {
        using var model = GenomeVae.Create(Model(decoder, regularizer), Sprites.ObservationShape, 1, Meta, datasetSize: Sprites.Count);
        using var trainer = new Trainer(model, Sprites, new TrainingOptions { Steps = 1, BatchSize = 2 }, Meta);
        var generators = GeneratorsOf(trainer).Concat(GeneratorsOf(model.Regularizer)).ToList();
        Assert.NotEmpty(generators);
        Assert.All(generators, g => Assert.Equal(DeviceType.META, g.device.type));
    }

    private static IEnumerable<(string Path, Tensor Tensor)> TensorsOf(nn.Module module, string prefix = "")
    {
        foreach (var field in Fields(module.GetType()))
        {
            object? value = field.GetValue(module);
            string path = prefix + module.GetType().Name + "." + field.Name;
            if (value is Tensor t && !t.IsInvalid) yield return (path, t);
            else if (value is nn.Module child && !ReferenceEquals(child, module))
                foreach (var inner in TensorsOf(child, path + "/")) yield return inner;
        }
        foreach (var (name, p) in module.named_parameters()) yield return (prefix + name, p);
        foreach (var (name, b) in module.named_buffers()) yield return (prefix + name, b);
        foreach (var (name, child) in module.named_children())
            foreach (var inner in TensorsOf(child, prefix + name + "/")) yield return inner;
    }

    private static IEnumerable<Generator> GeneratorsOf(object? owner) =>
        owner is null ? Enumerable.Empty<Generator>()
            : Fields(owner.GetType()).Select(f => f.GetValue(owner)).OfType<Generator>();

    private static IEnumerable<FieldInfo> Fields(Type? type)
    {
        for (; type is not null && type.Assembly == typeof(GenomeVae).Assembly; type = type.BaseType)
            foreach (var f in type.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
                yield return f;
    }
}
