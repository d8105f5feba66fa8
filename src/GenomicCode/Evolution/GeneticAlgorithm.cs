using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>Options of the genetic algorithm (catalogue name <c>ga</c>) over continuous genomes.</summary>
public sealed record GeneticAlgorithmOptions : IStrategyOptions
{
    /// <summary>The parent-selection schemes: "truncation", "tournament" and "proportional" (roulette wheel).</summary>
    public static readonly IReadOnlyList<string> Selections = new[] { "truncation", "tournament", "proportional" };

    /// <summary>The recombination operators: "uniform", "one-point" and "none" (asexual reproduction).</summary>
    public static readonly IReadOnlyList<string> Crossovers = new[] { "uniform", "one-point", "none" };

    /// <summary>Individuals per generation, 2..1000000. Default 64.</summary>
    public int Population { get; init; } = 64;

    /// <summary>Standard deviation of the Gaussian mutation of each gene, >= 0. Default 0.1.</summary>
    public double Sigma { get; init; } = 0.1;

    /// <summary>Probability that a gene mutates, in [0, 1]. Default 1.</summary>
    public double MutationRate { get; init; } = 1.0;

    /// <summary>Parent selection: "truncation", "tournament" or "proportional". Default "truncation".</summary>
    public string Selection { get; init; } = "truncation";

    /// <summary>Truncation selection: share of the population that breeds, in (0, 1]. Default 0.25.</summary>
    public double TruncationFraction { get; init; } = 0.25;

    /// <summary>Tournament selection: individuals per tournament, >= 1. Default 3.</summary>
    public int TournamentSize { get; init; } = 3;

    /// <summary>Recombination: "uniform", "one-point" or "none". Default "uniform".</summary>
    public string Crossover { get; init; } = "uniform";

    /// <summary>Fittest individuals copied unchanged into the next generation, 0..Population - 1. Default 1.</summary>
    public int EliteCount { get; init; } = 1;

    /// <summary>
    /// Standard deviation of the first population around the start, >= 0: with the start at 0 and 1, the first population
    /// is drawn from the N(0, I) prior of a genome VAE. Default 1.
    /// </summary>
    public double InitialSpread { get; init; } = 1.0;

    /// <inheritdoc />
    public IStrategyOptions With(int? population = null, double? sigma = null) =>
        this with { Population = population ?? Population, Sigma = sigma ?? Sigma };

    /// <inheritdoc />
    public void Validate()
    {
        if (Population < 2 || Population > 1_000_000) throw new UserInputException($"Population must be in [2, 1000000], got {Population}.");
        Guard.NonNegative(Sigma);
        Guard.InRange(MutationRate, 0, 1);
        if (!Selections.Contains(Selection)) throw new UserInputException($"Selection must be one of {string.Join(", ", Selections)}, got '{Selection}'.");
        if (!(TruncationFraction > 0 && TruncationFraction <= 1)) throw new UserInputException($"TruncationFraction must be in (0, 1], got {TruncationFraction}.");
        if (TournamentSize < 1) throw new UserInputException($"TournamentSize must be >= 1, got {TournamentSize}.");
        if (!Crossovers.Contains(Crossover)) throw new UserInputException($"Crossover must be one of {string.Join(", ", Crossovers)}, got '{Crossover}'.");
        if (EliteCount < 0 || EliteCount >= Population) throw new UserInputException($"EliteCount must be in [0, Population - 1] = [0, {Population - 1}], got {EliteCount}.");
        Guard.NonNegative(InitialSpread);
    }
}

/// <summary>
/// A generational genetic algorithm (Holland 1975; Goldberg 1989): the <c>EliteCount</c> fittest survive unchanged
/// (elitism, De Jong 1975), the rest of the next generation are children of selected parents, recombined and mutated.
/// Works on continuous (float) and nucleotide (int64 base index) genomes alike; the operators decide.
/// </summary>
public sealed class GeneticAlgorithm : StrategyBase
{
    /// <summary>The catalogue entry <c>ga</c>.</summary>
    public static CatalogueEntry<StrategyContext, IEvolutionStrategy> Entry { get; } =
        new CatalogueEntry<GeneticAlgorithmOptions, StrategyContext, IEvolutionStrategy>("ga",
            "Generational genetic algorithm: selection, recombination, Gaussian mutation, elitism.",
            "Holland 1975; Goldberg 1989", Create, "genetic-algorithm");

