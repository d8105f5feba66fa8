using System.Text.Json;
using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Development;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Development;

/// <summary>Conformance tests run against every developmental decoder in the catalogue, on tiny grids.</summary>
[Collection(TorchCollection.Name)]
public class DevelopmentalDecoderTests
{
    private const int Genome = 3;
    private static readonly (int, int, int) Shape = (1, 16, 16);

    public static TheoryData<string> Developmental()
    {
        var data = new TheoryData<string>();
        foreach (var name in DecoderCatalog.Names.Where(DecoderCatalog.IsDevelopmental)) data.Add(name);
        return data;
    }

    /// <summary>The entry's defaults, made small: 6 steps, 8 channels, width 16, an 8x8 grid, 2 morphogens, a 32-wide readout.</summary>
    private static IComponentOptions Small(string name, int steps = 6)
    {
        var options = DecoderCatalog.Catalogue.Find(name).DefaultOptions();
        if (options is not DevelopmentOptions development) return options is ConvDecoderOptions ? new ConvDecoderOptions { HiddenSize = 32 } : options;
        development = development with { Steps = steps, Channels = 8, HiddenSize = 16 };
        if (development is CellularOptions cells) development = cells with { Grid = 8 };
        return development switch
        {
            GrnOptions grn => grn with { Morphogens = 2 },
            LandscapeOptions landscape => landscape with { ReadoutHiddenSize = 32 },
            _ => development,
        };
    }

    private static DevelopmentalDecoder Make(string name, IComponentOptions? options = null, bool randomise = true)
    {
        torch.random.manual_seed(1);
        var d = (DevelopmentalDecoder)DecoderCatalog.Create(DecoderCatalog.Spec(name, options ?? Small(name)), new DecoderContext(Genome, Shape));
        if (randomise)
        {
            // Away from the "do nothing" initialisation of the NCA, so that something grows.
            using var _ = torch.no_grad();
            var g = new Generator(5);
            foreach (var p in d.parameters()) p.copy_(torch.randn(p.shape, generator: g) * 0.3 + p);
        }
        return d;
    }

    private static Tensor Genomes(int batch = 2) => torch.randn(new long[] { batch, Genome }, generator: new Generator(3));

    [Theory]
    [MemberData(nameof(Developmental))]
    public void Should_GrowANonEmptyPhenotype_When_DevelopingFromTheSeed(string name)
    {
        using var scope = torch.NewDisposeScope();
        using var decoder = Make(name);
        var result = decoder.Develop(Genomes(), new Generator(7), capture: new[] { 0 });
        Assert.Equal(new long[] { 2, 1, 16, 16 }, result.Phenotype.shape);
        var p = result.Phenotype;
        Assert.True(p.isfinite().all().item<bool>());
        // Non-empty: the phenotype is not one uniform value, and it changed from the seed state.
        Assert.True((p.max() - p.min()).item<float>() > 1e-3, $"{name} grew a uniform phenotype");
        Assert.True((p - result.Trajectory[0]).abs().max().item<float>() > 1e-3, $"{name} did not develop");
    }

    [Theory]
    [MemberData(nameof(Developmental))]
    public void Should_GiveIdenticalOutput_When_ZeroNoiseAndSameSeed(string name)
    {
        using var scope = torch.NewDisposeScope();
        using var decoder = Make(name);
        decoder.train();
        var g = Genomes();
        var a = decoder.Develop(g, new Generator(11)).Phenotype;
        var b = decoder.Develop(g, new Generator(11)).Phenotype;
        Assert.True(a.eq(b).all().item<bool>());
    }

