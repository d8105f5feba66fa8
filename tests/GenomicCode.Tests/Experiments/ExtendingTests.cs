using System.Text.Json;
using System.Text.Json.Serialization;
using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Evolution;
using GenomicCode.Experiments;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Experiments;

// The worked examples of docs/extending.md (strategies and experiments), written against the public API only.

/// <summary>Options of the toy strategy: candidates per generation and their spread around the best point so far.</summary>
public sealed record RandomSearchOptions : IStrategyOptions
{
    /// <summary>Candidates per generation, >= 1. Default 16.</summary>
    public int Population { get; init; } = 16;

    /// <summary>Standard deviation of the candidates around the centre, > 0. Default 0.5.</summary>
    public double Sigma { get; init; } = 0.5;

    /// <inheritdoc />
    public IStrategyOptions With(int? population = null, double? sigma = null) =>
        this with { Population = population ?? Population, Sigma = sigma ?? Sigma };

    /// <inheritdoc />
    public void Validate()
    {
        if (Population < 1) throw new UserInputException($"Population must be >= 1, got {Population}.");
        Guard.Positive(Sigma);
    }
}

/// <summary>The toy strategy: Gaussian candidates around the best point seen so far, which becomes the centre when beaten.</summary>
public sealed class RandomSearch : StrategyBase
{
    private readonly RandomSearchOptions options;
    private Tensor centre;

    /// <summary>Builds the search from its options and the catalogue context.</summary>
    public RandomSearch(RandomSearchOptions options, StrategyContext context) : base(context.Seed, context.Start.device)
    {
        this.options = options;
        centre = context.Start.detach().to(ScalarType.Float64).clone().DetachFromDisposeScope();
    }

    public override string Name => "random search";

    public override int PopulationSize => options.Population;

    public override Tensor Parents => centre.unsqueeze(0).clone();

    protected override Tensor Propose() =>
        centre.unsqueeze(0).Plus(torch.randn(new long[] { options.Population, centre.shape[0] }, dtype: ScalarType.Float64, device: Device, generator: Random).Mul(options.Sigma));

    protected override void Update(Tensor population, Tensor fitness)
    {
        using var best = BestGenome!;  // the base class has recorded this generation already
        centre.Dispose();
        centre = best.to(ScalarType.Float64).clone().DetachFromDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) centre.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>Options of the toy experiment: minimise ||x - 1||^2 in a few dimensions with any strategy of the catalogue.</summary>
public sealed record SphereOptions : IComponentOptions
{
    /// <summary>Dimensions, >= 1. Default 3.</summary>
    public int Dimensions { get; init; } = 3;

    /// <summary>Generations, >= 1. Default 40.</summary>
    public int Generations { get; init; } = 40;

    /// <summary>The strategy, with its options. Default es.</summary>
    [JsonConverter(typeof(StrategySpecJson))]
    public ComponentSpec Strategy { get; init; } = StrategyCatalog.Spec("es");

    /// <inheritdoc />
    public void Validate()
    {
        if (Dimensions < 1) throw new UserInputException($"Dimensions must be >= 1, got {Dimensions}.");
        if (Generations < 1) throw new UserInputException($"Generations must be >= 1, got {Generations}.");
        StrategyCatalog.Validate(Strategy, nameof(Strategy));
    }
}

/// <summary>The toy experiment's result: what it writes to sphere.json.</summary>
public sealed record SphereResult(
    [property: JsonPropertyName("options")] SphereOptions Options,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("best_fitness")] double[] BestFitness) : IExperimentResult;