    private readonly ISelection selection;
    private readonly IRecombination? recombination;
    private readonly IMutation mutation;
    private readonly int eliteCount;
    private Tensor population;

    /// <summary>
    /// Starts from <paramref name="initialPopulation"/> (N, G), which is copied. <paramref name="recombination"/> may be
    /// null (asexual reproduction: children are mutated copies of one parent).
    /// </summary>
    public GeneticAlgorithm(Tensor initialPopulation, ISelection selection, IMutation mutation, IRecombination? recombination,
        int eliteCount, long seed)
        : base(seed, initialPopulation.device)
    {
        if (initialPopulation.dim() != 2)
            throw new UserInputException($"a population is a (N, G) tensor, got ({string.Join(", ", initialPopulation.shape)}).");
        int n = (int)initialPopulation.shape[0];
        if (n < 2) throw new UserInputException($"population size must be >= 2, got {n}.");
        if (eliteCount < 0 || eliteCount >= n)
            throw new UserInputException($"elite count must be in [0, population size - 1] = [0, {n - 1}], got {eliteCount}.");
        this.selection = selection;
        this.mutation = mutation;
        this.recombination = recombination;
        this.eliteCount = eliteCount;
        population = initialPopulation.detach().clone().DetachFromDisposeScope(); // owned by the strategy, whatever scope builds it
    }

    /// <summary>
    /// Builds the genetic algorithm from catalogue options: the first population is the context's start plus
    /// N(0, InitialSpread^2) noise per gene, drawn from stream 1 of the context's seed.
    /// </summary>
    public static GeneticAlgorithm Create(GeneticAlgorithmOptions options, StrategyContext context)
    {
        var start = context.Start;
        using var scope = torch.NewDisposeScope();
        using var generator = Seeds.Generator(start.device, context.Seed, 1);
        var noise = torch.randn(new long[] { options.Population, start.shape[0] }, dtype: start.dtype, device: start.device, generator: generator);
        var first = start.unsqueeze(0).Plus(noise.Mul(options.InitialSpread));                                         // (N, G)
        ISelection selection = options.Selection switch
        {
            "tournament" => new TournamentSelection(options.TournamentSize),
            "proportional" => new FitnessProportionalSelection(),
            _ => new TruncationSelection(options.TruncationFraction),
        };
        IRecombination? recombination = options.Crossover switch
        {
            "uniform" => new UniformCrossover(),
            "one-point" => new OnePointCrossover(),
            _ => null,
        };
        return new GeneticAlgorithm(first, selection, new GaussianMutation(options.Sigma, options.MutationRate), recombination,
            options.EliteCount, context.Seed);
    }

    /// <inheritdoc />
    public override string Name => "genetic algorithm";

    /// <inheritdoc />
    public override int PopulationSize => (int)population.shape[0];

    /// <inheritdoc />
    /// <remarks>
    /// The current population (N, G), the one the next <see cref="IEvolutionStrategy.Ask"/> returns: the elites of the last
    /// generation in its first rows, fittest first, then the children. Its centroid is the GA's <see cref="IEvolutionStrategy.Mean"/>.
    /// </remarks>
    public override Tensor Parents => population.clone();

    /// <inheritdoc />
    protected override Tensor Propose() => population.clone();

    /// <inheritdoc />
    protected override void Update(Tensor current, Tensor fitness)
    {
        int n = PopulationSize, children = n - eliteCount;
        var elites = current.index_select(0, fitness.topk(Math.Max(eliteCount, 1)).indexes.narrow(0, 0, eliteCount));   // (E, G)
        var mothers = current.index_select(0, selection.SelectParents(fitness, children, Random));          // (N-E, G)
        var offspring = mothers;
        if (recombination is not null)
        {
            var fathers = current.index_select(0, selection.SelectParents(fitness, children, Random));
            offspring = recombination.Recombine(mothers, fathers, Random);
        }
        offspring = mutation.Mutate(offspring, Random);
        var next = torch.cat(new[] { elites, offspring }, 0).DetachFromDisposeScope();
        population.Dispose();
        population = next;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) population.Dispose();
        base.Dispose(disposing);
    }
}