    [Theory]
    [MemberData(nameof(Developmental))]
    public void Should_DevelopWithTheNoiseLevelSet_When_NoiseIsInjectedInsideDevelopment(string name)
    {
        using var scope = torch.NewDisposeScope();
        using var decoder = Make(name);
        var g = Genomes();
        var quiet = decoder.Develop(g, new Generator(11)).Phenotype;
        Tensor noisy;
        using (decoder.WithNoise(0.5))
        {
            Assert.Equal(0.5, decoder.NoiseLevel);
            noisy = decoder.Develop(g, new Generator(11)).Phenotype;
        }
        Assert.Equal(0.0, decoder.NoiseLevel);                                    // the option's level again
        var again = decoder.Develop(g, new Generator(11)).Phenotype;
        Assert.True(quiet.eq(again).all().item<bool>());
        Assert.True((noisy - quiet).abs().max().item<float>() > 1e-3, $"{name} ignored the injected noise");
        Assert.Throws<UserInputException>(() => decoder.WithNoise(-1));
    }

    [Fact]
    public void Should_DifferBetweenSeeds_When_UpdatesAreStochastic()
    {
        using var scope = torch.NewDisposeScope();
        using var decoder = Make("nca");
        var g = Genomes();
        var a = decoder.Develop(g, new Generator(1)).Phenotype;
        var b = decoder.Develop(g, new Generator(2)).Phenotype;
        Assert.False(a.eq(b).all().item<bool>());
    }

    [Theory]
    [MemberData(nameof(Developmental))]
    public void Should_ReachGenomeAndParameters_When_Backpropagating(string name)
    {
        using var scope = torch.NewDisposeScope();
        using var decoder = Make(name);
        decoder.train();
        var g = Genomes().requires_grad_(true);
        var loss = decoder.Develop(g, new Generator(4)).Phenotype.pow(2).mean();
        loss.backward();
        Assert.NotNull(g.grad);
        Assert.True(g.grad!.abs().sum().item<float>() > 0, $"{name}: no gradient reached the genome");
        var withGrad = decoder.named_parameters().Where(p => p.parameter.grad is not null && p.parameter.grad.abs().sum().item<float>() > 0).Select(p => p.name).ToList();
        var all = decoder.named_parameters().Select(p => p.name).ToList();
        Assert.True(withGrad.Count == all.Count, $"{name}: no gradient for {string.Join(", ", all.Except(withGrad))}");
    }

    [Theory]
    [MemberData(nameof(Developmental))]
    public void Should_ReturnTheRequestedSteps_When_CapturingATrajectory(string name)
    {
        using var scope = torch.NewDisposeScope();
        using var decoder = Make(name);
        var result = decoder.Develop(Genomes(), new Generator(4), capture: new[] { 6, 0, 3 });
        Assert.Equal(new[] { 0, 3, 6 }, result.CapturedSteps);
        Assert.Equal(3, result.Trajectory.Count);
        Assert.All(result.Trajectory, t => Assert.Equal(new long[] { 2, 1, 16, 16 }, t.shape));
        Assert.True(result.Trajectory[2].eq(result.Phenotype).all().item<bool>());
        Assert.Equal(6, result.StepsRun);
    }

    [Theory]
    [MemberData(nameof(Developmental))]
    public void Should_KeepLiveTensorsFlat_When_Developing50Times(string name)
    {
        using var decoder = Make(name);
        using var g = Genomes();
        using var gen = new Generator(9);
        void Once()
        {
            using var scope = torch.NewDisposeScope();
            using var _ = torch.no_grad();
            decoder.Develop(g, gen, capture: new[] { 2 }).Phenotype.sum().item<float>();
        }
        Once();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 50; i++) Once();
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Should_SampleStepsInTheRange_When_TrainingWithMaxSteps()
    {
        using var decoder = Make("nca", new NcaOptions { Steps = 2, MaxSteps = 5, Channels = 4, HiddenSize = 8, Grid = 4 });
        using var g = Genomes();
        decoder.train();
        var seen = new HashSet<int>();
        for (int s = 0; s < 30; s++)
        {
            using var scope = torch.NewDisposeScope();
            seen.Add(decoder.Develop(g, new Generator((ulong)s)).StepsRun);
        }
        Assert.Subset(new HashSet<int> { 2, 3, 4, 5 }, seen);
        Assert.True(seen.Count >= 3);
        decoder.eval();
        using var eval = torch.NewDisposeScope();
        Assert.Equal(2, decoder.Develop(g, new Generator(1)).StepsRun);
    }

