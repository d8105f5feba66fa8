using System.Text.Json;
using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Data;
using GenomicCode.Development;
using GenomicCode.Evolution;
using GenomicCode.Experiments;
using GenomicCode.Plotting;
using GenomicCode.Tests.Cli;

namespace GenomicCode.Tests.Experiments;

/// <summary>A tiny trained run folder and a pair of code files, made once for the experiment tests.</summary>
public sealed class TinyRunFixture : IDisposable
{
    private readonly TempDir dir = new();

    /// <summary>Trains the run and writes the code files.</summary>
    public TinyRunFixture()
    {
        Run = CliHarness.TrainTinyRun(dir);
        GrowingNcaRun = CliHarness.TrainTinyGrowingNcaRun(dir);
        var rng = new Random(0);
        var codes = new double[200, 3];
        var factors = new int[200, 2];
        for (int i = 0; i < 200; i++)
        {
            factors[i, 0] = rng.Next(3);
            factors[i, 1] = rng.Next(4);
            codes[i, 0] = factors[i, 0] + 0.01 * rng.NextDouble();
            codes[i, 1] = factors[i, 1] + 0.01 * rng.NextDouble();
            codes[i, 2] = rng.NextDouble();
        }
        Codes = dir["codes.npy"];
        Factors = dir["factors.npy"];
        Npy.Write(Codes, codes);
        Npy.Write(Factors, factors);
    }

    /// <summary>The run folder (3 genes, 2 training steps).</summary>
    public string Run { get; }

    /// <summary>A Growing NCA run folder (8x8 grid, 3 training steps).</summary>
    public string GrowingNcaRun { get; }

    /// <summary>Codes of 200 samples: two codes follow the two factors, one is noise.</summary>
    public string Codes { get; }

    /// <summary>The factors of those samples.</summary>
    public string Factors { get; }

    /// <summary>A fresh folder for results.</summary>
    public string Out(string name) => dir[name];

    /// <inheritdoc />
    public void Dispose() => dir.Dispose();
}

[Collection(TorchCollection.Name)]
public class ExperimentCatalogTests(TinyRunFixture tiny) : IClassFixture<TinyRunFixture>
{
    public static TheoryData<string> ExperimentNames() => new(ExperimentCatalog.Names);

    // Tiny options for every experiment of the catalogue: a new experiment fails these tests until it has an entry here.
    private IComponentOptions Tiny(string name) => name switch
    {
        "evaluate" => new EvaluationOptions { Run = tiny.Run, Runs = new[] { tiny.Run }, Metrics = new[] { "mig", "modularity" }, NumTrain = 64, NumTest = 32 },
        "analyze" => new AnalysisOptions { Run = tiny.Run, Population = 4, Mutants = 4, Noise = new[] { 1.0 } },
        "score" => new ScoreOptions { Codes = tiny.Codes, Factors = tiny.Factors, Metrics = new[] { "mig", "sap" } },
        "evolve" => new EvolveOptions { Run = tiny.Run, Target = "1234", Strategy = StrategyCatalog.Spec("ga", new GeneticAlgorithmOptions { Population = 4 }), Generations = 3 },
        "selectability" => new SelectabilityOptions { Run = tiny.Run, Population = 8, Generations = 2 },
        "evolvability" => new EvolvabilityOptions { Run = tiny.Run, Parents = 8, MutantsPerParent = 4, GenerationsPerTarget = 2, MutationSigma = 0.5 },
        "generalisation" => GeneralisationOptions.GeneticAlgorithmDefaults with
        {
            TrainingGenerations = 4, SwitchEvery = 2, PopulationSize = 4, TestGenerations = 2, Replicates = 1, ProbeGenotypes = 10,
        },
        "learning" => new LearningOptions
        {
            Size = 8, Targets = 2, GenomeSize = 2, Generations = 2, Steps = 2, CurvePoints = 2,
            Strategy = StrategyCatalog.With(LearningOptions.DefaultStrategy, population: 4),
            Decoder = DecoderCatalog.Spec("grn", new GrnOptions { Steps = 4, Channels = 4, Morphogens = 1, HiddenSize = 8 }),
        },
        "rate-distortion" => new RateDistortionOptions { Lengths = [110], Steps = 3, EvalImages = 8, Threads = 1 },
        "regenerate" => new RegenerationOptions { Run = tiny.GrowingNcaRun, Organisms = 2, GrowSteps = 4, RecoverySteps = 4, Frames = 3 },
        _ => throw new InvalidOperationException($"experiment '{name}' has no tiny options in {nameof(ExperimentCatalogTests)}; add them."),
    };

