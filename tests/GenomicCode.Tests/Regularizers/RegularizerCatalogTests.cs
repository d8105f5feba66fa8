using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Data;
using GenomicCode.Models;
using GenomicCode.Regularizers;
using GenomicCode.Runs;
using GenomicCode.Training;
using TorchSharp;

namespace GenomicCode.Tests.Regularizers;

[Collection(TorchCollection.Name)]
public class RegularizerCatalogTests
{
    private static readonly SpritesWorld World = new();

    public static TheoryData<string> Names() => new(RegularizerCatalog.Names);

    [Theory]
    [MemberData(nameof(Names))]
    public void Should_TrainOneStepWithFiniteLossAndEncoderGradients_When_AnyCatalogueEntry(string name)
    {
        // Given the real genome VAE (small) with this regulariser and a trainer on the sprites world
        var options = TestModels.WithRegularizer(name, latent: 4);
        using var model = GenomeVae.Create(options, World.ObservationShape, seed: 1, torch.CPU, World.Count);
        using var trainer = new Trainer(model, World, new TrainingOptions { Steps = 3, BatchSize = 4, Seed = 1 }, torch.CPU);
        Assert.Equal(name, model.Regularizer.Name);
        // When one step runs
        var m = trainer.TrainStep();
        // Then the loss is finite, the encoder got gradients, and the TC estimate was logged
        Assert.True(double.IsFinite(m.Loss), $"{name}: loss {m.Loss}");
        double gradSquares = model.Encoder.parameters().Where(p => p.grad is not null).Sum(p => p.grad!.square().sum().item<float>());
        Assert.True(gradSquares > 0, $"{name}: no encoder gradients");
        Assert.True(double.IsFinite(m.Terms[Trainer.TcEstimateKey]));
        Assert.True(double.IsFinite(m.Terms[Trainer.TcEstimateStratifiedKey]));
        // And later steps leave no tensors behind
        trainer.TrainStep();
        long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        trainer.TrainStep();
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Should_TrainTheDiscriminatorOnASecondBatch_When_FactorVae()
    {
        var options = TestModels.WithRegularizer("factor-vae", new FactorVaeOptions { DiscriminatorLayers = 2, DiscriminatorWidth = 16 });
        using var model = GenomeVae.Create(options, World.ObservationShape, seed: 2, torch.CPU);
        using var trainer = new Trainer(model, World, new TrainingOptions { Steps = 30, BatchSize = 4, Seed = 2 }, torch.CPU);
        var discriminator = ((FactorVae)model.Regularizer).Discriminator;
        var before = discriminator.parameters().Select(p => p.detach().clone()).ToArray();
        for (int i = 0; i < 3; i++) trainer.TrainStep();
        long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var m = trainer.TrainStep();
        for (int i = 0; i < 5; i++) trainer.TrainStep();
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.Contains("discriminator_loss", m.Terms.Keys);
        Assert.True(double.IsFinite(m.Terms["discriminator_loss"]));
        Assert.Contains(discriminator.parameters().Zip(before), p => !p.First.eq(p.Second).all().item<bool>());
        // The model's optimiser never sees the discriminator.
        Assert.DoesNotContain(model.parameters(), p => discriminator.parameters().Any(q => q.Handle == p.Handle));
    }

    [Fact]
    public void Should_ContinueExactlyLikeAnUninterruptedRun_When_FactorVaeIsResumed()
    {
        // Given FactorVAE runs: one straight for 6 steps, one stopped at 3 and resumed from its checkpoint in a fresh model
        using var dir = new TempDir();
        var options = TestModels.WithRegularizer("factor-vae", new FactorVaeOptions { DiscriminatorLayers = 2, DiscriminatorWidth = 16, DiscriminatorLearningRate = 1e-2 });
        var training = new TrainingOptions { Steps = 6, BatchSize = 4, Seed = 5, LearningRate = 1e-3 };
        GenomeVae Model() => GenomeVae.Create(options, World.ObservationShape, training.Seed, torch.CPU);
        using var straight = Model();
        using var first = Model();
        using var resumed = Model();
        using var straightTrainer = new Trainer(straight, World, training, torch.CPU);
        using var firstTrainer = new Trainer(first, World, training, torch.CPU);
        using var resumedTrainer = new Trainer(resumed, World, training, torch.CPU);
        var expected = Enumerable.Range(0, 6).Select(_ => straightTrainer.TrainStep()).ToArray();
        for (int i = 0; i < 3; i++) firstTrainer.TrainStep();
        firstTrainer.SaveCheckpoint(dir["c.bin"]);
        resumedTrainer.LoadCheckpoint(dir["c.bin"]);
        // When the resumed run trains 3 more steps
        var actual = Enumerable.Range(0, 3).Select(_ => resumedTrainer.TrainStep()).ToArray();
        // Then its losses and discriminator losses match the straight run's (the discriminator came back too)
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(expected[3 + i].Loss, actual[i].Loss, 3);
            Assert.Equal(expected[3 + i].Terms["discriminator_loss"], actual[i].Terms["discriminator_loss"], 5);
        }
    }

    [Theory]
    [InlineData("beta-tc", "beta-tcvae")]
    [InlineData("capacity-vae", "annealed-vae")]
    [InlineData("mmd", "info-vae")]
    public void Should_ResolveAliases(string alias, string name) => Assert.Equal(name, RegularizerCatalog.Find(alias).Name);

