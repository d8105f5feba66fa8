using GenomicCode.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>
/// A generational genetic algorithm (Holland 1975; Goldberg 1989): the <c>EliteCount</c> fittest survive unchanged
/// (elitism, De Jong 1975), the rest of the next generation are children of selected parents, recombined and mutated.
/// Works on continuous (float) and nucleotide (int64 base index) genomes alike; the operators decide.
/// </summary>
public sealed class GeneticAlgorithm : StrategyBase
{
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

    /// <inheritdoc />
    public override int PopulationSize => (int)population.shape[0];

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