/// <summary>The toy experiment.</summary>
public static class SphereExperiment
{
    /// <summary>Runs it: one batched fitness call per generation, progress per generation, cancellation between them.</summary>
    public static SphereResult Run(SphereOptions options, long seed, IProgress<ExperimentProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        using var start = torch.zeros(options.Dimensions, dtype: ScalarType.Float64);
        using var strategy = StrategyCatalog.Create(options.Strategy, start, seed);
        var reports = Evolver.Run(strategy, x => x.Sub(1.0).Square().sum(1).neg(), options.Generations,
            r => progress?.Report(new ExperimentProgress(r.Generation, options.Generations, $"generation {r.Generation}: best {r.BestSoFar:F4}")),
            cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return new SphereResult(options, seed, reports.Select(r => r.BestSoFar).ToArray());
    }
}

public class ExtendingTests
{
    private static readonly CatalogueEntry<StrategyContext, IEvolutionStrategy> RandomSearchEntry =
        new CatalogueEntry<RandomSearchOptions, StrategyContext, IEvolutionStrategy>("random-search",
            "Gaussian candidates around the best point so far.", "", (o, c) => new RandomSearch(o, c));

    [Fact]
    public void Should_BuildFromJsonAndImprove_When_AToyStrategyJoinsTheCatalogue()
    {
        // Given the library's strategies plus the toy one
        var strategies = new Catalogue<StrategyContext, IEvolutionStrategy>("strategies", "strategy", "With a toy.",
            StrategyCatalog.Catalogue.Entries.Append(RandomSearchEntry));
        var spec = strategies.Read(JsonDocument.Parse("""{ "name": "random-search", "options": { "population": 8, "sigma": 0.3 } }""").RootElement);

        // When it is built from its JSON spec and evolves on f(x) = -||x - 1||^2 from 0 (f = -3)
        using var start = torch.zeros(3, dtype: ScalarType.Float64);
        using var search = strategies.Create(spec, new StrategyContext(start, Seed: 2));
        var reports = Evolver.Run(search, x => x.Sub(1.0).Square().sum(1).neg(), 60);

        // Then it gets much closer to the optimum, and the contract holds: mean (G), parents (1, G)
        Assert.True(reports[^1].BestSoFar > -0.3, $"best {reports[^1].BestSoFar}");
        using var mean = search.Mean;
        using var parents = search.Parents;
        Assert.Equal(new long[] { 3 }, mean.shape);
        Assert.Equal(new long[] { 1, 3 }, parents.shape);
        Assert.Contains("random-search", strategies.Names);
    }

    [Fact]
    public void Should_RunByNameWriteAndReadBack_When_AToyExperimentJoinsTheCatalogue()
    {
        // Given the library's experiments plus the toy one
        var experiments = new Catalogue<ExperimentContext, IExperimentResult>("experiments", "experiment", "With a toy.",
            ExperimentCatalog.Catalogue.Entries.Append(new ExperimentEntry<SphereOptions, SphereResult>("sphere",
                "Minimises ||x - 1||^2 with any strategy.", "", "sphere.json", SphereExperiment.Run)));
        var spec = experiments.Read(JsonDocument.Parse("""{ "name": "sphere", "options": { "strategy": { "name": "cma", "options": { "sigma": 0.5 } } } }""").RootElement);
        var entry = (ExperimentEntry)experiments.Find("sphere");
        var reports = new List<ExperimentProgress>();

        // When it runs by name and its result is written where the entry says
        var result = (SphereResult)entry.Run(spec.Options, seed: 3, new ProgressCallback(reports.Add));
        using var dir = new TempDir();
        string path = ResultFile.Write(dir[entry.FileName], result);

        // Then CMA-ES nearly reaches the optimum, progress counted every generation, and the file reads back the same
        Assert.True(result.BestFitness[^1] > -1e-3, $"best {result.BestFitness[^1]}");
        Assert.Equal(40, reports.Count);
        var back = ResultFile.Read<SphereResult>(path);
        Assert.Equal(result.BestFitness, back.BestFitness);
        Assert.Equal(0.5, back.Options.Strategy.OptionsAs<CmaOptions>().Sigma);
        Assert.Equal(File.ReadAllText(path), ResultFile.ToJson(back));
    }
}
