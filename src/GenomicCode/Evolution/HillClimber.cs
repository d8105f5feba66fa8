using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>Options of the hill climber (catalogue name <c>hill-climber</c>) over continuous genomes.</summary>
public sealed record HillClimberOptions : IStrategyOptions
{
    /// <summary>Independent lineages L (one mutant each per generation), 1..1000000. Default 1.</summary>
    public int Population { get; init; } = 1;

    /// <summary>Half-width of the uniform step of the one gene that mutates, >= 0. Default 0.1.</summary>
    public double Sigma { get; init; } = 0.1;

    /// <summary>Genes are kept within [-Bound, Bound] (> 0), or unbounded when null. Default null.</summary>
    public double? Bound { get; init; }

    /// <inheritdoc />
    public IStrategyOptions With(int? population = null, double? sigma = null) =>
        this with { Population = population ?? Population, Sigma = sigma ?? Sigma };

    /// <inheritdoc />
    public void Validate()
    {
        if (Population < 1 || Population > 1_000_000) throw new UserInputException($"Population must be in [1, 1000000], got {Population}.");
        Guard.NonNegative(Sigma);
        if (Bound is double b) Guard.Positive(b, nameof(Bound));
    }
}

/// <summary>
/// Independent (1+1) hill climbers side by side, one lineage per row (the search of Watson et al. 2014 and Kouvaris et
/// al. 2017): <see cref="IEvolutionStrategy.Ask"/> gives one mutant of each lineage's parent, <see cref="IEvolutionStrategy.Tell"/>
/// keeps the mutant where its fitness is not lower than its parent's (ties accepted, so neutral changes drift), else the
/// parent. A lineage never sees another, so L lineages are L replicates evaluated in one batch. Until the parents have a
/// fitness (from <see cref="Reevaluate"/>), the first ask returns the parents themselves to measure it. The climber owns
/// its mutation operator and disposes it when that is <see cref="IDisposable"/>.
/// </summary>
public sealed class HillClimber : StrategyBase
{
    /// <summary>The catalogue entry <c>hill-climber</c>.</summary>
    public static CatalogueEntry<StrategyContext, IEvolutionStrategy> Entry { get; } =
        new CatalogueEntry<HillClimberOptions, StrategyContext, IEvolutionStrategy>("hill-climber",
            "Independent (1+1) hill climbers, one lineage per row: one gene mutates, the mutant replaces its parent when not worse.",
            "Watson et al. 2014; Kouvaris et al. 2017", Create, "1+1");

    private readonly IMutation mutation;
    private readonly int lineages;
    private Tensor parents;          // (L, G)
    private Tensor? parentFitness;   // (L) float64; null until measured
    private bool askedParents;

    /// <summary>Starts the lineages at <paramref name="initialParents"/> (L, G), which is copied; draws from stream 0xE0 of <paramref name="seed"/>.</summary>
    public HillClimber(Tensor initialParents, IMutation mutation, long seed)
        : this(initialParents, mutation, Seeds.Generator(initialParents.device, seed, 0xE0))
    {
    }

    /// <summary>
    /// Starts the lineages at <paramref name="initialParents"/> (L, G), which is copied, drawing mutations from
    /// <paramref name="random"/> (owned and disposed by the climber): for a caller that seeds its own stream.
    /// </summary>
    public HillClimber(Tensor initialParents, IMutation mutation, Generator random)
        : base(random)
    {
        if (initialParents.dim() != 2 || initialParents.shape[0] < 1)
            throw new UserInputException($"hill-climber parents are a (L, G) tensor with L >= 1 lineages, got ({string.Join(", ", initialParents.shape)}).");
        this.mutation = mutation;
        lineages = (int)initialParents.shape[0];
        parents = initialParents.detach().clone().DetachFromDisposeScope(); // owned by the strategy, whatever scope builds it
    }

    /// <summary>
    /// Builds the climber from catalogue options: every lineage starts at the context's start and mutates one gene per
    /// generation (<see cref="SingleGeneMutation"/>).
    /// </summary>
    public static HillClimber Create(HillClimberOptions options, StrategyContext context)
    {
        using var parents = context.Start.unsqueeze(0).expand(options.Population, -1);
        return new HillClimber(parents, new SingleGeneMutation(options.Sigma, options.Bound), context.Seed);
    }

    /// <inheritdoc />
    public override string Name => "(1+1) hill climber";

    /// <summary>Lineages L; each generation has one mutant per lineage.</summary>
    public override int PopulationSize => lineages;

    /// <inheritdoc />
    /// <remarks>Each lineage's parent (L, G).</remarks>
    public override Tensor Parents => parents.clone();

    /// <summary>Fitness of each lineage's parent (L), float64, a copy; null until measured.</summary>
    public Tensor? ParentFitness => parentFitness?.clone();

    /// <inheritdoc />
    public override void Reevaluate(Func<Tensor, Tensor> fitness)
    {
        using var scope = torch.NewDisposeScope();
        Tensor f;
        using (torch.no_grad()) f = CheckFitness(fitness(parents.alias()), PopulationSize, Generation);
        parentFitness?.Dispose();
        parentFitness = f.DetachFromDisposeScope();
    }

    /// <inheritdoc />
    protected override Tensor Propose()
    {
        askedParents = parentFitness is null;
        return askedParents ? parents.clone() : mutation.Mutate(parents, Random);
    }

    /// <inheritdoc />
    protected override void Update(Tensor population, Tensor fitness)
    {
        if (askedParents)
        {
            parentFitness?.Dispose();
            parentFitness = fitness.clone().DetachFromDisposeScope();
            return;
        }
        var accept = fitness.ge(parentFitness!);                                            // (L): not worse than the parent
        var nextParents = torch.where(accept.unsqueeze(1), population, parents).DetachFromDisposeScope();
        var nextFitness = torch.where(accept, fitness, parentFitness!).DetachFromDisposeScope();
        parents.Dispose();
        parentFitness!.Dispose();
        parents = nextParents;
        parentFitness = nextFitness;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            parents.Dispose();
            parentFitness?.Dispose();
            (mutation as IDisposable)?.Dispose();
        }
        base.Dispose(disposing);
    }
}
