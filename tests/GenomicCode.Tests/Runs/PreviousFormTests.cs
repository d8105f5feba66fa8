using System.Text.Json.Nodes;
using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Data;
using GenomicCode.Development;
using GenomicCode.Encoders;
using GenomicCode.Models;
using GenomicCode.Regularizers;
using GenomicCode.Runs;
using GenomicCode.Training;
using TorchSharp;

namespace GenomicCode.Tests.Runs;

/// <summary>
/// Files written before components (Runs/Fixtures/previous-form): the shipped presets as they were, and four run folders
/// trained for two steps by that build (config.json, the checkpoint's header, the names and shapes of its parameters as
/// <c>weights export</c> listed them). They must read as the same models.
/// </summary>
[Collection(TorchCollection.Name)]
public class PreviousFormTests
{
    private static string Fixture(params string[] parts) =>
        Path.Combine(new[] { AppContext.BaseDirectory, "Runs", "Fixtures", "previous-form" }.Concat(parts).ToArray());

    public static TheoryData<string> PreviousPresets() =>
        new(Directory.GetFiles(Fixture("presets"), "*.json").Select(Path.GetFileNameWithoutExtension).Order()!);

    public static TheoryData<string> PreviousRuns() =>
        new(Directory.GetDirectories(Fixture("runs")).Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(PreviousPresets))]
    public void Should_ReadAsTheShippedPreset_When_APresetIsInThePreviousForm(string name)
    {
        var previous = Preset.Parse(File.ReadAllText(Fixture("presets", name + ".json")), name);
        // Descriptions are prose that may be reworded since (the quickstart's now states its measured time).
        Assert.Equal(PresetCatalog.Load(name) with { Description = previous.Description }, previous);
    }

    [Theory]
    [MemberData(nameof(PreviousRuns))]
    public void Should_BuildTheSameModel_When_ARunFolderIsInThePreviousForm(string run)
    {
        // Given a run folder's config and its checkpoint's header, written by the previous build
        using var dir = new TempDir();
        File.Copy(Fixture("runs", run, "config.json"), dir["config.json"]);
        File.Copy(Fixture("runs", run, "checkpoint-header.bin"), dir["checkpoint.bin"]);
        // When both are read
        var config = RunFolder.OpenExisting(dir.Path).ReadConfig();
        var header = Checkpoint.ReadHeader(dir["checkpoint.bin"]);
        // Then they name the same model, with the same step and seed as the old header
        Assert.Equal(config.Model, header.Model);
        Assert.Equal((2L, config.Training.Seed), (header.Step, header.Seed));
        Assert.Equal("sprites", config.Training.Dataset.Name);
        // And that model has exactly the parameters (names and shapes) the previous build's model had
        var world = new SpritesWorld();
        using var model = GenomeVae.Create(header.Model, world, header.Seed);
        var expected = File.ReadAllLines(Fixture("runs", run, "parameters.txt")).Where(l => l.Length > 0).Order();
        var actual = model.state_dict().Select(p => $"{p.Key} {string.Join(",", p.Value.shape)}").Order();
        Assert.Equal(expected, actual);
    }

    public static TheoryData<string, ModelOptions> UpgradedRuns() => new()
    {
        {
            "conv-beta", new ModelOptions
            {
                LatentSize = 3,
                Encoder = EncoderCatalog.Spec("conv", new ConvEncoderOptions { HiddenSize = 16 }),
                Decoder = DecoderCatalog.Spec("conv", new ConvDecoderOptions { HiddenSize = 16 }),
                Regularizer = RegularizerCatalog.Spec("beta-vae", new BetaVaeOptions { Beta = 4 }),
            }
        },
        {
            // development's fireRate, stepSize and conditionEveryCell, which the GRN ignored, are dropped; the other
            // regularisers' options too
            "grn-tcvae", new ModelOptions
            {
                LatentSize = 3,
                Encoder = EncoderCatalog.Spec("conv", new ConvEncoderOptions { HiddenSize = 16 }),
                Decoder = DecoderCatalog.Spec("grn", new GrnOptions
                {
                    Steps = 3, Noise = 0.01, Channels = 5, HiddenSize = 8, Grid = 8, Tau = 0.3, Activation = "sigmoid", Morphogens = 2,
                }),
                Regularizer = RegularizerCatalog.Spec("beta-tcvae", new BetaTcVaeOptions { Beta = 6, Alpha = 1, Gamma = 2, Estimator = "mss" }),
            }
        },
        {
            // hiddenSize was also the landscape's readout width; beta meant nothing to FactorVAE
            "landscape-factor", new ModelOptions
            {
                LatentSize = 3,
                Encoder = EncoderCatalog.Spec("conv", new ConvEncoderOptions { HiddenSize = 16 }),
                Decoder = DecoderCatalog.Spec("landscape", new LandscapeOptions { Steps = 2, Channels = 4, HiddenSize = 8, StepSize = 0.2, ReadoutHiddenSize = 16 }),
                Regularizer = RegularizerCatalog.Spec("factor-vae", new FactorVaeOptions { Gamma = 20, DiscriminatorLayers = 2, DiscriminatorWidth = 8 }),
            }
        },
        {
            "nca-info", new ModelOptions
            {
                LatentSize = 3,
                Encoder = EncoderCatalog.Spec("conv", new ConvEncoderOptions { HiddenSize = 16 }),
                Decoder = DecoderCatalog.Spec("nca", new NcaOptions { Steps = 3, MaxSteps = 4, Channels = 5, HiddenSize = 8, Grid = 8, FireRate = 0.6, ConditionEveryCell = true }),
                Regularizer = RegularizerCatalog.Spec("info-vae", new InfoVaeOptions { Alpha = 0.5, Lambda = 10, Kernel = "rbf" }),
            }
        },
    };

    [Theory]
    [MemberData(nameof(UpgradedRuns))]
    public void Should_MoveEverySettingIntoTheComponentThatReadsIt_When_Upgrading(string run, ModelOptions expected)
    {
        var config = Preset.Parse(File.ReadAllText(Fixture("runs", run, "config.json")), run);
        Assert.Equal(expected, config.Model);
    }

    [Fact]
    public void Should_LeaveTheComponentFormAlone_When_Upgrading()
    {
        var model = JsonNode.Parse(new Preset().ToJson())!["model"]!.AsObject();
        string before = model.ToJsonString();
        Assert.False(ModelOptionsUpgrade.Upgrade(model));
        Assert.Equal(before, model.ToJsonString());
    }

    [Fact]
    public void Should_TakeTheDefaults_When_APreviousFormLeftThemOut()
    {
        // Only hiddenSize given: beta-vae with beta 1, conv decoder and encoder of that width
        var options = ModelOptions.FromJson("""{ "latentSize": 2, "hiddenSize": 24 }""");
        Assert.Equal(TestModels.Options(latent: 2, hidden: 24), options);
        // A developmental decoder without development: its defaults
        var grn = ModelOptions.FromJson("""{ "decoder": "grn", "beta": 2 }""");
        Assert.Equal(DecoderCatalog.Spec("grn"), grn.Decoder);
        Assert.Equal(new BetaVaeOptions { Beta = 2 }, grn.Regularizer.Options);
    }

    [Fact]
    public void Should_LetThePreviousFormWin_When_AModelMixesBothForms()
    {
        // A JSON path of the previous form set on a preset in the component form (as a study does) is the later setting.
        var model = ModelOptions.FromJson("""
            { "latentSize": 4, "hiddenSize": 48, "beta": 3,
              "encoder": { "name": "conv", "options": { "hiddenSize": 256 } },
              "decoder": { "name": "nca", "options": { "steps": 10, "channels": 8 } },
              "development": { "steps": 4, "tau": 0.5 },
              "regularizer": { "name": "beta-tcvae", "options": { "beta": 6, "gamma": 2 } } }
            """);
        Assert.Equal(new ConvEncoderOptions { HiddenSize = 48 }, model.Encoder.Options);
        Assert.Equal(new NcaOptions { Steps = 4, Channels = 8 }, model.Decoder.Options);          // tau: not the NCA's
        Assert.Equal(new BetaTcVaeOptions { Beta = 3, Gamma = 2 }, model.Regularizer.Options);
    }

    [Theory]
    [InlineData("""{ "model": { "hiddenSize": 32, "regularizer": "beta-wae" } }""", "unknown regularizer 'beta-wae'")]
    [InlineData("""{ "model": { "hiddenSize": 32, "decoder": "blob" } }""", "unknown decoder 'blob'")]
    [InlineData("""{ "model": { "hiddenSize": 4 } }""", "model.encoder.options: HiddenSize")]
    [InlineData("""{ "model": { "beta": -1 } }""", "model.regularizer.options: Beta")]
    [InlineData("""{ "model": { "development": { "steps": 0 }, "decoder": "nca" } }""", "model.decoder.options: Steps")]
    public void Should_NameTheProblem_When_APreviousFormIsBad(string json, string expected)
    {
        var e = Assert.Throws<UserInputException>(() => Preset.Parse(json, "old.json"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("old.json: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