    [Theory]
    [MemberData(nameof(ExperimentNames))]
    public void Should_RunThroughTheLibraryAndRoundTripItsResult_When_RunByName(string name)
    {
        // Given the experiment's entry and tiny options
        var entry = ExperimentCatalog.Find(name);
        var spec = ExperimentCatalog.Catalogue.Spec(name, Tiny(name));
        var reports = new List<ExperimentProgress>();

        // When it runs by name
        var result = ExperimentCatalog.Run(spec, seed: 1, new ProgressCallback(reports.Add));

        // Then the result is the entry's record, progress counted up to its total, and the file reads back to the same JSON
        Assert.IsType(entry.ResultType, result);
        Assert.NotEmpty(reports);
        Assert.Equal(reports[^1].Total, reports[^1].Step);
        Assert.All(reports.Zip(reports.Skip(1)), p => Assert.True(p.Second.Step >= p.First.Step));
        string path = ResultFile.Write(tiny.Out($"{name}/{entry.FileName}"), result);
        var back = ResultFile.Read(path, entry.ResultType);
        Assert.Equal(File.ReadAllText(path), ResultFile.ToJson(back));
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        if (name != "score") Assert.Equal(1, json.RootElement.GetProperty("seed").GetInt64());

        // And its figures (every experiment but score has some) render from the record read back
        var figures = ExperimentFigures.Draw((IExperimentResult)back);
        if (name != "score") Assert.NotEmpty(figures);
        Assert.All(figures, f => Assert.True(f.Value.ToPng().Length > 1000, f.Key));
    }

    [Theory]
    [MemberData(nameof(ExperimentNames))]
    public void Should_RoundTripItsOptions_When_WrittenAsJson(string name)
    {
        var entry = ExperimentCatalog.Find(name);
        var options = Tiny(name);
        string json = JsonSerializer.Serialize(options, options.GetType(), JsonSettings.Default);
        var back = entry.ReadOptions(JsonDocument.Parse(json).RootElement);
        Assert.Equal(json, JsonSerializer.Serialize(back, back.GetType(), JsonSettings.Default));
        var defaults = entry.DefaultOptions();
        Assert.Equal(JsonSerializer.Serialize(defaults, defaults.GetType(), JsonSettings.Default),
            JsonSerializer.Serialize(entry.ReadOptions(null), defaults.GetType(), JsonSettings.Default));
    }

    [Fact]
    public void Should_WriteTheSameKeysAsTheCommandLine_When_ScoresAreTopLevel()
    {
        // Scores are top-level keys next to the record's own, and read back as numbers (NaN as a string).
        var result = new ScoreResult(10, 5, 3, 2) { Scores = new Dictionary<string, double> { ["mig"] = 0.5, ["sap"] = double.NaN } };
        string json = ResultFile.ToJson(result);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(0.5, doc.RootElement.GetProperty("mig").GetDouble());
        Assert.Equal("NaN", doc.RootElement.GetProperty("sap").GetString());
        Assert.Equal(10, doc.RootElement.GetProperty("num_train").GetInt32());
        var back = JsonSerializer.Deserialize<ScoreResult>(json, ResultFile.Settings)!;
        Assert.Equal(0.5, back.Scores["mig"]);
        Assert.True(double.IsNaN(back.Scores["sap"]));
        Assert.Equal(5, back.NumTest);
    }

    [Fact]
    public void Should_StopWithOperationCanceled_When_TheTokenIsCancelled()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.Throws<OperationCanceledException>(() => GeneralisationExperiment.Run((GeneralisationOptions)Tiny("generalisation"), 1, null, cancel.Token));
        Assert.Throws<OperationCanceledException>(() => LearningExperiment.Run((LearningOptions)Tiny("learning"), 1, null, cancel.Token));
    }

    [Fact]
    public void Should_NameTheMissingRun_When_AnExperimentNeedsOne()
    {
        var e = Assert.Throws<UserInputException>(() => SelectabilityExperiment.Run(new SelectabilityOptions(), 0));
        Assert.StartsWith("Run is required", e.Message);
    }
}