    [Fact]
    public void Should_ListTheKnownNames_When_TheNameIsUnknown()
    {
        var e = Assert.Throws<UserInputException>(() => RegularizerCatalog.Spec("beta-wae"));
        Assert.Contains("unknown regularizer 'beta-wae'", e.Message);
        foreach (string n in RegularizerCatalog.Names) Assert.Contains(n, e.Message);
    }

    private static ModelOptions With(string name, IComponentOptions options) =>
        new() { Regularizer = new ComponentSpec(name, options) };

    public static TheoryData<ModelOptions, string> BadOptions() => new()
    {
        { With("annealed-vae", new AnnealedVaeOptions { CapacitySteps = 0 }), "model.regularizer.options: CapacitySteps" },
        { With("annealed-vae", new AnnealedVaeOptions { Gamma = -1 }), "model.regularizer.options: Gamma" },
        { With("annealed-vae", new AnnealedVaeOptions { CapacityMax = double.NaN }), "model.regularizer.options: CapacityMax" },
        { With("beta-tcvae", new BetaTcVaeOptions { Alpha = double.NaN }), "model.regularizer.options: Alpha" },
        { With("beta-tcvae", new BetaTcVaeOptions { Estimator = "exact" }), "model.regularizer.options: Estimator" },
        { With("factor-vae", new FactorVaeOptions { Gamma = -3 }), "model.regularizer.options: Gamma" },
        { With("dip-vae-i", new DipVaeIOptions { LambdaOffDiagonal = -1 }), "model.regularizer.options: LambdaOffDiagonal" },
        { With("dip-vae-ii", new DipVaeIIOptions { LambdaDiagonal = double.NaN }), "model.regularizer.options: LambdaDiagonal" },
        { With("info-vae", new InfoVaeOptions { Kernel = "laplace" }), "model.regularizer.options: Kernel" },
        { With("info-vae", new InfoVaeOptions { Alpha = 0, Lambda = 0.5 }), "model.regularizer.options: Lambda" },
        { With("beta-tcvae", new BetaTcVaeOptions { Beta = double.NaN }), "model.regularizer.options: Beta" },
        { With("beta-vae", new BetaVaeOptions { Beta = -1 }), "model.regularizer.options: Beta" },
        { With("factor-vae", new BetaVaeOptions()), "regularizer 'factor-vae' takes FactorVaeOptions, not BetaVaeOptions" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Should_NameTheBadField_When_RegularizerOptionsAreInvalid(ModelOptions options, string expected)
    {
        var e = Assert.Throws<UserInputException>(() => options.Validate());
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void Should_RoundTripRegularizerOptionsThroughJson()
    {
        foreach (var entry in RegularizerCatalog.Catalogue.Entries)
        {
            var preset = new Preset { Model = new ModelOptions { Regularizer = RegularizerCatalog.Spec(entry.Name) } };
            var back = Preset.Parse(preset.ToJson(), "round-trip");
            Assert.Equal(preset.Model, back.Model);
        }
        var tc = new Preset { Model = new ModelOptions { Regularizer = RegularizerCatalog.Spec("beta-tcvae", new BetaTcVaeOptions { Beta = 6, Alpha = 0.5, Estimator = "mss", DatasetSize = 1000 }) } };
        Assert.Equal(tc.Model, Preset.Parse(tc.ToJson(), "round-trip").Model);
        var e = Assert.Throws<UserInputException>(() => Preset.Parse("{ \"model\": { \"regularizer\": { \"name\": \"beta-tcvae\", \"options\": { \"betta\": 1 } } } }", "x.json"));
        Assert.Contains("betta", e.Message);
    }

    [Fact]
    public void Should_AskForTheDatasetSize_When_BetaTcVaeHasNone()
    {
        var e = Assert.Throws<UserInputException>(() => GenomeVae.Create(TestModels.WithRegularizer("beta-tcvae", latent: 2, hidden: 16), (1, 64, 64), 0));
        Assert.Contains("datasetSize", e.Message);
    }

    [Fact]
    public void Should_ListEveryOptionWithItsDefault()
    {
        var factor = RegularizerCatalog.Find("factor-vae").OptionDefaults();
        Assert.Contains(("discriminatorWidth", "1000"), factor);
        Assert.Contains(("discriminatorLayers", "6"), factor);
        Assert.DoesNotContain(factor, o => o.Key == "beta");
        Assert.Contains(("beta", "1"), RegularizerCatalog.Find("beta-tcvae").OptionDefaults());
        Assert.Equal(new[] { ("beta", "1") }, RegularizerCatalog.Find("vae").OptionDefaults());
    }

    [Fact]
    public void Should_SetBetaOnlyOnRegularizersThatHaveOne()
    {
        var model = new ModelOptions { Regularizer = RegularizerCatalog.Spec("beta-tcvae", new BetaTcVaeOptions { Gamma = 3 }) }.WithBeta(6);
        Assert.Equal(new BetaTcVaeOptions { Gamma = 3, Beta = 6 }, model.Regularizer.Options);
        var e = Assert.Throws<UserInputException>(() => TestModels.WithRegularizer("info-vae").WithBeta(2));
        Assert.Contains("--beta does not apply to regularizer 'info-vae' (only to beta-vae, beta-tcvae)", e.Message);
    }
}
