using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>
/// An ask / evaluate / tell optimiser over genomes (as in evosax and EvoTorch): <see cref="Ask"/> proposes a population
/// (N, G); the caller develops and scores the whole batch at once; <see cref="Tell"/> takes the fitness (N, higher is
/// better) and prepares the next generation. Between generations a strategy holds <see cref="Parents"/>, the genomes the
/// next population is made from, and <see cref="Mean"/>, the centre of its search.
/// </summary>
public interface IEvolutionStrategy : IDisposable
{
    /// <summary>A short name for tables and figure legends (for example "OpenAI-ES" or "diagonal CMA-ES").</summary>
    string Name { get; }

    /// <summary>Individuals per generation.</summary>
    int PopulationSize { get; }

    /// <summary>Generations told so far.</summary>
    long Generation { get; }

    /// <summary>The population to evaluate now, (N, G); a new handle the caller may dispose.</summary>
    Tensor Ask();

    /// <summary>Fitness (N) of the population returned by the last <see cref="Ask"/>; higher is better.</summary>
    void Tell(Tensor fitness);

    /// <summary>
    /// The genomes the next population is made from, (K, G), a copy: a genetic algorithm's population (elites first),
    /// each hill-climber lineage's parent, the mean of CMA-ES or OpenAI-ES as one row.
    /// </summary>
    Tensor Parents { get; }

    /// <summary>
    /// The centre of the search (G), a copy: the mean of the search distribution of CMA-ES and OpenAI-ES; for strategies
    /// that keep a set of parents (a genetic algorithm, hill-climber lineages) the centroid of <see cref="Parents"/>.
    /// </summary>
    Tensor Mean { get; }

    /// <summary>
    /// Tells the strategy that the fitness function changed (a new target, a new environment): fitness values it keeps from
    /// earlier generations are measured again with <paramref name="fitness"/> (a batched function (K, G) -> (K), called on
    /// <see cref="Parents"/>). Strategies that score their whole population every generation keep none and do nothing.
    /// </summary>
    void Reevaluate(Func<Tensor, Tensor> fitness);

    /// <summary>The fittest genome evaluated so far (G), or null before the first <see cref="Tell"/>.</summary>
    Tensor? BestGenome { get; }

    /// <summary>Fitness of <see cref="BestGenome"/> (negative infinity before the first <see cref="Tell"/>).</summary>
    double BestFitness { get; }
}