    [Theory]
    [MemberData(nameof(Developmental))]
    public void Should_RejectAGenomeOfTheWrongWidth_When_Developing(string name)
    {
        using var decoder = Make(name, randomise: false);
        using var bad = torch.zeros(2, Genome + 1);
        var e = Assert.Throws<UserInputException>(() => decoder.Develop(bad, null));
        Assert.Contains($"(B, {Genome})", e.Message);
    }

    [Theory]
    [InlineData("nca", "{\"steps\": 0}", "Steps")]
    [InlineData("grn", "{\"steps\": -3}", "Steps")]
    [InlineData("landscape", "{\"noise\": -0.1}", "Noise")]
    [InlineData("nca", "{\"grid\": 2}", "Grid")]
    [InlineData("nca", "{\"fireRate\": 0}", "FireRate")]
    [InlineData("landscape", "{\"maxSteps\": 3, \"steps\": 5}", "MaxSteps")]
    [InlineData("grn", "{\"start\": \"middle\"}", "Start")]
    [InlineData("grn", "{\"tau\": 0}", "Tau")]
    [InlineData("grn", "{\"dynamics\": \"euler\"}", "Dynamics")]
    [InlineData("grn", "{\"dynamics\": \"kouvaris\", \"tau2\": 0}", "Tau2")]
    [InlineData("grn", "{\"tau1\": -1}", "Tau1")]
    [InlineData("grn", "{\"channels\": 4, \"morphogens\": 5}", "Morphogens")]
    [InlineData("landscape", "{\"stepSize\": 0}", "StepSize")]
    [InlineData("landscape", "{\"readoutHiddenSize\": 4}", "ReadoutHiddenSize")]
    public void Should_NameTheField_When_DecoderOptionsAreBad(string decoder, string json, string field)
    {
        var options = DecoderCatalog.Catalogue.Find(decoder).ReadOptions(JsonDocument.Parse(json).RootElement);
        var e = Assert.Throws<UserInputException>(() => options.Validate());
        Assert.StartsWith(field, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("nca", "tau")]
    [InlineData("nca", "stepSize")]
    [InlineData("grn", "fireRate")]
    [InlineData("grn", "conditionEveryCell")]
    [InlineData("landscape", "grid")]
    [InlineData("landscape", "morphogens")]
    [InlineData("conv", "steps")]
    public void Should_RefuseAFieldItsDecoderIgnores_When_ReadingOptions(string decoder, string field)
    {
        var e = Assert.ThrowsAny<JsonException>(() => DecoderCatalog.Catalogue.Find(decoder).ReadOptions(JsonDocument.Parse($"{{\"{field}\": 1}}").RootElement));
        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void Should_Refuse_When_ThePhenotypeGridIsSmallerThanTheKernel()
    {
        var e = Assert.Throws<UserInputException>(() => new NcaDecoder(2, (1, 2, 2), new NcaOptions()));
        Assert.Contains("perception kernel", e.Message);
    }

    [Fact]
    public void Should_Refuse_When_CaptureStepIsOutsideTheRun()
    {
        using var decoder = Make("grn", randomise: false);
        using var g = Genomes();
        Assert.Throws<UserInputException>(() => decoder.Develop(g, null, capture: new[] { 7 }));
        Assert.Throws<UserInputException>(() => decoder.Develop(g, null, steps: 0));
    }

    [Fact]
    public void Should_RoundTripThroughJson_When_SerialisingOptions()
    {
        var options = new IComponentOptions[]
        {
            new NcaOptions { Steps = 7, MaxSteps = 9, Noise = 0.25, Grid = 12, ConditionEveryCell = true, SparseUpdates = false },
            new GrnOptions { Steps = 3, Channels = 9, Activation = "sigmoid", Morphogens = 2, Start = "full" },
            new LandscapeOptions { StepSize = 0.3, ReadoutHiddenSize = 64, Noise = 0.1 },
            new ConvDecoderOptions { HiddenSize = 40 },
        };
        foreach (var o in options)
        {
            string json = JsonSerializer.Serialize(o, o.GetType(), JsonSettings.Default);
            Assert.Equal(o, JsonSerializer.Deserialize(json, o.GetType(), JsonSettings.Default));
        }
        // The fields every developmental decoder shares come first.
        Assert.StartsWith("{\n  \"steps\": 3,\n  \"maxSteps\": 0", JsonSerializer.Serialize(options[1], options[1].GetType(), JsonSettings.Default).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Should_CreateEveryCatalogueEntry_When_AskedByName()
    {
        foreach (var name in DecoderCatalog.Names)
        {
            using var d = DecoderCatalog.Create(DecoderCatalog.Spec(name, Small(name, steps: 2)), new DecoderContext(Genome, Shape));
            using var scope = torch.NewDisposeScope();
            Assert.Equal(new long[] { 2, 1, 16, 16 }, d.Decode(Genomes(), new Generator(1)).shape);
            Assert.Equal(Shape, d.PhenotypeShape);
        }
        var e = Assert.Throws<UserInputException>(() => DecoderCatalog.Spec("blob"));
        Assert.Contains($"known: {string.Join(", ", DecoderCatalog.Names)}.", e.Message);
    }

    [Theory]
    [InlineData("seed", false)]
    [InlineData("full", false)]
    [InlineData("full", true)]
    public void Should_MatchTheDenseUpdate_When_TheNetworkRunsOnlyOnLivingFiringCells(string start, bool conditionEveryCell)
    {
        // Sparse and dense updates draw the same fire masks from the same seed; with zero noise they must agree in the
        // phenotype and in every gradient (up to float summation order).
        var options = new NcaOptions { Steps = 6, Channels = 8, HiddenSize = 16, Grid = 8, Start = start, ConditionEveryCell = conditionEveryCell };
        (float[] Phenotype, float[] GenomeGrad, float[][] ParamGrads) Run(bool sparse)
        {
            using var scope = torch.NewDisposeScope();
            using var d = Make("nca", options with { SparseUpdates = sparse });
            var genomes = Genomes(3).requires_grad_();
            var phenotype = d.Develop(genomes, new Generator(11)).Phenotype;
            phenotype.square().sum().backward();
            return (phenotype.detach().data<float>().ToArray(), genomes.grad!.data<float>().ToArray(),
                    d.parameters().Select(p => p.grad is null ? Array.Empty<float>() : p.grad.data<float>().ToArray()).ToArray());
        }
        var sparse = Run(true);
        var dense = Run(false);
        Assert.Contains(sparse.Phenotype, v => Math.Abs(v - sparse.Phenotype[0]) > 1e-3);  // something grew: not a trivial comparison
        AssertClose(dense.Phenotype, sparse.Phenotype, 1e-4);
        AssertClose(dense.GenomeGrad, sparse.GenomeGrad, 1e-3);
        Assert.Equal(dense.ParamGrads.Length, sparse.ParamGrads.Length);
        for (int i = 0; i < dense.ParamGrads.Length; i++) AssertClose(dense.ParamGrads[i], sparse.ParamGrads[i], 1e-3);
    }

    private static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1, expected.Max(v => Math.Abs((double)v)));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale, $"element {i}: {expected[i]} vs {actual[i]}");
    }

    [Fact]
    public void Should_StartEveryCellAlive_When_StartIsFull()
    {
        using var scope = torch.NewDisposeScope();
        using var d = (NcaDecoder)Make("nca", new NcaOptions { Steps = 1, Channels = 8, HiddenSize = 16, Grid = 8, Start = "full" });
        var state = d.SeedState(Genomes(2));                        // (2, 8, 8, 8)
        Assert.Equal(new long[] { 2, 8, 8, 8 }, state.shape);
        Assert.True(state.narrow(1, 1, 1).eq(1).all().item<bool>()); // alpha 1 everywhere
        Assert.True(state[TensorIndex.Colon, TensorIndex.Colon, 0, 0].allclose(state[TensorIndex.Colon, TensorIndex.Colon, 4, 4])); // every cell is the seed cell
    }
}
